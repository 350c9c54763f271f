//! `#[loopy::task]`: an `async fn` whose call spawns its body as a named task.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::{FnArg, Generics, LitStr, Pat, PatIdent, ReturnType, Signature, Type};

use crate::errors::Errors;
use crate::item::AsyncFn;
use crate::options::Options;
use crate::owned::require_owned;
use crate::Macro;

/// Expands `#[loopy::task]`.
pub(crate) fn task(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let options = Options::parse(Macro::Task, args, &mut errors);
    let function = match AsyncFn::parse(Macro::Task, item.clone()) {
        Ok(function) => function,
        Err(error) => {
            errors.push(error);
            return errors.beside(item);
        }
    };
    function.check_qualifiers(Macro::Task, &mut errors);
    let params = params(&function.sig, &mut errors);
    let generics = generics(&function.sig.generics);
    let mut output = match &function.sig.output {
        ReturnType::Default => syn::parse_quote!(()),
        ReturnType::Type(_, ty) => (**ty).clone(),
    };
    require_owned(&mut output, "a task's output", &mut errors);
    if !errors.is_empty() {
        return errors.beside(stand_in(&options, &function, &output));
    }

    let AsyncFn {
        attrs,
        vis,
        sig,
        body,
    } = &function;
    let Signature {
        fn_token, ident, ..
    } = sig;
    let krate = &options.krate;
    let name = options
        .name
        .clone()
        .unwrap_or_else(|| LitStr::new(&ident.to_string(), ident.span()));
    let where_clause = &generics.where_clause;
    let outer = params.iter().map(|param| &param.outer);
    let rebind = params.iter().map(|param| &param.rebind);
    // `track_caller`: the task's spawn location is the caller's line, not
    // this function's.
    quote! {
        #(#attrs)*
        #[track_caller]
        #vis #fn_token #ident #generics(#(#outer),*) -> #krate::JoinHandle<#output> #where_clause {
            #krate::task::Builder::new()
                .name(#name)
                .spawn(async move {
                    #(#rebind)*
                    #body
                })
        }
    }
}

/// One parameter of the task, split the way an `async fn` splits it: the
/// generated function takes the value under a plain name, and the task's body
/// binds the user's pattern to it.
struct Param {
    /// The parameter of the generated function: `x: u8`, `__arg1: (u8, u8)`.
    outer: TokenStream,
    /// The statements at the top of the task that bind the pattern: `let mut x = x;`.
    rebind: TokenStream,
}

/// Splits the parameters, reporting `self` and borrowed types.
fn params(sig: &Signature, errors: &mut Errors) -> Vec<Param> {
    let mut params = Vec::new();
    for (index, input) in sig.inputs.iter().enumerate() {
        let typed = match input {
            FnArg::Typed(typed) => typed,
            FnArg::Receiver(receiver) => {
                let fix = "write a free function and pass the value it needs as a parameter";
                errors.at(
                    receiver,
                    format!("{} cannot take `self`; {fix}", Macro::Task),
                );
                continue;
            }
        };
        let (attrs, pat) = (&typed.attrs, &typed.pat);
        let mut ty = (*typed.ty).clone();
        require_owned(&mut ty, "task parameters", errors);
        // A plain `x` or `mut x` keeps its name, any other pattern gets a hidden
        // one. The task moves the whole value in first, as an `async fn` does: a
        // value the body never names (`_guard`, the `_` in `(a, _)`) is dropped
        // when the task ends, not when the spawning call returns.
        let (name, rebind) = match &**pat {
            Pat::Ident(PatIdent {
                ident,
                by_ref: None,
                subpat: None,
                ..
            }) => (ident.clone(), quote!(#(#attrs)* let #pat = #ident;)),
            _ => {
                let name = format_ident!("__arg{}", index, span = Span::mixed_site());
                let rebind = quote! {
                    #(#attrs)* let #name = #name;
                    #(#attrs)* let #pat = #name;
                };
                (name, rebind)
            }
        };
        params.push(Param {
            outer: quote!(#(#attrs)* #name: #ty),
            rebind,
        });
    }
    params
}

/// Adds `T: 'static` for each type parameter: a task holds its values for as
/// long as it runs. (A lifetime parameter is reported where a type uses it.)
fn generics(generics: &Generics) -> Generics {
    let mut owned = generics.clone();
    let where_clause = owned.make_where_clause();
    for param in generics.type_params() {
        let ident = &param.ident;
        where_clause
            .predicates
            .push(syn::parse_quote!(#ident: 'static));
    }
    owned
}

/// Writes what stands in for the task while the macro reports errors: the
/// function as written but returning a `JoinHandle`, so callers type-check,
/// with a body that the compiler checks but that never runs (the crate does
/// not compile anyway).
fn stand_in(options: &Options, function: &AsyncFn, output: &Type) -> TokenStream {
    let AsyncFn {
        attrs,
        vis,
        sig,
        body,
    } = function;
    let Signature {
        unsafety,
        fn_token,
        ident,
        generics,
        inputs,
        ..
    } = sig;
    let where_clause = &generics.where_clause;
    let krate = &options.krate;
    quote! {
        #(#attrs)*
        #vis #unsafety #fn_token #ident #generics(#inputs) -> #krate::JoinHandle<#output> #where_clause {
            let _: ::core::pin::Pin<&mut dyn ::core::future::Future<Output = #output>> =
                ::core::pin::pin!(async move #body);
            ::core::unreachable!()
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::task;
    use crate::errors::read::{assert_same_tokens, items_and_errors};

    #[test]
    fn a_task_spawns_its_body_and_binds_the_patterns_inside() {
        let output = task(
            quote!(name = "adder"),
            quote! {
                pub async fn add<T: Into<u64>>(mut total: u64, (a, b): (T, T), _: impl Send) -> u64 {
                    total += a.into() + b.into();
                    total
                }
            },
        );
        let expected = quote! {
            #[track_caller]
            pub fn add<T: Into<u64>>(total: u64, __arg1: (T, T), __arg2: impl Send + 'static) -> ::loopy::JoinHandle<u64>
            where
                T: 'static
            {
                ::loopy::task::Builder::new()
                    .name("adder")
                    .spawn(async move {
                        let mut total = total;
                        let __arg1 = __arg1;
                        let (a, b) = __arg1;
                        let __arg2 = __arg2;
                        let _ = __arg2;
                        {
                            total += a.into() + b.into();
                            total
                        }
                    })
            }
        };
        assert_same_tokens(output, expected);
    }

    #[test]
    fn the_task_is_named_after_the_function_by_default() {
        let output = task(
            quote!(),
            quote!(
                async fn worker() {}
            ),
        );
        let expected = quote! {
            #[track_caller]
            fn worker() -> ::loopy::JoinHandle<()> {
                ::loopy::task::Builder::new().name("worker").spawn(async move { {} })
            }
        };
        assert_same_tokens(output, expected);
    }

    #[test]
    fn owned_types_pass() {
        let output = task(
            quote!(),
            quote! {
                async fn owned(
                    text: &'static str,
                    callback: Box<dyn Fn(&str) -> usize>,
                    pointer: fn(&u8) -> &u8,
                    higher: Box<dyn for<'a> Fn(&'a str)>,
                    shared: std::rc::Rc<std::cell::RefCell<Vec<Option<String>>>>,
                ) -> std::borrow::Cow<'static, str> {
                    text.into()
                }
            },
        );
        assert_eq!(items_and_errors(output).1, Vec::<String>::new());
    }

    #[test]
    fn every_borrow_and_receiver_is_reported() {
        let output = task(
            quote!(nmae = "x", crate = "loopy", crate = "loopy"),
            quote! {
                async unsafe fn borrows<'a>(&self, name: &str, list: &mut Vec<u8>, view: Wrapper<'a>, other: Box<dyn Send + 'a>) -> &'a str {
                    name
                }
            },
        );
        let (items, errors) = items_and_errors(output);
        let param = "task parameters cannot";
        let outlives = "the task outlives the call that spawns it";
        assert_eq!(
            errors,
            [
                "unknown option `nmae`; expected `name` or `crate`".to_string(),
                "option `crate` is given twice; keep one".to_string(),
                "`#[loopy::task]` cannot be `unsafe`; remove `unsafe` and put an `unsafe { }` block in the body".to_string(),
                "`#[loopy::task]` cannot take `self`; write a free function and pass the value it needs as a parameter"
                    .to_string(),
                format!("{param} borrow: {outlives}; use an owned type such as `String` or `Rc<T>`"),
                format!("{param} borrow: {outlives}; use an owned type such as `String` or `Rc<T>`"),
                format!("{param} have the lifetime `'a`: {outlives}; use owned types or `'static`"),
                format!("{param} have the lifetime `'a`: {outlives}; use owned types or `'static`"),
                format!("a task's output cannot borrow: {outlives}; use an owned type such as `String` or `Rc<T>`"),
            ]
        );
        let stand_in = quote! {
            unsafe fn borrows<'a>(&self, name: &str, list: &mut Vec<u8>, view: Wrapper<'a>, other: Box<dyn Send + 'a>)
                -> loopy::JoinHandle<&'a str>
            {
                let _: ::core::pin::Pin<&mut dyn ::core::future::Future<Output = &'a str>> =
                    ::core::pin::pin!(async move { name });
                ::core::unreachable!()
            }
        };
        assert_same_tokens(quote!(#(#items)*), stand_in);
    }
}

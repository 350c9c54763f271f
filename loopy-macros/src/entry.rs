//! `#[loopy::main]` and `#[loopy::test]`: an `async fn` that becomes a plain
//! function running its body on a fresh runtime.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Generics, Signature};

use crate::errors::Errors;
use crate::item::AsyncFn;
use crate::options::Options;
use crate::Macro;

/// Expands `#[loopy::main]`.
pub(crate) fn main(args: TokenStream, item: TokenStream) -> TokenStream {
    entry(Macro::Main, args, item)
}

/// Expands `#[loopy::test]`.
pub(crate) fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    entry(Macro::Test, args, item)
}

/// Checks everything first, then writes either the expansion or, when anything
/// was wrong, a stand-in beside the errors.
fn entry(attribute: Macro, args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let options = Options::parse(attribute, args, &mut errors);
    let mut function = match AsyncFn::parse(attribute, item.clone()) {
        Ok(function) => function,
        Err(error) => {
            errors.push(error);
            return errors.beside(item);
        }
    };
    function.check_qualifiers(attribute, &mut errors);
    check_no_inputs(attribute, &function.sig, &mut errors);
    if attribute == Macro::Test {
        // The test attribute is ours to add; a second one would run the test twice.
        for test in function
            .attrs
            .iter()
            .filter(|attr| attr.path().is_ident("test"))
        {
            errors.at(
                test,
                "`#[loopy::test]` already makes the function a test; remove this `#[test]`",
            );
        }
        function.attrs.retain(|attr| !attr.path().is_ident("test"));
    }
    if errors.is_empty() {
        expand(attribute, &options, function)
    } else {
        errors.beside(stand_in(attribute, &function))
    }
}

/// Reports parameters and generics: nothing calls the function with arguments,
/// since the test harness or the program's start calls it.
fn check_no_inputs(attribute: Macro, sig: &Signature, errors: &mut Errors) {
    if !sig.inputs.is_empty() {
        let hint = match attribute {
            Macro::Main => " (read command-line arguments with `std::env::args()`)",
            _ => "",
        };
        errors.at(
            &sig.inputs,
            format!("{attribute} functions take no parameters; remove them{hint}"),
        );
    }
    if !sig.generics.params.is_empty() {
        errors.at(
            &sig.generics,
            format!("{attribute} functions cannot be generic; remove the generic parameters"),
        );
    } else if let Some(where_clause) = &sig.generics.where_clause {
        errors.at(
            where_clause,
            format!("{attribute} functions cannot have a `where` clause; remove it"),
        );
    }
}

/// `#[test]` for the test macro, by absolute path so a user's `test` item cannot hide it.
fn test_attribute(attribute: Macro) -> Option<TokenStream> {
    (attribute == Macro::Test).then(|| quote!(#[::core::prelude::v1::test]))
}

/// Writes the synchronous function that runs the body on a fresh runtime.
fn expand(attribute: Macro, options: &Options, function: AsyncFn) -> TokenStream {
    let AsyncFn {
        attrs,
        vis,
        sig,
        body,
    } = function;
    let Signature {
        fn_token,
        ident,
        output,
        ..
    } = sig;
    let krate = &options.krate;
    let run = match attribute {
        Macro::Test => {
            let start_paused = options.start_paused;
            let seed = match &options.seed {
                Some(seed) => quote!(::core::option::Option::Some(#seed)),
                None => quote!(::core::option::Option::None),
            };
            let test = quote! {
                #krate::__private::TestOptions {
                    path: ::core::concat!(::core::module_path!(), "::", ::core::stringify!(#ident)),
                    start_paused: #start_paused,
                    seed: #seed,
                }
            };
            match &options.seeds {
                Some(count) => quote! {
                    #krate::__private::run_seeds(#test, #count, |_| async move #body)
                },
                None => quote! { #krate::__private::run_test(#test, |_| async move #body) },
            }
        }
        _ => {
            let trace = options.trace;
            let slow_poll = options
                .slow_poll_ms
                .as_ref()
                .map(|millis| quote!(.slow_poll(::core::time::Duration::from_millis(#millis))));
            quote! {
                #krate::Runtime::builder()
                    .trace(#trace)
                    #slow_poll
                    .build()
                    .expect("#[loopy::main] could not start the loopy runtime")
                    .block_on(async move #body)
            }
        }
    };
    let test = test_attribute(attribute);
    quote! {
        #test
        #(#attrs)*
        #vis #fn_token #ident() #output {
            #run
        }
    }
}

/// Writes what stands in for the function while the macro reports errors.
///
/// Outside, it is the function the expansion would have been, so callers still
/// type-check; the program's `main` and tests lose their parameters and
/// generics, which rustc would reject with errors of its own. Inside, it holds
/// the user's function, as written, as a nested item: the compiler still checks
/// the body (so the IDE keeps working), but nothing ever runs it, since the
/// crate does not compile.
fn stand_in(attribute: Macro, function: &AsyncFn) -> TokenStream {
    let (attrs, vis, body) = (&function.attrs, &function.vis, &function.body);
    let inner = Signature {
        constness: None,
        abi: None,
        ..function.sig.clone()
    };
    let mut outer = Signature {
        asyncness: None,
        unsafety: None,
        ..inner.clone()
    };
    if attribute == Macro::Test || outer.ident == "main" {
        outer.inputs.clear();
        outer.generics = Generics::default();
    }
    let test = test_attribute(attribute);
    quote! {
        #test
        #(#attrs)*
        #[allow(unused_variables)]
        #vis #outer {
            #[allow(dead_code)]
            #inner #body
            ::core::unreachable!()
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::{main, test};
    use crate::errors::read::{assert_same_tokens, items_and_errors};

    #[test]
    fn main_runs_the_body_on_a_fresh_runtime() {
        let output = main(
            quote!(trace),
            quote! {
                /// Docs stay.
                async fn serve() -> u8 { 7 }
            },
        );
        let expected = quote! {
            /// Docs stay.
            fn serve() -> u8 {
                ::loopy::Runtime::builder()
                    .trace(true)
                    .build()
                    .expect("#[loopy::main] could not start the loopy runtime")
                    .block_on(async move { 7 })
            }
        };
        assert_same_tokens(output, expected);
    }

    #[test]
    fn test_adds_the_test_attribute_before_the_users_own() {
        let output = test(
            quote!(crate = "my_loopy"),
            quote! {
                #[should_panic]
                async fn fails() { panic!() }
            },
        );
        let expected = quote! {
            #[::core::prelude::v1::test]
            #[should_panic]
            fn fails() {
                my_loopy::__private::run_test(
                    my_loopy::__private::TestOptions {
                        path: ::core::concat!(::core::module_path!(), "::", ::core::stringify!(fails)),
                        start_paused: false,
                        seed: ::core::option::Option::None,
                    },
                    |_| async move { panic!() }
                )
            }
        };
        assert_same_tokens(output, expected);
    }

    #[test]
    fn test_options_reach_the_runner() {
        let output = test(
            quote!(start_paused, seeds = 64),
            quote! {
                async fn explores() -> Result<(), String> { Ok(()) }
            },
        );
        let expected = quote! {
            #[::core::prelude::v1::test]
            fn explores() -> Result<(), String> {
                ::loopy::__private::run_seeds(
                    ::loopy::__private::TestOptions {
                        path: ::core::concat!(::core::module_path!(), "::", ::core::stringify!(explores)),
                        start_paused: true,
                        seed: ::core::option::Option::None,
                    },
                    64,
                    |_| async move { Ok(()) }
                )
            }
        };
        assert_same_tokens(output, expected);
        let seeded = test(
            quote!(seed = 7),
            quote!(
                async fn once() {}
            ),
        )
        .to_string();
        assert!(
            seeded.contains("seed : :: core :: option :: Option :: Some (7)")
                && seeded.contains("run_test"),
            "{seeded}"
        );
    }

    #[test]
    fn every_mistake_is_reported_beside_a_stand_in() {
        let output = main(
            quote!(trace = true),
            quote!(
                const fn main<T>(x: T) {}
            ),
        );
        let (items, errors) = items_and_errors(output);
        assert_eq!(
            errors,
            [
                "`trace` takes no value; write just `trace`",
                "`#[loopy::main]` cannot be `const`; remove `const`",
                "`#[loopy::main]` needs an `async fn`; add `async` before `fn`",
                "`#[loopy::main]` functions take no parameters; remove them \
                 (read command-line arguments with `std::env::args()`)",
                "`#[loopy::main]` functions cannot be generic; remove the generic parameters",
            ]
        );
        let stand_in = quote! {
            #[allow(unused_variables)]
            fn main() {
                #[allow(dead_code)]
                fn main<T>(x: T) {}
                ::core::unreachable!()
            }
        };
        assert_eq!(items.len(), 1);
        assert_same_tokens(quote!(#(#items)*), stand_in);
    }

    #[test]
    fn a_second_test_attribute_is_reported_and_dropped() {
        let output = test(
            quote!(),
            quote!(
                #[test]
                async fn twice() {}
            ),
        );
        let (items, errors) = items_and_errors(output);
        assert_eq!(
            errors,
            ["`#[loopy::test]` already makes the function a test; remove this `#[test]`"]
        );
        let tests = quote!(#(#items)*).to_string().matches("test").count();
        assert_eq!(tests, 1, "only the macro's own `#[test]` is left");
    }

    #[test]
    fn a_non_function_is_kept_as_written() {
        let output = main(
            quote!(),
            quote!(
                struct Config;
            ),
        );
        let (items, errors) = items_and_errors(output);
        assert_eq!(
            errors,
            ["`#[loopy::main]` can only be put on an `async fn`"]
        );
        assert_same_tokens(
            quote!(#(#items)*),
            quote!(
                struct Config;
            ),
        );
    }

    #[test]
    fn a_stand_in_keeps_the_signature_callers_use() {
        let output = main(
            quote!(trac),
            quote!(
                pub async fn measure<T>(pause: T) -> u64 {
                    5
                }
            ),
        );
        let (items, errors) = items_and_errors(output);
        assert_eq!(
            errors.len(),
            3,
            "the option, the parameter and the generics: {errors:?}"
        );
        let stand_in = quote! {
            #[allow(unused_variables)]
            pub fn measure<T>(pause: T) -> u64 {
                #[allow(dead_code)]
                async fn measure<T>(pause: T) -> u64 { 5 }
                ::core::unreachable!()
            }
        };
        assert_same_tokens(quote!(#(#items)*), stand_in);
    }
}

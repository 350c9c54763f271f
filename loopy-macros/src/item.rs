//! The function an attribute is put on, parsed only as far as the macros need.

use proc_macro2::{Delimiter, Group, TokenStream};
use syn::parse::{ParseStream, Parser};
use syn::{Attribute, Signature, Visibility};

use crate::errors::Errors;
use crate::Macro;

/// An `async fn` as written: its signature is parsed, its body stays tokens.
///
/// The macros move the body into an `async move` block without looking inside,
/// so leaving it unparsed is both faster and safer: whatever the user wrote
/// reaches the compiler unchanged.
pub(crate) struct AsyncFn {
    /// Outer attributes, doc comments included; they stay on the generated function.
    pub(crate) attrs: Vec<Attribute>,
    /// `pub`, `pub(crate)` or nothing; kept as written.
    pub(crate) vis: Visibility,
    /// Everything from `const`/`async`/`fn` up to the body.
    pub(crate) sig: Signature,
    /// The body, braces included.
    pub(crate) body: Group,
}

impl AsyncFn {
    /// Parses `item`, or explains that `attribute` only goes on a function.
    pub(crate) fn parse(attribute: Macro, item: TokenStream) -> syn::Result<AsyncFn> {
        let parser = |input: ParseStream| {
            let attrs = input.call(Attribute::parse_outer)?;
            let vis = input.parse()?;
            if input.fork().parse::<Signature>().is_err() {
                return Err(input.error(format!("{attribute} can only be put on an `async fn`")));
            }
            let sig: Signature = input.parse()?;
            let body = match input.parse::<Group>() {
                Ok(body) if matches!(body.delimiter(), Delimiter::Brace) => body,
                _ => return Err(input.error(format!("{attribute} needs a function with a body"))),
            };
            Ok(AsyncFn {
                attrs,
                vis,
                sig,
                body,
            })
        };
        parser.parse2(item)
    }

    /// Reports what no loopy attribute accepts: a missing `async`, and `const`,
    /// `unsafe` or `extern`, which have no meaning once the body runs on the loop.
    pub(crate) fn check_qualifiers(&self, attribute: Macro, errors: &mut Errors) {
        let sig = &self.sig;
        if let Some(constness) = &sig.constness {
            errors.at(
                constness,
                format!("{attribute} cannot be `const`; remove `const`"),
            );
        }
        if sig.asyncness.is_none() {
            errors.at(
                sig.fn_token,
                format!("{attribute} needs an `async fn`; add `async` before `fn`"),
            );
        }
        if let Some(unsafety) = &sig.unsafety {
            let message =
                "cannot be `unsafe`; remove `unsafe` and put an `unsafe { }` block in the body";
            errors.at(unsafety, format!("{attribute} {message}"));
        }
        if let Some(abi) = &sig.abi {
            errors.at(
                abi,
                format!(
                    "{attribute} cannot be `extern`; remove `{}`",
                    quote::quote!(#abi)
                ),
            );
        }
    }
}

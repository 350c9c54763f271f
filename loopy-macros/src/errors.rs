//! Collecting every mistake a macro call finds, so the user sees them all at once.

use std::fmt::Display;

use proc_macro2::TokenStream;
use quote::ToTokens;

/// The errors found so far in one macro call.
///
/// Each check pushes what it finds and carries on, so one compile shows every
/// independent mistake instead of the first one only.
#[derive(Default)]
pub(crate) struct Errors {
    /// Every error so far, chained with `syn::Error::combine`; `None` while all is well.
    found: Option<syn::Error>,
}

impl Errors {
    /// Records `error` next to the ones found before.
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.found {
            Some(found) => found.combine(error),
            None => self.found = Some(error),
        }
    }

    /// Records `message`, pointing at `tokens` in the user's code.
    pub(crate) fn at(&mut self, tokens: impl ToTokens, message: impl Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    /// Whether every check so far passed.
    pub(crate) fn is_empty(&self) -> bool {
        self.found.is_none()
    }

    /// Emits `item` followed by one `compile_error!` per mistake.
    ///
    /// Keeping the item (the user's function, or a stand-in for it) means later
    /// code and the IDE still find it, so the user reads only the macro's errors
    /// and not a second wave such as "`main` function not found".
    pub(crate) fn beside(self, mut item: TokenStream) -> TokenStream {
        if let Some(error) = self.found {
            item.extend(error.into_compile_error());
        }
        item
    }
}

/// Reading a macro's output back in the unit tests.
#[cfg(test)]
pub(crate) mod read {
    use proc_macro2::{Delimiter, TokenStream, TokenTree};
    use syn::{Item, LitStr};

    /// Splits `output` into the items it defines and the messages of its
    /// `compile_error!`s; panics if `output` is not valid Rust items.
    pub(crate) fn items_and_errors(output: TokenStream) -> (Vec<Item>, Vec<String>) {
        let file: syn::File = match syn::parse2(output.clone()) {
            Ok(file) => file,
            Err(error) => panic!("a macro's output must parse as items: {error}\n{output}"),
        };
        let (mut items, mut messages) = (Vec::new(), Vec::new());
        for item in file.items {
            match item {
                Item::Macro(call)
                    if call
                        .mac
                        .path
                        .segments
                        .last()
                        .is_some_and(|last| last.ident == "compile_error") =>
                {
                    messages.push(
                        call.mac
                            .parse_body::<LitStr>()
                            .expect("compile_error! holds a string")
                            .value(),
                    );
                }
                item => items.push(item),
            }
        }
        (items, messages)
    }

    /// Asserts that two token streams are the same tokens, however they are
    /// spaced (`>>` and `> >` print differently but mean the same here).
    pub(crate) fn assert_same_tokens(actual: TokenStream, expected: TokenStream) {
        assert_eq!(
            flatten(actual.clone()),
            flatten(expected.clone()),
            "\n  actual: {actual}\nexpected: {expected}"
        );
    }

    /// One string per token, with groups opened and closed by their delimiters.
    fn flatten(tokens: TokenStream) -> Vec<String> {
        let mut flat = Vec::new();
        for token in tokens {
            match token {
                TokenTree::Group(group) => {
                    let (open, close) = match group.delimiter() {
                        Delimiter::Parenthesis => ("(", ")"),
                        Delimiter::Brace => ("{", "}"),
                        Delimiter::Bracket => ("[", "]"),
                        Delimiter::None => ("", ""),
                    };
                    flat.push(open.to_string());
                    flat.extend(flatten(group.stream()));
                    flat.push(close.to_string());
                }
                other => flat.push(other.to_string()),
            }
        }
        flat
    }
}

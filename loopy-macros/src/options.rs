//! The options written inside an attribute: `#[loopy::task(name = "worker", crate = "my_loopy")]`.

use proc_macro2::TokenStream;
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, Ident, Lit, LitInt, LitStr, Token};

use crate::errors::Errors;
use crate::Macro;

/// What the options of one attribute asked for; anything not written keeps its default.
pub(crate) struct Options {
    /// The path to the loopy crate that the expansion calls into: `::loopy`, or
    /// the path from `crate = "..."` for a renamed or re-exported loopy.
    pub(crate) krate: syn::Path,
    /// `name = "..."`: the task's name, when it should differ from the function's.
    pub(crate) name: Option<LitStr>,
    /// `trace`: turn on the loop's trace output.
    pub(crate) trace: bool,
    /// `slow_poll_ms = N`: the slow-poll warning's threshold in
    /// milliseconds, 0 for off.
    pub(crate) slow_poll_ms: Option<LitInt>,
    /// `start_paused`: the test's runtime starts with its clock paused.
    pub(crate) start_paused: bool,
    /// `seed = N`: the test runs once, with its order drawn from seed `N`.
    pub(crate) seed: Option<LitInt>,
    /// `seeds = N`: the test runs `N` times (at least once), each with a
    /// seed of its own.
    pub(crate) seeds: Option<LitInt>,
}

/// One option as written, before it is checked: `key` or `key = value`.
struct Written {
    /// The option's name; `crate` is a keyword, so this is parsed with `Ident::parse_any`.
    key: Ident,
    /// The expression after `=`, if there is one; parsed as any expression so a
    /// wrong kind of value (`name = 5`) gets a message of ours, not a syntax error.
    value: Option<Expr>,
}

impl Parse for Written {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let key = input.call(Ident::parse_any)?;
        let value = if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            Some(input.parse()?)
        } else {
            None
        };
        Ok(Written { key, value })
    }
}

impl Options {
    /// Reads the options of `attribute` from `args`, reporting each unknown,
    /// repeated or ill-typed one into `errors` and carrying on with the rest.
    pub(crate) fn parse(attribute: Macro, args: TokenStream, errors: &mut Errors) -> Options {
        let mut options = Options {
            krate: syn::parse_quote!(::loopy),
            name: None,
            trace: false,
            slow_poll_ms: None,
            start_paused: false,
            seed: None,
            seeds: None,
        };
        let written = match Punctuated::<Written, Token![,]>::parse_terminated.parse2(args) {
            Ok(written) => written,
            Err(error) => {
                errors.push(error);
                return options;
            }
        };
        let valid = attribute.options();
        let mut seen = Vec::new();
        for Written { key, value } in written {
            let name = key.to_string();
            if !valid.contains(&name.as_str()) {
                errors.at(
                    &key,
                    format!("unknown option `{key}`; expected {}", one_of(valid)),
                );
            } else if seen.contains(&name) {
                errors.at(&key, format!("option `{key}` is given twice; keep one"));
            } else {
                options.set(&key, value, errors);
                seen.push(name);
            }
        }
        options
    }

    /// Stores one known option, checking that its value has the right kind.
    fn set(&mut self, key: &Ident, value: Option<Expr>, errors: &mut Errors) {
        match (key.to_string().as_str(), value) {
            ("trace", value) => self.trace = flag(key, value, errors),
            ("start_paused", value) => self.start_paused = flag(key, value, errors),
            ("name", value) => self.name = string(key, value, "name = \"worker\"", errors),
            ("slow_poll_ms", value) => {
                let meaning =
                    " of milliseconds, like `slow_poll_ms = 250` (0 turns the warning off)";
                self.slow_poll_ms = whole_number::<u64>(key, value, meaning, errors);
            }
            ("seed", value) => {
                self.seed = whole_number::<u64>(key, value, ", like `seed = 42`", errors);
                self.check_one_seed_option(key, errors);
            }
            ("seeds", value) => {
                let meaning = " of seeds to run the test with, like `seeds = 64`";
                self.seeds = whole_number::<u32>(key, value, meaning, errors);
                if let Some(count) = &self.seeds {
                    if count.base10_parse::<u32>().is_ok_and(|count| count == 0) {
                        errors.at(
                            count,
                            "`seeds = 0` would run the test on no seed at all; \
                             write `seeds = 1` or more, like `seeds = 64`",
                        );
                        self.seeds = None;
                    }
                }
                self.check_one_seed_option(key, errors);
            }
            // `crate`: the only other option any attribute accepts.
            (_, value) => {
                let example = "crate = \"my_loopy\"";
                let Some(text) = string(key, value, example, errors) else {
                    return;
                };
                match text.parse() {
                    Ok(path) => self.krate = path,
                    Err(_) => errors.at(
                        &text,
                        format!("`crate` expects the path to loopy, like `{example}`"),
                    ),
                }
            }
        }
    }
}

impl Options {
    /// Reports `key` if the other of `seed` and `seeds` was given too: one
    /// seed and many cannot both be the plan.
    fn check_one_seed_option(&self, key: &Ident, errors: &mut Errors) {
        if self.seed.is_some() && self.seeds.is_some() {
            errors.at(
                key,
                "`seed` and `seeds` cannot be used together; keep `seed = N` to run one seed \
                 or `seeds = N` to explore N of them",
            );
        }
    }
}

/// `true` for an option that takes no value, after reporting a value given anyway.
fn flag(key: &Ident, value: Option<Expr>, errors: &mut Errors) -> bool {
    if let Some(value) = value {
        errors.at(value, format!("`{key}` takes no value; write just `{key}`"));
    }
    true
}

/// The string literal given to option `key`, or `None` after reporting that one was expected.
fn string(key: &Ident, value: Option<Expr>, example: &str, errors: &mut Errors) -> Option<LitStr> {
    let message = format!("`{key}` expects a string, like `{example}`");
    match value {
        Some(Expr::Lit(ExprLit {
            lit: Lit::Str(text),
            ..
        })) => return Some(text),
        Some(other) => errors.at(other, message),
        None => errors.at(key, message),
    }
    None
}

/// The whole number given to option `key`, which must fit a `T`, or `None`
/// after reporting that one was expected; `meaning` follows "a whole
/// number" in the message, to say what it counts.
fn whole_number<T: std::str::FromStr>(
    key: &Ident,
    value: Option<Expr>,
    meaning: &str,
    errors: &mut Errors,
) -> Option<LitInt>
where
    T::Err: std::fmt::Display,
{
    let message = format!("`{key}` expects a whole number{meaning}");
    match value {
        Some(Expr::Lit(ExprLit {
            lit: Lit::Int(number),
            ..
        })) if number.base10_parse::<T>().is_ok() && number.suffix().is_empty() => {
            return Some(number)
        }
        Some(other) => errors.at(other, message),
        None => errors.at(key, message),
    }
    None
}

/// Lists option names for a message: "`a`", "`a` or `b`", "`a`, `b` or `c`".
fn one_of(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::{one_of, Options};
    use crate::errors::read::{assert_same_tokens, items_and_errors};
    use crate::errors::Errors;
    use crate::Macro;

    /// The messages that parsing `args` for `attribute` reports.
    fn mistakes(attribute: Macro, args: proc_macro2::TokenStream) -> Vec<String> {
        let mut errors = Errors::default();
        Options::parse(attribute, args, &mut errors);
        items_and_errors(errors.beside(quote!())).1
    }

    #[test]
    fn values_of_the_wrong_kind_are_reported_at_the_value() {
        assert_eq!(
            mistakes(Macro::Task, quote!(name = 5, crate = "not a path")),
            [
                "`name` expects a string, like `name = \"worker\"`",
                "`crate` expects the path to loopy, like `crate = \"my_loopy\"`",
            ]
        );
        assert_eq!(
            mistakes(Macro::Test, quote!(crate)),
            ["`crate` expects a string, like `crate = \"my_loopy\"`"]
        );
        assert_eq!(
            mistakes(Macro::Test, quote!(trace)),
            ["unknown option `trace`; expected `start_paused`, `seed`, `seeds` or `crate`"]
        );
        let millis = "`slow_poll_ms` expects a whole number of milliseconds, like \
                      `slow_poll_ms = 250` (0 turns the warning off)";
        assert_eq!(
            mistakes(
                Macro::Main,
                quote!(slow_poll_ms, slow_poll_ms = "100", slow_poll_ms = -1)
            ),
            [
                millis,
                "option `slow_poll_ms` is given twice; keep one",
                "option `slow_poll_ms` is given twice; keep one"
            ]
        );
        assert_eq!(mistakes(Macro::Main, quote!(slow_poll_ms = 1.5)), [millis]);
        assert_eq!(mistakes(Macro::Main, quote!(slow_poll_ms = 5u8)), [millis]);
    }

    #[test]
    fn seed_options_are_checked() {
        assert_eq!(
            mistakes(Macro::Test, quote!(seeds = 0)),
            ["`seeds = 0` would run the test on no seed at all; \
              write `seeds = 1` or more, like `seeds = 64`"]
        );
        assert_eq!(
            mistakes(
                Macro::Test,
                quote!(seeds = 5_000_000_000, seed = -1, start_paused = true)
            ),
            [
                "`seeds` expects a whole number of seeds to run the test with, like `seeds = 64`",
                "`seed` expects a whole number, like `seed = 42`",
                "`start_paused` takes no value; write just `start_paused`",
            ]
        );
        assert_eq!(
            mistakes(Macro::Test, quote!(seed = 1, seeds = 8)),
            [
                "`seed` and `seeds` cannot be used together; keep `seed = N` to run one seed \
              or `seeds = N` to explore N of them"
            ]
        );
        assert_eq!(
            mistakes(Macro::Main, quote!(seed = 1)),
            ["unknown option `seed`; expected `trace`, `slow_poll_ms` or `crate`"]
        );
        let mut errors = Errors::default();
        let options = Options::parse(Macro::Test, quote!(start_paused, seeds = 64), &mut errors);
        assert!(errors.is_empty());
        assert!(options.start_paused);
        assert_eq!(options.seeds.map(|n| n.to_string()).as_deref(), Some("64"));
        assert!(options.seed.is_none());
    }

    #[test]
    fn good_options_are_stored() {
        let mut errors = Errors::default();
        let options = Options::parse(
            Macro::Task,
            quote!(crate = "my::loopy", name = "worker",),
            &mut errors,
        );
        assert!(errors.is_empty());
        let krate = &options.krate;
        assert_same_tokens(quote!(#krate), quote!(my::loopy));
        assert_eq!(
            options.name.map(|name| name.value()).as_deref(),
            Some("worker")
        );
        assert!(!options.trace);
    }

    #[test]
    fn option_lists_read_as_english() {
        assert_eq!(one_of(&["crate"]), "`crate`");
        assert_eq!(one_of(&["name", "crate"]), "`name` or `crate`");
        assert_eq!(
            one_of(&["name", "crate", "trace"]),
            "`name`, `crate` or `trace`"
        );
    }
}

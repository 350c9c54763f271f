//! Finding borrows in the types a task takes and returns.
//!
//! A spawned task outlives the call that spawned it, so everything it holds must
//! be `'static`. The compiler would say so too, but from deep inside the
//! expansion; looking at the types as written lets the macro point at the `&`
//! or the lifetime and say what to write instead.

use syn::punctuated::Punctuated;
use syn::{GenericArgument, Lifetime, PathArguments, Token, Type, TypeParamBound};

use crate::errors::Errors;

/// Why a task cannot borrow, for the messages.
const OUTLIVES: &str = "the task outlives the call that spawns it";

/// Reports every borrow in `ty`: references (`&T`, `&mut T`, but not
/// `&'static T`) and lifetimes other than `'static` (`Foo<'a>`, `dyn Trait + 'a`). `what` names the type in the
/// messages ("task parameters", "a task's output").
///
/// Also adds `+ 'static` to each `impl Trait` that has no lifetime bound, which
/// is the promise a task needs from such an argument.
pub(crate) fn require_owned(ty: &mut Type, what: &str, errors: &mut Errors) {
    match ty {
        Type::Reference(reference) => match &reference.lifetime {
            Some(lifetime) if lifetime.ident == "static" => require_owned(&mut reference.elem, what, errors),
            _ => errors.at(
                &*reference,
                format!("{what} cannot borrow: {OUTLIVES}; use an owned type such as `String` or `Rc<T>`"),
            ),
        },
        Type::Path(path) => {
            if let Some(qself) = &mut path.qself {
                require_owned(&mut qself.ty, what, errors);
            }
            for segment in &mut path.path.segments {
                generic_arguments(&mut segment.arguments, what, errors);
            }
        }
        Type::TraitObject(object) => bounds(&mut object.bounds, what, errors),
        Type::ImplTrait(implemented) => {
            bounds(&mut implemented.bounds, what, errors);
            if !implemented.bounds.iter().any(|bound| matches!(bound, TypeParamBound::Lifetime(_))) {
                implemented.bounds.push(syn::parse_quote!('static));
            }
        }
        Type::Array(array) => require_owned(&mut array.elem, what, errors),
        Type::Slice(slice) => require_owned(&mut slice.elem, what, errors),
        Type::Ptr(pointer) => require_owned(&mut pointer.elem, what, errors),
        Type::Paren(paren) => require_owned(&mut paren.elem, what, errors),
        Type::Group(group) => require_owned(&mut group.elem, what, errors),
        Type::Tuple(tuple) => {
            for elem in &mut tuple.elems {
                require_owned(elem, what, errors);
            }
        }
        // Function pointers own nothing (`fn(&str)` is `'static`), and the rest
        // (`!`, `_`, macros) cannot be judged from the tokens.
        _ => {}
    }
}

/// Checks the `<...>` after a path segment; `Fn(&str)` sugar names a
/// higher-ranked signature that borrows nothing, so it is left alone.
fn generic_arguments(arguments: &mut PathArguments, what: &str, errors: &mut Errors) {
    let PathArguments::AngleBracketed(arguments) = arguments else {
        return;
    };
    for argument in &mut arguments.args {
        match argument {
            GenericArgument::Lifetime(lifetime) => require_static(lifetime, what, errors),
            GenericArgument::Type(ty) => require_owned(ty, what, errors),
            GenericArgument::AssocType(assoc) => require_owned(&mut assoc.ty, what, errors),
            GenericArgument::Constraint(constraint) => bounds(&mut constraint.bounds, what, errors),
            _ => {}
        }
    }
}

/// Checks the bounds of `dyn Trait + ...` and `impl Trait + ...`.
fn bounds(bounds: &mut Punctuated<TypeParamBound, Token![+]>, what: &str, errors: &mut Errors) {
    for bound in bounds {
        match bound {
            TypeParamBound::Lifetime(lifetime) => require_static(lifetime, what, errors),
            // `for<'a> Trait<'a>` declares its own lifetime: no borrow from outside.
            TypeParamBound::Trait(bound) if bound.lifetimes.is_none() => {
                for segment in &mut bound.path.segments {
                    generic_arguments(&mut segment.arguments, what, errors);
                }
            }
            _ => {}
        }
    }
}

/// Reports any lifetime but `'static`.
fn require_static(lifetime: &Lifetime, what: &str, errors: &mut Errors) {
    if lifetime.ident != "static" {
        errors.at(
            lifetime,
            format!("{what} cannot have the lifetime `{lifetime}`: {OUTLIVES}; use owned types or `'static`"),
        );
    }
}

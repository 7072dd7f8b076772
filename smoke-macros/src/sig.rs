//! Validating a test function's signature: what each parameter is, what it returns.

use syn::{FnArg, GenericParam, Pat, ReturnType, Signature, Type, WherePredicate};

use crate::errors::Errors;

const PARAMETER_HELP: &str = "a smoke test parameter is `&Context`, or a fixture taken as \
     `&T`, `&mut T`, or by value `T` (a clone), where `T` is a `Resource<...>` or a type that \
     implements `Fixture`";

const RETURN_HELP: &str =
    "a smoke test returns `()`, `SmokeResult`, or `Result<(), E>` where `E: Display`";

/// How the test receives one parameter.
pub enum Param {
    /// `&Context`.
    Context,
    /// `&T`: fixture `T`, borrowed.
    Ref(Type),
    /// `&mut T`: fixture `T`, borrowed mutably.
    RefMut(Type),
    /// `T`: fixture `T`, the test gets a clone.
    Value(Type),
}

/// What the receiver of a suite method is.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Receiver {
    /// No `self`.
    None,
    /// `&self` or `&mut self`.
    Borrowed,
    /// `self`, `mut self`, `self: Box<Self>`...
    Other,
}

/// A validated test signature.
pub struct TestSig {
    /// `async fn`.
    pub is_async: bool,
    /// Parameters after the receiver, in order.
    pub params: Vec<Param>,
    /// The return type, when one is written and is not `()`.
    pub output: Option<Type>,
    /// The receiver.
    pub receiver: Receiver,
    /// The receiver as written, for errors about it.
    pub receiver_tokens: Option<proc_macro2::TokenStream>,
}

/// Checks the parts of a signature every kind of test shares; records each problem.
pub fn analyze(sig: &Signature, what: &str, errors: &mut Errors) -> TestSig {
    common(sig, what, errors);
    let mut receiver = Receiver::None;
    let mut receiver_tokens = None;
    let mut params = Vec::new();
    for input in &sig.inputs {
        match input {
            FnArg::Receiver(r) => {
                receiver_tokens = Some(quote::ToTokens::to_token_stream(r));
                receiver = if r.colon_token.is_none() && r.reference.is_some() {
                    Receiver::Borrowed
                } else {
                    Receiver::Other
                };
            }
            FnArg::Typed(typed) => {
                if let Some(param) = parameter(&typed.pat, &typed.ty, errors) {
                    params.push(param);
                }
            }
        }
    }

    let output = match &sig.output {
        ReturnType::Default => None,
        ReturnType::Type(_, ty) => return_type(ty, errors),
    };

    TestSig {
        is_async: sig.asyncness.is_some(),
        params,
        output,
        receiver,
        receiver_tokens,
    }
}

/// What no function the macros call may be: unsafe, extern, variadic, generic.
pub fn common(sig: &Signature, what: &str, errors: &mut Errors) {
    if let Some(unsafety) = &sig.unsafety {
        errors.spanned(
            unsafety,
            format!(
                "{what} cannot be an `unsafe fn`; make it safe and use an `unsafe` block inside"
            ),
        );
    }
    if let Some(abi) = &sig.abi {
        errors.spanned(
            abi,
            format!(
                "{what} cannot have an `extern` ABI; remove `{}`",
                quote::quote!(#abi)
            ),
        );
    }
    if let Some(variadic) = &sig.variadic {
        errors.spanned(variadic, format!("{what} cannot be variadic"));
    }
    for param in &sig.generics.params {
        match param {
            GenericParam::Lifetime(_) => {}
            GenericParam::Type(_) | GenericParam::Const(_) => errors.spanned(
                param,
                format!(
                    "{what} cannot be generic: the runner calls it without type arguments; \
                     name concrete types instead, as in `db: Resource<PgPool>`"
                ),
            ),
        }
    }
    if let Some(where_clause) = &sig.generics.where_clause {
        for predicate in &where_clause.predicates {
            if let WherePredicate::Type(_) = predicate {
                errors.spanned(
                    predicate,
                    format!("{what} cannot have a `where` clause on types; name concrete types"),
                );
            }
        }
    }
}

pub fn peel(ty: &Type) -> &Type {
    match ty {
        Type::Paren(p) => peel(&p.elem),
        Type::Group(g) => peel(&g.elem),
        other => other,
    }
}

/// The last segment's name of a path type, if the type is one.
pub fn last_ident(ty: &Type) -> Option<(&syn::Ident, &syn::PathArguments)> {
    match peel(ty) {
        Type::Path(p) if p.qself.is_none() => {
            p.path.segments.last().map(|s| (&s.ident, &s.arguments))
        }
        _ => None,
    }
}

/// Whether `ty` names the test context (`Context`, under any path).
pub fn is_context(ty: &Type) -> bool {
    matches!(last_ident(ty), Some((ident, syn::PathArguments::None)) if ident == "Context")
}

fn parameter(pat: &Pat, ty: &Type, errors: &mut Errors) -> Option<Param> {
    match pat {
        Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => {}
        Pat::Wild(_) => {}
        other => {
            errors.spanned(
                other,
                "a smoke test parameter must be a plain name, as in `db: Resource<PgPool>`; \
                 destructure it inside the function",
            );
            // One message per parameter: the type is not looked at.
            return None;
        }
    }
    let param = match peel(ty) {
        Type::Reference(r) => match peel(&r.elem) {
            elem if is_context(elem) => {
                if let Some(m) = &r.mutability {
                    errors.spanned(
                        m,
                        "the context is shared: take it as `&Context`, not `&mut Context`",
                    );
                    None
                } else {
                    Some(Param::Context)
                }
            }
            Type::Path(p) if p.qself.is_none() => {
                if r.mutability.is_some() {
                    Some(Param::RefMut(Type::Path(p.clone())))
                } else {
                    Some(Param::Ref(Type::Path(p.clone())))
                }
            }
            Type::ImplTrait(t) => impl_trait(errors, t, "`&mut PgRollback`"),
            Type::TraitObject(t) => {
                errors.spanned(
                    t,
                    "a smoke test parameter cannot be a trait object: name the concrete \
                     fixture type, or take a `Resource<Box<dyn Trait>>`",
                );
                None
            }
            other => unsupported(errors, other),
        },
        elem if is_context(elem) => {
            errors.spanned(ty, "take the context by reference: `ctx: &Context`");
            None
        }
        Type::Path(p) if p.qself.is_none() => Some(Param::Value(Type::Path(p.clone()))),
        Type::ImplTrait(t) => impl_trait(errors, t, "`db: Resource<PgPool>`"),
        Type::Infer(t) => {
            errors.spanned(t, format!("write the parameter's type; {PARAMETER_HELP}"));
            None
        }
        other => unsupported(errors, other),
    };
    param
}

/// An `impl Trait` parameter: no fixture type to set up.
fn impl_trait(errors: &mut Errors, t: &syn::TypeImplTrait, example: &str) -> Option<Param> {
    errors.spanned(
        t,
        format!(
            "a smoke test parameter cannot be `impl Trait`: the runner must know which \
             fixture to set up; name a concrete type, as in {example}"
        ),
    );
    None
}

/// A parameter type no rule accepts.
fn unsupported(errors: &mut Errors, ty: &Type) -> Option<Param> {
    errors.spanned(ty, format!("unsupported parameter type; {PARAMETER_HELP}"));
    None
}

/// Names that are certainly not a test's return type: rejected here with a clear message
/// rather than by a trait error later.
const NOT_RESULTS: &[&str] = &[
    "bool", "char", "str", "String", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16",
    "i32", "i64", "i128", "isize", "f32", "f64", "Option", "Vec", "Box", "Self",
];

/// Checks a test's (or a hook's) return type; `None` for `()` or after an error.
pub fn return_type(ty: &Type, errors: &mut Errors) -> Option<Type> {
    match peel(ty) {
        Type::Tuple(t) if t.elems.is_empty() => None,
        Type::Path(p) if p.qself.is_none() => {
            let Some(last) = p.path.segments.last() else {
                return Some(ty.clone());
            };
            let name = last.ident.to_string();
            if NOT_RESULTS.contains(&name.as_str()) {
                errors.spanned(
                    ty,
                    format!("`{}` is not a test outcome; {RETURN_HELP}", type_text(ty)),
                );
                return None;
            }
            if name.ends_with("Result") {
                if let syn::PathArguments::AngleBracketed(args) = &last.arguments {
                    if let Some(syn::GenericArgument::Type(ok)) = args.args.first() {
                        if !matches!(peel(ok), Type::Tuple(t) if t.elems.is_empty()) {
                            errors.spanned(
                                ok,
                                format!(
                                    "a smoke test returns no value when it passes: the `Ok` \
                                     type must be `()`; {RETURN_HELP}"
                                ),
                            );
                            return None;
                        }
                    }
                }
            }
            Some(ty.clone())
        }
        Type::ImplTrait(t) => {
            errors.spanned(
                t,
                format!(
                    "a smoke test cannot return `impl Trait`; {RETURN_HELP} (for async code, \
                     write an `async fn`)"
                ),
            );
            None
        }
        other => {
            errors.spanned(other, format!("unsupported return type; {RETURN_HELP}"));
            None
        }
    }
}

/// A type as the user would write it (`Option<()>`, not `Option < () >`).
pub fn type_text(ty: &Type) -> String {
    let mut text = quote::quote!(#ty).to_string();
    for (from, to) in [
        (" < ", "<"),
        ("< ", "<"),
        (" <", "<"),
        (" >", ">"),
        (" ,", ","),
        (":: ", "::"),
        (" ::", "::"),
        ("& ", "&"),
        ("( ", "("),
        (" )", ")"),
    ] {
        text = text.replace(from, to);
    }
    text
}

//! `#[smoke_test]`: parse, validate, expand.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Attribute, Item, LitStr, Signature, Visibility};

use crate::args::{parse_args, Args, Site};
use crate::errors::Errors;
use crate::expand::{cfg_attributes, registration, Meta, Target, Test};
use crate::sig::{analyze, Receiver};

/// The whole macro: the item unchanged, then either its registration or the errors.
pub fn smoke_test(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let args = parse_args(args, Site::Test, &mut errors);
    if let Some(function) = FnHead::parse(&item) {
        let registration = validate_and_expand(&function, args, &mut errors);
        return errors.output(&item, registration);
    }
    let registration = match syn::parse2::<Item>(item.clone()) {
        Ok(Item::Fn(function)) => {
            let function = FnHead {
                attrs: function.attrs,
                vis: function.vis,
                sig: function.sig,
            };
            validate_and_expand(&function, args, &mut errors)
        }
        Ok(other) => {
            errors.at(item_span(&other), not_a_function(&other));
            None
        }
        Err(_) => {
            errors.spanned(
                &item,
                "#[smoke_test] goes on a function: `fn name() -> SmokeResult { ... }` or \
                 `async fn name() -> SmokeResult { ... }`",
            );
            None
        }
    };
    errors.output(&item, registration)
}

/// What the macro reads of a function: everything but its body.
struct FnHead {
    attrs: Vec<Attribute>,
    vis: Visibility,
    sig: Signature,
}

impl FnHead {
    /// The head of `item` when it is a function, read without looking into its body
    /// (which rustc has parsed already, and the macro emits unchanged): a test's body can
    /// be long, and the macro has no use for it.
    fn parse(item: &TokenStream) -> Option<FnHead> {
        let mut head: Vec<TokenTree> = item.clone().into_iter().collect();
        match head.pop() {
            Some(TokenTree::Group(body)) if body.delimiter() == Delimiter::Brace => {}
            _ => return None,
        }
        syn::parse2(head.into_iter().collect()).ok()
    }
}

impl Parse for FnHead {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        Ok(FnHead {
            attrs: input.call(Attribute::parse_outer)?,
            vis: input.parse()?,
            sig: input.parse()?,
        })
    }
}

fn validate_and_expand(function: &FnHead, args: Args, errors: &mut Errors) -> Option<TokenStream> {
    let sig = analyze(&function.sig, "a smoke test", errors);
    if sig.receiver != Receiver::None {
        let receiver = sig
            .receiver_tokens
            .clone()
            .unwrap_or_else(|| quote::ToTokens::to_token_stream(&function.sig));
        errors.spanned(
            receiver,
            "#[smoke_test] goes on a free function, and `self` is only allowed in a \
             #[smoke_suite]: put #[smoke_suite] on the `impl` block and name the method \
             `test_...`, or make this a free function",
        );
    }
    if !errors.is_empty() {
        return None;
    }
    let ident = &function.sig.ident;
    for path in &args.requires {
        if path.is_ident(ident) {
            errors.spanned(
                path,
                format!(
                    "a test cannot require itself: `{ident}` is this test; name another \
                     #[smoke_test] function"
                ),
            );
        }
    }
    if !errors.is_empty() {
        return None;
    }
    let name = args
        .name
        .unwrap_or_else(|| LitStr::new(&crate::unraw(ident), ident.span()));
    let krate = args.krate.unwrap_or_else(crate::default_crate);
    let test = Test {
        krate: &krate,
        sig: &sig,
        meta: Meta {
            name,
            timeout_ms: args.timeout_ms,
            tags: args.tags,
            skip: args.skip,
            serial: args.serial,
            requires: args.requires,
            fail_after: args.fail_after,
            pass_after: args.pass_after,
            fail_after_duration_ms: args.fail_after_duration_ms,
        },
        target: Target::Free(ident),
        cfgs: cfg_attributes(&function.attrs),
        span: function.sig.ident.span(),
        params_span: function.sig.paren_token.span.join(),
        suffix: ident,
    };
    let tokens = registration(&test).0;
    // The test's name in the type namespace, so that `requires(path::to::test)` finds it
    // by the function's path (and `use` brings it along with the function).
    let vis = &function.vis;
    let cfgs = &test.cfgs;
    Some(quote! {
        #(#cfgs)*
        #[doc(hidden)]
        #[allow(non_camel_case_types, dead_code)]
        #vis struct #ident {}
        #tokens
    })
}

fn item_span(item: &Item) -> proc_macro2::Span {
    match item {
        Item::Struct(i) => i.struct_token.span(),
        Item::Enum(i) => i.enum_token.span(),
        Item::Union(i) => i.union_token.span(),
        Item::Impl(i) => i.impl_token.span(),
        Item::Trait(i) => i.trait_token.span(),
        Item::Mod(i) => i.mod_token.span(),
        Item::Const(i) => i.const_token.span(),
        Item::Static(i) => i.static_token.span(),
        Item::Type(i) => i.type_token.span(),
        Item::Use(i) => i.use_token.span(),
        other => other.span(),
    }
}

fn not_a_function(item: &Item) -> String {
    let what = match item {
        Item::Struct(_) => "a struct",
        Item::Enum(_) => "an enum",
        Item::Union(_) => "a union",
        Item::Trait(_) => "a trait",
        Item::Mod(_) => "a module",
        Item::Const(_) => "a const",
        Item::Static(_) => "a static",
        Item::Type(_) => "a type alias",
        Item::Use(_) => "a `use`",
        Item::Impl(_) => {
            return "#[smoke_test] goes on a function; to make the `test_*` methods of an \
                    `impl` block tests, put #[smoke_suite] on it"
                .to_owned()
        }
        _ => "this item",
    };
    format!(
        "#[smoke_test] goes on a function, not on {what}: `fn name() -> SmokeResult {{ ... }}` \
         or `async fn name() -> SmokeResult {{ ... }}`"
    )
}

//! `#[smoke_suite]`: parse, validate, expand.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, ImplItem, ImplItemFn, Item, ItemImpl, LitStr, ReturnType, Type};

use crate::args::{parse_args, Args, Site};
use crate::errors::Errors;
use crate::expand::{cfg_attributes, registration, Meta, Target, Test};
use crate::sig::{analyze, common, is_context, last_ident, peel, return_type, Receiver, TestSig};

/// The whole macro: the `impl` block (without its `#[smoke(...)]` attributes), then either
/// the suite's registration or the errors.
pub fn smoke_suite(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let args = parse_args(args, Site::Suite, &mut errors);
    let mut block = match syn::parse2::<Item>(item.clone()) {
        Ok(Item::Impl(block)) => block,
        Ok(other) => {
            errors.at(
                first_token_span(&other),
                "#[smoke_suite] goes on an `impl` block whose `test_*` methods are the tests: \
                 `#[smoke_suite] impl MySuite { fn test_it(&mut self) -> SmokeResult { ... } }`; \
                 for a single test function use #[smoke_test]",
            );
            return errors.output(&item, TokenStream::new());
        }
        Err(_) => {
            errors.spanned(
                &item,
                "#[smoke_suite] goes on an `impl` block whose `test_*` methods are the tests",
            );
            return errors.output(&item, TokenStream::new());
        }
    };
    let registration = validate_and_expand(&mut block, args, &mut errors);
    errors.output(&block, registration)
}

fn first_token_span(item: &Item) -> Span {
    quote::ToTokens::to_token_stream(item)
        .into_iter()
        .find(|tt| !matches!(tt, proc_macro2::TokenTree::Punct(p) if p.as_char() == '#'))
        .map_or_else(|| item.span(), |tt| tt.span())
}

/// A `test_*` method, validated.
struct TestMethod {
    ident: syn::Ident,
    sig: TestSig,
    args: Args,
    span: Span,
    params_span: Span,
    cfgs: Vec<syn::Attribute>,
}

/// How `set_up` hands back the suite's value.
enum SetUp {
    /// No `set_up`: `Default::default()`.
    Default,
    /// `fn set_up() -> Self` (or `fn set_up(ctx: &Context)`).
    Value { is_async: bool, takes_context: bool },
    /// `fn set_up() -> SmokeResult<Self>` (or any `Result<Self, E: Display>`).
    Result { is_async: bool, takes_context: bool },
}

/// A hook returning `()` or a result: `tear_down`, `set_up_suite`, `tear_down_suite`.
struct Hook {
    is_async: bool,
    output: Option<Type>,
}

fn validate_and_expand(block: &mut ItemImpl, args: Args, errors: &mut Errors) -> TokenStream {
    if let Some((_, path, _)) = &block.trait_ {
        errors.spanned(
            path,
            "#[smoke_suite] goes on an inherent `impl` block (`impl MySuite { ... }`), not on \
             an implementation of a trait",
        );
    }
    if !block.generics.params.is_empty() {
        errors.spanned(
            &block.generics,
            "a #[smoke_suite] cannot be generic: the runner builds it without type arguments; \
             implement it for a concrete type",
        );
    }
    let type_name = match peel(&block.self_ty) {
        Type::Path(p) if p.qself.is_none() => last_ident(&block.self_ty).map(|(i, _)| i.clone()),
        _ => None,
    };
    if type_name.is_none() {
        errors.spanned(
            &block.self_ty,
            "#[smoke_suite] goes on the `impl` block of a named type: `impl MySuite { ... }`",
        );
    }

    let mut set_up = SetUp::Default;
    let mut tear_down: Option<Hook> = None;
    let mut set_up_suite: Option<Hook> = None;
    let mut tear_down_suite: Option<Hook> = None;
    let mut tests = Vec::new();

    for item in &mut block.items {
        let ImplItem::Fn(method) = item else { continue };
        let smoke_args = take_smoke_attributes(method, errors);
        let name = crate::unraw(&method.sig.ident);
        let is_test = name.starts_with("test_");
        if let Some((attr, _)) = &smoke_args {
            if !is_test {
                errors.spanned(
                    attr,
                    format!(
                        "#[smoke(...)] goes on `test_*` methods, and `{name}` is not one; \
                         rename it `test_{name}` to make it a test"
                    ),
                );
            }
        }
        match name.as_str() {
            "set_up" => {
                if let Some(kind) = validate_set_up(method, type_name.as_ref(), errors) {
                    set_up = kind;
                }
            }
            "tear_down" => tear_down = validate_hook(method, true, errors),
            "set_up_suite" => set_up_suite = validate_hook(method, false, errors),
            "tear_down_suite" => tear_down_suite = validate_hook(method, false, errors),
            _ if is_test => {
                let sig = analyze(&method.sig, "a suite test", errors);
                match sig.receiver {
                    Receiver::Borrowed => {}
                    Receiver::None => errors.spanned(
                        &method.sig.ident,
                        format!(
                            "`{name}` is a test of the suite, so it takes `&mut self` first: \
                             `fn {name}(&mut self) -> SmokeResult`; rename it if it is not a test"
                        ),
                    ),
                    Receiver::Other => errors.spanned(
                        sig.receiver_tokens
                            .clone()
                            .unwrap_or_else(|| quote::ToTokens::to_token_stream(&method.sig)),
                        format!(
                            "a suite test borrows the suite's value: write `&mut self` \
                             (`fn {name}(&mut self) -> SmokeResult`)"
                        ),
                    ),
                }
                tests.push(TestMethod {
                    ident: method.sig.ident.clone(),
                    sig,
                    args: smoke_args.map(|(_, a)| a).unwrap_or_default(),
                    span: method.sig.ident.span(),
                    params_span: method.sig.paren_token.span.join(),
                    cfgs: cfg_attributes(&method.attrs),
                });
            }
            _ => {}
        }
    }

    if tests.is_empty() && errors.is_empty() {
        errors.spanned(
            &block.self_ty,
            "this #[smoke_suite] has no test: name each test method `test_...`, as in \
             `fn test_dir_exists(&mut self) -> SmokeResult`",
        );
    }
    let Some(type_name) = type_name else {
        return TokenStream::new();
    };
    if !errors.is_empty() {
        return TokenStream::new();
    }

    let krate = args.krate.clone().unwrap_or_else(crate::default_crate);
    let private = crate::private_path(&krate);
    let self_ty = &block.self_ty;
    let suite_name = args
        .name
        .clone()
        .unwrap_or_else(|| LitStr::new(&crate::unraw(&type_name), type_name.span()));
    let suite_static = format_ident!("__SMOKE_SUITE");

    // Sync hooks run on a blocking thread (`__private_0_1::sync_*`), async ones on the
    // runtime: user code that blocks never holds a worker the host needs.
    let set_up_body = match set_up {
        SetUp::Default => quote_spanned! {self_ty.span()=>
            ::std::boxed::Box::pin(async move {
                ::core::result::Result::Ok(#private::default_suite::<#self_ty>())
            })
        },
        SetUp::Value {
            is_async,
            takes_context,
        }
        | SetUp::Result {
            is_async,
            takes_context,
        } => {
            let arg = takes_context.then(|| quote!(__smoke_ctx));
            let call = maybe_await(quote!(<#self_ty>::set_up(#arg)), is_async);
            let value = if matches!(set_up, SetUp::Result { .. }) {
                quote!(::core::result::Result::map_err(#call, #private::into_smoke_error))
            } else {
                quote!(::core::result::Result::Ok(#call))
            };
            set_up_body(&private, value, is_async)
        }
    };
    let tear_down_body = match &tear_down {
        None => quote!(::std::boxed::Box::pin(async {
            ::core::result::Result::Ok(())
        })),
        Some(hook) => {
            let call = hook_call(
                &private,
                quote!(<#self_ty>::tear_down(&mut __smoke_self)),
                hook,
            );
            if hook.is_async {
                quote!(::std::boxed::Box::pin(async move {
                    let mut __smoke_self = self;
                    #call
                }))
            } else {
                quote!(#private::sync_tear_down(&__smoke_arc, move |_| {
                    let mut __smoke_self = self;
                    #call
                }))
            }
        }
    };
    let suite_hook = |hook: &Option<Hook>, method: &str| -> (TokenStream, TokenStream) {
        match hook {
            None => (quote!(::core::option::Option::None), TokenStream::new()),
            Some(hook) => {
                let method = format_ident!("{}", method);
                let hook_fn = format_ident!("__smoke_{}", method);
                let call = hook_call(&private, quote!(<#self_ty>::#method()), hook);
                let body = if hook.is_async {
                    quote!(::std::boxed::Box::pin(async move { #call }))
                } else {
                    quote!(#private::sync_suite_hook(move || #call))
                };
                (
                    quote!(::core::option::Option::Some(#hook_fn)),
                    quote! {
                        fn #hook_fn() -> #private::BoxFuture<'static, #private::SmokeResult> {
                            #body
                        }
                    },
                )
            }
        }
    };
    let (set_up_suite_field, set_up_suite_fn) = suite_hook(&set_up_suite, "set_up_suite");
    let (tear_down_suite_field, tear_down_suite_fn) =
        suite_hook(&tear_down_suite, "tear_down_suite");

    let registrations = tests.iter().map(|t| {
        let method_args = &t.args;
        let mut tags = args.tags.clone();
        for tag in &method_args.tags {
            if !tags.iter().any(|existing| existing.value() == tag.value()) {
                tags.push(tag.clone());
            }
        }
        let test = Test {
            krate: &krate,
            sig: &t.sig,
            meta: Meta {
                name: method_args
                    .name
                    .clone()
                    .unwrap_or_else(|| LitStr::new(&crate::unraw(&t.ident), t.ident.span())),
                timeout_ms: method_args.timeout_ms.or(args.timeout_ms),
                tags,
                skip: method_args.skip.clone().or_else(|| args.skip.clone()),
                serial: method_args.serial || args.serial,
                requires: args
                    .requires
                    .iter()
                    .chain(&method_args.requires)
                    .cloned()
                    .collect(),
                fail_after: method_args.fail_after.or(args.fail_after),
                pass_after: method_args.pass_after.or(args.pass_after),
                fail_after_duration_ms: method_args
                    .fail_after_duration_ms
                    .or(args.fail_after_duration_ms),
            },
            target: Target::Method {
                self_ty,
                method: &t.ident,
                suite_static: &suite_static,
            },
            span: t.span,
            params_span: t.params_span,
            cfgs: t.cfgs.clone(),
            suffix: &t.ident,
        };
        registration(&test).0
    });

    let impl_cfgs = cfg_attributes(&block.attrs);
    quote! {
        #(#impl_cfgs)*
        const _: () = {
            impl #private::Suite for #self_ty {
                const NAME: &'static str = #suite_name;

                #[allow(unused_variables)]
                fn __smoke_set_up(
                    __smoke_arc: #private::Arc<#private::Context>,
                ) -> #private::BoxFuture<'static, #private::SmokeResult<Self>> {
                    #set_up_body
                }

                #[allow(clippy::all, unused_variables)]
                fn __smoke_tear_down(
                    self,
                    __smoke_arc: #private::Arc<#private::Context>,
                ) -> #private::BoxFuture<'static, #private::SmokeResult> {
                    #tear_down_body
                }
            }

            #set_up_suite_fn
            #tear_down_suite_fn

            static #suite_static: #private::SuiteDescriptor = #private::SuiteDescriptor {
                name: #suite_name,
                module_path: ::core::module_path!(),
                set_up: #set_up_suite_field,
                tear_down: #tear_down_suite_field,
            };

            #(#registrations)*
        };
    }
}

/// The body of `__smoke_set_up`: `expr` (which may name `__smoke_ctx: &Context`) in an
/// async block, or on a blocking thread when `set_up` is sync.
fn set_up_body(private: &TokenStream, expr: TokenStream, is_async: bool) -> TokenStream {
    if is_async {
        quote!(::std::boxed::Box::pin(async move {
            let __smoke_ctx: &#private::Context = &__smoke_arc;
            #expr
        }))
    } else {
        quote!(#private::sync_set_up(&__smoke_arc, move |__smoke_ctx: &#private::Context| {
            #expr
        }))
    }
}

fn maybe_await(call: TokenStream, is_async: bool) -> TokenStream {
    if is_async {
        quote!(#call.await)
    } else {
        call
    }
}

fn hook_call(private: &TokenStream, call: TokenStream, hook: &Hook) -> TokenStream {
    let call = maybe_await(call, hook.is_async);
    let span = hook
        .output
        .as_ref()
        .map_or_else(Span::call_site, |t| t.span());
    let into = quote_spanned!(span=> #private::IntoSmokeResult::into_smoke_result);
    quote!(#into(#call))
}

/// Removes the method's `#[smoke(...)]` attributes and parses them (there should be one).
fn take_smoke_attributes(
    method: &mut ImplItemFn,
    errors: &mut Errors,
) -> Option<(TokenStream, Args)> {
    let mut found: Option<(TokenStream, Args)> = None;
    let mut kept = Vec::with_capacity(method.attrs.len());
    for attr in std::mem::take(&mut method.attrs) {
        let path = attr.path();
        if path.is_ident("smoke_test") || path.is_ident("smoke_suite") {
            errors.spanned(
                &attr,
                "inside a #[smoke_suite], the `test_*` methods are the tests: remove this \
                 attribute, and give a test's arguments with #[smoke(...)], as in \
                 `#[smoke(timeout = \"2s\")]`",
            );
            continue;
        }
        if !path.is_ident("smoke") {
            kept.push(attr);
            continue;
        }
        let span = quote::ToTokens::to_token_stream(&attr);
        let args = match &attr.meta {
            syn::Meta::Path(_) => Args::default(),
            syn::Meta::List(list) => parse_args(list.tokens.clone(), Site::Method, errors),
            syn::Meta::NameValue(nv) => {
                errors.spanned(
                    nv,
                    "write the arguments in parentheses: `#[smoke(timeout = \"2s\")]`",
                );
                Args::default()
            }
        };
        if found.is_some() {
            errors.spanned(
                span,
                "a method takes one #[smoke(...)] attribute: put every argument in it",
            );
        } else {
            found = Some((span, args));
        }
    }
    method.attrs = kept;
    found
}

/// Checks that the hook takes no parameters (but `self` when `receiver_allowed`, and one
/// `&Context` when `context_allowed`). Returns whether it is right and whether it takes
/// the context.
fn no_parameters(
    method: &ImplItemFn,
    receiver_allowed: bool,
    context_allowed: bool,
    errors: &mut Errors,
) -> (bool, bool) {
    let name = crate::unraw(&method.sig.ident);
    let mut ok = true;
    let mut takes_context = false;
    let mut has_receiver = false;
    for input in &method.sig.inputs {
        match input {
            FnArg::Receiver(r) => {
                has_receiver = true;
                let borrowed = r.colon_token.is_none() && r.reference.is_some();
                if !receiver_allowed {
                    let returns = if name == "set_up" {
                        "SmokeResult<Self>"
                    } else {
                        "SmokeResult"
                    };
                    errors.spanned(
                        r,
                        format!("`{name}` takes no `self`: remove it (`fn {name}() -> {returns}`)"),
                    );
                    ok = false;
                } else if !borrowed {
                    errors.spanned(
                        r,
                        format!("`{name}` borrows the test's value: write `&mut self`"),
                    );
                    ok = false;
                }
            }
            FnArg::Typed(t) => {
                let context = matches!(peel(&t.ty), Type::Reference(r)
                    if r.mutability.is_none() && is_context(&r.elem));
                let plain = matches!(&*t.pat, syn::Pat::Ident(_) | syn::Pat::Wild(_));
                if context_allowed && context && plain && !takes_context {
                    takes_context = true;
                    continue;
                }
                let allowed = if context_allowed {
                    "takes no parameters but the context (`ctx: &Context`)"
                } else {
                    "takes no parameters"
                };
                errors.spanned(t, format!("`{name}` {allowed}; remove this one"));
                ok = false;
            }
        }
    }
    if receiver_allowed && !has_receiver && ok {
        errors.spanned(
            &method.sig.ident,
            format!("`{name}` runs on each test's value: write `fn {name}(&mut self)`"),
        );
        ok = false;
    }
    (ok, takes_context)
}

fn validate_set_up(
    method: &ImplItemFn,
    type_name: Option<&syn::Ident>,
    errors: &mut Errors,
) -> Option<SetUp> {
    common(&method.sig, "`set_up`", errors);
    let (params_ok, takes_context) = no_parameters(method, false, true, errors);
    let is_async = method.sig.asyncness.is_some();
    const HELP: &str = "`set_up` builds a fresh value for each test: return `Self` or \
                        `SmokeResult<Self>`";
    let kind = match &method.sig.output {
        ReturnType::Default => {
            errors.spanned(&method.sig.ident, HELP);
            return None;
        }
        ReturnType::Type(_, ty) => match last_ident(ty) {
            Some((ident, syn::PathArguments::None))
                if ident == "Self" || Some(ident) == type_name =>
            {
                SetUp::Value {
                    is_async,
                    takes_context,
                }
            }
            Some((ident, _)) if ident.to_string().ends_with("Result") => SetUp::Result {
                is_async,
                takes_context,
            },
            _ => {
                errors.spanned(ty, HELP);
                return None;
            }
        },
    };
    params_ok.then_some(kind)
}

fn validate_hook(method: &ImplItemFn, on_value: bool, errors: &mut Errors) -> Option<Hook> {
    let name = crate::unraw(&method.sig.ident);
    common(&method.sig, &format!("`{name}`"), errors);
    let (params_ok, _) = no_parameters(method, on_value, false, errors);
    let output = match &method.sig.output {
        ReturnType::Default => None,
        ReturnType::Type(_, ty) => return_type(ty, errors),
    };
    params_ok.then_some(Hook {
        is_async: method.sig.asyncness.is_some(),
        output,
    })
}

//! Generating one test's registration: its descriptor in the distributed slice and the
//! wrapper that sets up its fixtures, runs it and tears down.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Ident, LitStr, Type};

use crate::sig::{Param, TestSig};

/// A test's resolved arguments.
pub struct Meta {
    /// Its name.
    pub name: LitStr,
    /// `timeout`, in milliseconds.
    pub timeout_ms: Option<u64>,
    /// Tags.
    pub tags: Vec<LitStr>,
    /// `skip` reason.
    pub skip: Option<LitStr>,
    /// `serial`.
    pub serial: bool,
    /// `requires(...)`: the prerequisites' paths.
    pub requires: Vec<syn::Path>,
    /// `fail_after = N`.
    pub fail_after: Option<u64>,
    /// `pass_after = N`.
    pub pass_after: Option<u64>,
    /// `fail_after_duration = "..."`, in milliseconds.
    pub fail_after_duration_ms: Option<u64>,
}

/// How to call the test.
pub enum Target<'a> {
    /// A free function, by its name.
    Free(&'a Ident),
    /// A method of a suite.
    Method {
        /// The suite's type, as written on the `impl`.
        self_ty: &'a Type,
        /// The method's name.
        method: &'a Ident,
        /// The static holding the suite's descriptor.
        suite_static: &'a Ident,
    },
}

/// One test to register.
pub struct Test<'a> {
    /// `smoke_runtime`, or what `crate = ...` says.
    pub krate: &'a syn::Path,
    /// The validated signature.
    pub sig: &'a TestSig,
    /// Its arguments.
    pub meta: Meta,
    /// What to call.
    pub target: Target<'a>,
    /// Where the function is written (for `file!()` / `line!()`).
    pub span: Span,
    /// The function's parameter list.
    pub params_span: Span,
    /// The function's `#[cfg(...)]` attributes, repeated on what is generated for it.
    pub cfgs: Vec<syn::Attribute>,
    /// A distinct suffix for the generated items' names.
    pub suffix: &'a Ident,
}

/// The descriptor `static` and the wrapper `fn` of `test`. Meant to go inside an
/// anonymous `const _: () = { ... };` so its names cannot clash with the user's.
///
/// The descriptor is `TestDescriptor::new(name, module, file, line, run)`, with only the
/// arguments that differ from their default written out (`TestDescriptor { tags: ...,
/// ..TestDescriptor::new(...) }`): the less each test expands to, the less rustc has to
/// read and check.
pub fn registration(test: &Test) -> TestTokens {
    let krate = test.krate;
    let private = crate::private_path(krate);
    let suffix = crate::unraw(test.suffix);
    let descriptor = format_ident!(
        "__SMOKE_TEST_{}",
        suffix.to_uppercase(),
        span = Span::call_site()
    );
    let run = format_ident!("__smoke_run_{}", suffix, span = Span::call_site());
    let meta = &test.meta;
    let name = &meta.name;
    let mut fields = TokenStream::new();
    if let Target::Method { suite_static, .. } = &test.target {
        fields.extend(quote!(suite: ::core::option::Option::Some(&#suite_static),));
    }
    if !meta.tags.is_empty() {
        let tags = &meta.tags;
        fields.extend(quote!(tags: &[#(#tags),*],));
    }
    if let Some(ms) = meta.timeout_ms {
        fields.extend(quote!(timeout: #private::millis(#ms),));
    }
    if let Some(reason) = &meta.skip {
        fields.extend(quote!(skip: ::core::option::Option::Some(#reason),));
    }
    if meta.serial {
        fields.extend(quote!(serial: true,));
    }
    if !meta.requires.is_empty() {
        // Each prerequisite's descriptor, through the hidden type `#[smoke_test]` declares
        // beside its function: spanned at the path, so an unknown name, or a function that
        // is not a smoke test, is reported there.
        let requires = meta.requires.iter().map(|path| {
            let at = path.span();
            let private = respan(private.clone(), at);
            quote_spanned!(at=> <#path as #private::Prerequisite>::descriptor)
        });
        fields.extend(quote!(requires: &[#(#requires),*],));
    }
    if let Some(n) = meta.fail_after {
        fields.extend(quote!(fail_after: ::core::option::Option::Some(#n),));
    }
    if let Some(n) = meta.pass_after {
        fields.extend(quote!(pass_after: ::core::option::Option::Some(#n),));
    }
    if let Some(ms) = meta.fail_after_duration_ms {
        fields.extend(quote!(fail_after_duration: #private::millis(#ms),));
    }
    let file = quote_spanned!(test.span=> ::core::file!());
    let line = quote_spanned!(test.span=> ::core::line!());
    let defaults =
        quote!(#private::TestDescriptor::new(#name, ::core::module_path!(), #file, #line, #run));
    let value = if fields.is_empty() {
        defaults
    } else {
        quote!(#private::TestDescriptor { #fields ..#defaults })
    };
    // A free test is found by its function's path: the hidden type of the same name
    // (declared next to the function by `#[smoke_test]`) leads to this descriptor.
    let prerequisite = match &test.target {
        Target::Free(ident) => quote! {
            impl #private::Prerequisite for #ident {
                fn descriptor() -> &'static #private::TestDescriptor {
                    &#descriptor
                }
            }
        },
        Target::Method { .. } => quote!(),
    };
    let wrapper = wrapper(test, &private, &run);
    let cfgs = &test.cfgs;
    let tokens = quote! {
        #(#cfgs)*
        const _: () = {
        #[#private::linkme::distributed_slice(#private::SMOKE_CORE_TESTS)]
        #[linkme(crate = #private::linkme)]
        static #descriptor: #private::TestDescriptor = #value;
        #prerequisite
        #wrapper
        };
    };
    TestTokens(tokens)
}

/// The generated items of one test.
pub struct TestTokens(pub TokenStream);

/// The wrapper `fn` (what the descriptor's `run` points at), and for tests that take
/// fixtures the body `fn` that borrows them and calls the test.
///
/// The wrapper hands the test function (or the body) to one of `__private_0_1`'s
/// `sync_fn`, `sync_ctx_fn`, `async_fn`, `sync_body` or `async_body`, which are generic
/// over the fixture types and the returned type only: the machinery that sets up, times,
/// catches and tears down is compiled once per set of fixture types, not once per test,
/// and a test without fixtures is a one-line wrapper around its function.
///
/// Spans decide where rustc reports type errors: what needs the fixtures to be `Fixture`s
/// is spanned at the parameter list (a type that is not a fixture is reported once, there,
/// naming the type); the returned type, which must be a test outcome, at the return type;
/// the clone of a by-value fixture at its type; the boxing of an async test's future
/// (which must be `Send`) at the function's name.
fn wrapper(test: &Test, private: &TokenStream, wrapper: &Ident) -> TokenStream {
    // Tokens interpolated into `quote_spanned!` keep their own spans; `at` gives the paths
    // the span too, so that the whole expression is the user's.
    let at = |span: Span| respan(private.clone(), span);
    // The generated code's own variables: placed at `span`, but always with the call
    // site's hygiene, so that they resolve even when the user's tokens come from a
    // `macro_rules!` (whose hygiene would hide them from one another).
    let local = |name: &str, span: Span| Ident::new(name, span.resolved_at(Span::call_site()));
    let here = Span::call_site();
    let ctx = local("__smoke_ctx", here);
    let state = local("__smoke_state", here);
    let this = local("__smoke_self", here);
    let fixtures = local("__smoke_fixtures", here);

    let sig = test.sig;
    // The returned type, spanned where it is written: a type that is not a test outcome
    // is reported there.
    let output_span = sig.output.as_ref().map_or(test.span, |t| t.span());
    let output = match &sig.output {
        Some(ty) => quote!(#ty),
        None => quote!(()),
    };
    let signature = quote! {
        #[allow(clippy::all)]
        fn #wrapper(
            #ctx: #private::Arc<#private::Context>,
        ) -> #private::BoxFuture<'static, #private::SmokeResult>
    };

    // A free function without fixtures is handed over as it is: no body `fn`.
    if let Target::Free(ident) = &test.target {
        let entry = match (sig.is_async, sig.params.as_slice()) {
            (false, []) => Some((quote!(sync_fn), quote!(#ident))),
            (false, [Param::Context]) => Some((quote!(sync_ctx_fn), quote!(#ident))),
            (true, []) => Some((
                quote!(async_fn),
                quote_spanned!(test.span=> ::std::boxed::Box::pin(#ident())),
            )),
            _ => None,
        };
        if let Some((entry, test_fn)) = entry {
            let entry = quote_spanned!(output_span=> #entry);
            let path = at(output_span);
            return quote! {
                #signature {
                    #path::#entry::<#output>(#ctx, #test_fn)
                }
            };
        }
    }

    // The fixtures as a nested tuple type `(A, (B, ()))`, and the pattern that borrows
    // each of them out of it.
    let mut fixture_types = Vec::new();
    let mut bindings = Vec::new();
    let mut call_args = Vec::new();
    for (i, param) in sig.params.iter().enumerate() {
        let (ty, call) = match param {
            Param::Context => {
                call_args.push(quote!(#ctx));
                continue;
            }
            Param::Ref(ty) => (ty, CallKind::Ref),
            Param::RefMut(ty) => (ty, CallKind::RefMut),
            Param::Value(ty) => (ty, CallKind::Value),
        };
        let name = format!("__smoke_p{i}");
        let binding = local(&name, here);
        fixture_types.push(quote!(#ty));
        call_args.push(match call {
            CallKind::Ref => quote!(&*#binding),
            CallKind::RefMut => quote!(&mut *#binding),
            // Spanned at the parameter's type: a fixture that is not `Clone` is reported
            // there.
            CallKind::Value => {
                let span = ty.span();
                let binding = local(&name, span);
                quote_spanned!(span=> <#ty as #private::ByValue>::clone_for_test(&*#binding))
            }
        });
        bindings.push(binding);
    }
    let mut set_ty = quote!(());
    for ty in fixture_types.iter().rev() {
        set_ty = quote!((#ty, #set_ty));
    }
    let mut set_pat = quote!(());
    for b in bindings.iter().rev() {
        set_pat = quote!((ref mut #b, #set_pat));
    }

    let params = test.params_span;
    let (state_ty, unpack, call_path) = match &test.target {
        // All at the parameter list: that is where a fixture problem is reported.
        Target::Free(ident) => (
            respan(set_ty, params),
            quote!(let #set_pat = *#state;),
            quote!(#ident),
        ),
        Target::Method {
            self_ty, method, ..
        } => {
            // At the parameter list, as for free tests. (What the suite's type lacks is
            // reported at the `impl`, by the `Suite` implementation.)
            let state_ty = respan(quote!(#private::SuiteState<#self_ty, #set_ty>), params);
            let unpack = quote! {
                let (#this, #fixtures) = #private::SuiteState::parts(#state);
                let #set_pat = *#fixtures;
            };
            call_args.insert(0, quote!(#this));
            (state_ty, unpack, quote!(<#self_ty>::#method))
        }
    };

    let body_fn = format_ident!("__smoke_body_{}", crate::unraw(test.suffix));
    let in_params = at(params);
    let p_ctx = local("__smoke_ctx", params);
    let p_body = local(&body_fn.to_string(), params);
    let returned = quote_spanned!(output_span=> #output);
    if sig.is_async {
        let call = quote_spanned!(test.span=> ::std::boxed::Box::pin(#call_path(#(#call_args),*)));
        quote! {
            #signature {
                #in_params::async_body::<#state_ty, #returned>(#p_ctx, #p_body)
            }

            #[allow(unused_variables, clippy::all)]
            fn #body_fn<'__smoke>(
                #state: &'__smoke mut #state_ty,
                #ctx: &'__smoke #private::Context,
            ) -> #private::BoxFuture<'__smoke, #output> {
                #unpack
                #call
            }
        }
    } else {
        quote! {
            #signature {
                #in_params::sync_body::<#state_ty, #returned>(#p_ctx, #p_body)
            }

            #[allow(unused_variables, clippy::all)]
            fn #body_fn(
                #state: &mut #state_ty,
                #ctx: &#private::Context,
            ) -> #output {
                #unpack
                #call_path(#(#call_args),*)
            }
        }
    }
}

enum CallKind {
    Ref,
    RefMut,
    Value,
}

/// `tokens` with every span set to `span`.
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tree| {
            if let proc_macro2::TokenTree::Group(group) = &tree {
                let mut inner =
                    proc_macro2::Group::new(group.delimiter(), respan(group.stream(), span));
                inner.set_span(span);
                tree = proc_macro2::TokenTree::Group(inner);
            } else {
                tree.set_span(span);
            }
            tree
        })
        .collect()
}

/// The `#[cfg(...)]` attributes among `attrs`.
pub fn cfg_attributes(attrs: &[syn::Attribute]) -> Vec<syn::Attribute> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .cloned()
        .collect()
}

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
    /// A distinct suffix for the generated items' names.
    pub suffix: &'a Ident,
}

/// The descriptor `static` and the wrapper `fn` of `test`. Meant to go inside an
/// anonymous `const _: () = { ... };` so its names cannot clash with the user's.
pub fn registration(test: &Test) -> TestTokens {
    let krate = test.krate;
    let private = quote!(#krate::__private);
    let suffix = crate::unraw(test.suffix);
    let descriptor = format_ident!(
        "__SMOKE_TEST_{}",
        suffix.to_uppercase(),
        span = Span::call_site()
    );
    let wrapper = format_ident!("__smoke_run_{}", suffix, span = Span::call_site());
    let meta = &test.meta;
    let name = &meta.name;
    let tags = &meta.tags;
    let timeout = match meta.timeout_ms {
        Some(ms) => quote!(::core::option::Option::Some(#private::Duration::from_millis(#ms))),
        None => quote!(::core::option::Option::None),
    };
    let skip = match &meta.skip {
        Some(reason) => quote!(::core::option::Option::Some(#reason)),
        None => quote!(::core::option::Option::None),
    };
    let serial = meta.serial;
    let suite = match &test.target {
        Target::Free(_) => quote!(::core::option::Option::None),
        Target::Method { suite_static, .. } => quote!(::core::option::Option::Some(&#suite_static)),
    };
    let file = quote_spanned!(test.span=> ::core::file!());
    let line = quote_spanned!(test.span=> ::core::line!());
    let body = wrapper_body(test, &private);

    let tokens = quote! {
        #[#private::linkme::distributed_slice(#private::SMOKE_CORE_TESTS)]
        #[linkme(crate = #private::linkme)]
        static #descriptor: #private::TestDescriptor = #private::TestDescriptor {
            name: #name,
            module_path: ::core::module_path!(),
            suite: #suite,
            file: #file,
            line: #line,
            tags: &[#(#tags),*],
            timeout: #timeout,
            skip: #skip,
            serial: #serial,
            run: #wrapper,
        };

        #[allow(unused_mut, unused_variables, clippy::all)]
        fn #wrapper(
            __smoke_ctx: #private::Arc<#private::Context>,
        ) -> #private::BoxFuture<'static, #private::SmokeResult> {
            #body
        }
    };
    TestTokens(tokens)
}

/// The generated items of one test.
pub struct TestTokens(pub TokenStream);

/// The wrapper's body.
///
/// Spans decide where rustc reports type errors: whatever needs the fixtures to be
/// `Fixture`s is spanned at the parameter list (every such use at the same span, so a type
/// that is not a fixture is reported once, there, naming the type); the conversion of the
/// returned value at the return type; the clone of a by-value fixture at its type.
fn wrapper_body(test: &Test, private: &TokenStream) -> TokenStream {
    // Tokens interpolated into `quote_spanned!` keep their own spans; `at` gives the paths
    // the span too, so that the whole expression is the user's.
    let at = |span: Span| respan(private.clone(), span);
    let sig = test.sig;
    // The fixtures as a nested tuple type `(A, (B, ()))`, and the pattern that borrows
    // each of them out of it.
    let mut fixture_types = Vec::new();
    let mut bindings = Vec::new();
    let mut call_args = Vec::new();
    let ctx_arg = if sig.is_async {
        quote!(&*__smoke_ctx)
    } else {
        quote!(__smoke_ctx)
    };
    for (i, param) in sig.params.iter().enumerate() {
        let (ty, call) = match param {
            Param::Context => {
                call_args.push(ctx_arg.clone());
                continue;
            }
            Param::Ref(ty) => (ty, CallKind::Ref),
            Param::RefMut(ty) => (ty, CallKind::RefMut),
            Param::Value(ty) => (ty, CallKind::Value),
        };
        // Spanned at the user's parameter type: errors about it point there.
        let span = ty.span();
        let binding = format_ident!("__smoke_p{}", i, span = span);
        fixture_types.push(quote!(#ty));
        call_args.push(match call {
            CallKind::Ref => quote!(&*#binding),
            CallKind::RefMut => quote!(&mut *#binding),
            // (The path keeps the call site's span: rustc then notes what `Clone` is for
            // and suggests deriving it.)
            CallKind::Value => quote_spanned!(span=> #private::ByValue::clone_for_test(&*#binding)),
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

    let (state_ty, unpack, call_path) = match &test.target {
        Target::Free(ident) => (
            set_ty,
            quote!(let #set_pat = *__smoke_state;),
            quote!(#ident),
        ),
        Target::Method {
            self_ty, method, ..
        } => {
            // Spanned at the suite's type: what the suite type lacks is reported there.
            let span = self_ty.span();
            let suite_private = at(span);
            let state = quote_spanned!(span=> #suite_private::SuiteState<#self_ty, #set_ty>);
            let unpack = quote! {
                let (__smoke_self, __smoke_fixtures) = #private::SuiteState::parts(__smoke_state);
                let #set_pat = *__smoke_fixtures;
            };
            call_args.insert(0, quote!(__smoke_self));
            (state, unpack, quote!(<#self_ty>::#method))
        }
    };

    // Spanned at the return type: a type that is not a test outcome is reported there.
    let output_span = sig.output.as_ref().map_or(test.span, |t| t.span());
    let returned = Ident::new("__smoke_returned", output_span);
    let into_result = {
        let private = at(output_span);
        quote_spanned!(output_span=> #private::IntoSmokeResult::into_smoke_result(#returned))
    };

    let params = test.params_span;
    let private = at(params);
    let set_up = quote_spanned! {params=>
        <#state_ty as #private::FixtureSet>::set_up_all(&__smoke_ctx).await?
    };

    if sig.is_async {
        // The body's future is spanned at the function's name, so a future that is not
        // `Send` is reported on the test rather than on the attribute.
        let body = quote_spanned! {test.span=>
            async {
                let __smoke_state = &mut __smoke_state;
                #unpack
                let #returned = #call_path(#(#call_args),*).await;
                #into_result
            }
        };
        let in_body = at(test.span);
        let run = quote_spanned!(test.span=> #in_body::run_body(&__smoke_ctx, #body).await);
        let finish = quote_spanned! {params=>
            #private::finish(
                &__smoke_ctx,
                __smoke_result,
                #private::FixtureSet::tear_down_all(__smoke_state),
            )
            .await
        };
        quote_spanned! {params=>
            ::std::boxed::Box::pin(async move {
                let mut __smoke_state = #set_up;
                let __smoke_result = #run;
                #finish
            })
        }
    } else {
        let body = quote! {
            |__smoke_state: &mut #state_ty, __smoke_ctx: &#private::Context| {
                #unpack
                let #returned = #call_path(#(#call_args),*);
                #into_result
            }
        };
        let run = quote_spanned! {params=>
            #private::run_sync(__smoke_ctx, __smoke_state, #body).await
        };
        quote_spanned! {params=>
            ::std::boxed::Box::pin(async move {
                let __smoke_state = #set_up;
                #run
            })
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

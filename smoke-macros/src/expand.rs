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

fn wrapper_body(test: &Test, private: &TokenStream) -> TokenStream {
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
        let binding = format_ident!("__smoke_p{}", i);
        match param {
            Param::Context => call_args.push(ctx_arg.clone()),
            Param::Ref(ty) => {
                fixture_types.push(fixture_type(ty));
                call_args.push(quote!(&*#binding));
                bindings.push(binding);
            }
            Param::RefMut(ty) => {
                fixture_types.push(fixture_type(ty));
                call_args.push(quote!(&mut *#binding));
                bindings.push(binding);
            }
            Param::Value(ty) => {
                fixture_types.push(fixture_type(ty));
                call_args.push(quote_spanned!(ty.span()=> ::core::clone::Clone::clone(&*#binding)));
                bindings.push(binding);
            }
        }
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
            let state = quote!(#private::SuiteState<#self_ty, #set_ty>);
            let unpack = quote! {
                let (__smoke_self, __smoke_fixtures) = #private::SuiteState::parts(__smoke_state);
                let #set_pat = *__smoke_fixtures;
            };
            call_args.insert(0, quote!(__smoke_self));
            (state, unpack, quote!(<#self_ty>::#method))
        }
    };

    let output_span = sig.output.as_ref().map_or(test.span, |t| t.span());
    let into_result = quote_spanned!(output_span=> #private::IntoSmokeResult::into_smoke_result);

    if sig.is_async {
        quote! {
            ::std::boxed::Box::pin(async move {
                let mut __smoke_state =
                    <#state_ty as #private::FixtureSet>::set_up_all(&__smoke_ctx).await?;
                let __smoke_result = #private::run_body(&__smoke_ctx, async {
                    let __smoke_state = &mut __smoke_state;
                    #unpack
                    #into_result(#call_path(#(#call_args),*).await)
                })
                .await;
                #private::finish(
                    &__smoke_ctx,
                    __smoke_result,
                    #private::FixtureSet::tear_down_all(__smoke_state),
                )
                .await
            })
        }
    } else {
        quote! {
            ::std::boxed::Box::pin(async move {
                let __smoke_state =
                    <#state_ty as #private::FixtureSet>::set_up_all(&__smoke_ctx).await?;
                #private::run_sync(
                    __smoke_ctx,
                    __smoke_state,
                    |__smoke_state: &mut #state_ty, __smoke_ctx: &#private::Context| {
                        #unpack
                        #into_result(#call_path(#(#call_args),*))
                    },
                )
                .await
            })
        }
    }
}

/// The fixture type as written by the user (its tokens keep the user's spans, so an
/// unsatisfied `Fixture` bound points at the parameter).
fn fixture_type(ty: &Type) -> TokenStream {
    quote!(#ty)
}

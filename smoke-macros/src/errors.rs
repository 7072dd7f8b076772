//! Collecting every error of one macro invocation, to report them all at once.

use proc_macro2::TokenStream;
use std::fmt::Display;

/// The errors found so far; each keeps its own span.
#[derive(Default)]
pub struct Errors(Option<syn::Error>);

impl Errors {
    /// Adds an error pointing at `tokens`.
    pub fn spanned(&mut self, tokens: impl quote::ToTokens, message: impl Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    /// Adds an error pointing at `span`.
    pub fn at(&mut self, span: proc_macro2::Span, message: impl Display) {
        self.push(syn::Error::new(span, message));
    }

    /// Adds an error (which may itself hold several).
    pub fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    /// Whether no error was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// One `compile_error!` per error.
    pub fn to_compile_errors(&self) -> TokenStream {
        self.0
            .as_ref()
            .map(syn::Error::to_compile_error)
            .unwrap_or_default()
    }

    /// A macro's output: `item` unchanged, after the errors when any was found (so one
    /// mistake gives one message), else before `registration`.
    pub fn output(
        &self,
        item: impl quote::ToTokens,
        registration: impl quote::ToTokens,
    ) -> TokenStream {
        if self.is_empty() {
            quote::quote! {
                #item
                #registration
            }
        } else {
            let errors = self.to_compile_errors();
            quote::quote!(#errors #item)
        }
    }
}

//! `#[smoke_test]` and `#[smoke_suite]`. Use them through `smoke-runtime`.
//! (Being written: for now they leave the item as it is.)

use proc_macro::TokenStream;

/// Registers a smoke test.
#[proc_macro_attribute]
pub fn smoke_test(_args: TokenStream, item: TokenStream) -> TokenStream {
    item
}

/// Registers the `test_*` methods of an `impl` block as a suite.
#[proc_macro_attribute]
pub fn smoke_suite(_args: TokenStream, item: TokenStream) -> TokenStream {
    item
}

//! The demo service.
fn main() {}

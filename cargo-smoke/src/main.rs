//! `cargo smoke`.
fn main() {}

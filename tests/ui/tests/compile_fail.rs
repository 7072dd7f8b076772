//! Every misuse of `#[smoke_test]` / `#[smoke_suite]` is a compile error that points at
//! the user's code and says what to write (`tests/ui/*.stderr` hold the exact messages);
//! correct uses compile and run (`tests/pass/*.rs`). `assertion_*.rs` are misuses of the
//! assertion macros: a missing argument, a message that is not a format string, values
//! that cannot be compared, a function with no `Result` to return the failure into.
//!
//! After changing a message: `TRYBUILD=overwrite cargo test -p smoke-ui-tests`, then read
//! the new `.stderr` files. rustc lists the types that implement a trait in some messages
//! (`not_a_fixture.stderr` lists smoke-runtime's `Fixture` implementations), so adding
//! such an implementation changes that file too.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
    t.pass("tests/pass/*.rs");
}

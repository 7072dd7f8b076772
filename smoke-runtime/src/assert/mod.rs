//! Assertions: the unittest family, as macros that end the test with a *failure* instead
//! of panicking, so they work under `panic = "abort"` too.
//!
//! Every `assert_*!` macro returns early from the enclosing function (or closure, or
//! async block) with `Err(SmokeError)` of kind [`ErrorKind::Failure`](crate::ErrorKind)
//! when its check does not hold, and takes an optional trailing message with format
//! arguments, formatted only when the check fails. Every one has an `expect_*!` twin
//! (see [below](#soft-assertions-expect_)).
//!
//! | macro | holds when |
//! | --- | --- |
//! | [`assert_equal!(a, b)`](crate::assert_equal) | `a == b` |
//! | [`assert_not_equal!(a, b)`](crate::assert_not_equal) | `a != b` |
//! | [`assert_true!(c)`](crate::assert_true) / [`assert_false!(c)`](crate::assert_false) | `c` is `true` / `false` |
//! | [`assert_is!(a, b)`](crate::assert_is) / [`assert_is_not!(a, b)`](crate::assert_is_not) | `std::ptr::eq(a, b)` / not |
//! | [`assert_is_none!(o)`](crate::assert_is_none) | `o` is `None` |
//! | [`assert_is_some!(o)`](crate::assert_is_some) | `o` is `Some(v)`; evaluates to `v` |
//! | [`assert_in!(x, c)`](crate::assert_in) / [`assert_not_in!(x, c)`](crate::assert_not_in) | `c` holds `x` / not ([`Contains`]) |
//! | [`assert_matches!(v, pat if guard)`](crate::assert_matches) | `v` matches the pattern |
//! | [`assert_ok!(r)`](crate::assert_ok) | `r` is `Ok(v)`; evaluates to `v` |
//! | [`assert_err!(r)`](crate::assert_err) | `r` is `Err(e)`; evaluates to `e` |
//! | [`assert_panics!(f, expected = "..")`](crate::assert_panics) | calling `f` panics; evaluates to the message |
//! | [`assert_less!`](crate::assert_less), [`assert_less_equal!`](crate::assert_less_equal), [`assert_greater!`](crate::assert_greater), [`assert_greater_equal!`](crate::assert_greater_equal) | `<`, `<=`, `>`, `>=` |
//! | [`assert_almost_equal!(a, b, places = 7)`](crate::assert_almost_equal) / [`assert_not_almost_equal!`](crate::assert_not_almost_equal) | `round(a - b, places) == 0`, or `\|a - b\| <= delta` / not |
//! | [`assert_regex!(text, re)`](crate::assert_regex) / [`assert_not_regex!`](crate::assert_not_regex) | `re` finds a match in `text` / none |
//! | [`assert_count_equal!(a, b)`](crate::assert_count_equal) | same elements, same counts, any order |
//!
//! A failure message shows the macro with its arguments' source text, the values
//! (through `Debug`; a value without `Debug` shows its type's name), a line diff when
//! they are long, the user's message, and `file:line`:
//!
//! ```text
//! assert_equal!(user.name, "alice") failed
//!   actual:   "bob"
//!   expected: "alice"
//!   message:  after the rename
//!   at tests/smoke.rs:12
//! ```
//!
//! # Soft assertions: `expect_*`
//!
//! Every `assert_*!` macro has a soft variant, `expect_*!`, with the same arguments and
//! the same failure message. Where the assertion returns early, the soft variant records
//! the failure with the running test and lets it go on; the test fails at its end with
//! every recorded failure (and an `assert_*!` failure after them ends it with all of
//! them). Use it to check several independent things in one test and see every one that
//! is wrong.
//!
//! A soft variant evaluates to whether its check held (`true` or `false`), or, for those
//! whose assertion evaluates to a value ([`expect_is_some!`](crate::expect_is_some),
//! [`expect_ok!`](crate::expect_ok), [`expect_err!`](crate::expect_err),
//! [`expect_panics!`](crate::expect_panics)), to `Some(value)` or `None`.
//!
//! It needs no `Result` to return into, so it works in any function the test calls.
//! Outside a smoke test there is no test to record with, so a failure panics with its
//! message.
//!
//! ```
//! use smoke_runtime::prelude::*;
//!
//! #[smoke_test]
//! fn config_is_sane() {
//!     let port: u16 = 8080;
//!     expect_greater!(port, 1023, "a privileged port");
//!     if let Some(port) = expect_ok!("8443".parse::<u16>()) {
//!         expect_not_equal!(port, 8080);
//!     }
//! }
//! ```

mod contains;
mod diff;
mod macros;
mod message;
mod predicates;
mod show;

pub use contains::Contains;
pub use predicates::{AsF64, AsRegex, Tolerance};

/// What the assertion macros expand to. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use super::message::{Failure, Site};
    pub use super::predicates::{
        almost, count_equal, equal_failure, identity, in_failure, matches_failure,
        not_equal_failure, order_failure, panics, regex, truth, variant_failure,
    };
    pub use super::show::{probe, Fallback, Probe, Shown};
}

#[cfg(test)]
mod tests;

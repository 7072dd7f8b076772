//! Assertions: the unittest family, as macros that end the test with a *failure* instead
//! of panicking, so they work under `panic = "abort"` too.
//!
//! Every `assert_*!` macro returns early from the enclosing function (or closure, or
//! async block) with `Err(SmokeError)` of kind [`ErrorKind::Failure`](crate::ErrorKind)
//! when its check does not hold, and takes an optional trailing message with format
//! arguments. Every one has an `expect_*!` twin that records the failure with the running
//! test and lets it go on; the test then fails at its end with every recorded failure.
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

mod checks;
mod contains;
mod diff;
mod macros;
mod message;
mod show;

pub use checks::{AsF64, AsRegex, Tolerance};
pub use contains::Contains;

/// What the assertion macros expand to. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use super::checks::{
        bool_failure, check_almost, check_count_equal, check_panics, check_regex, equal_failure,
        identity_failure, in_failure, matches_failure, not_equal_failure, order_failure, record,
        variant_failure,
    };
    pub use super::message::{Failure, Site};
    pub use super::show::{Probe, Shown, ViaDebug, ViaNoText, ViaOpaque, ViaText};

    /// A pointer's address, for identity failures.
    pub fn address<T: ?Sized>(pointer: *const T) -> *const () {
        pointer.cast()
    }

    /// An `expect_*` check without a value: whether it held (its failure recorded when not).
    pub fn soft_held(check: Result<(), crate::SmokeError>) -> bool {
        soft(check).is_some()
    }

    /// An `expect_*` check: its value, or `None` after recording its failure.
    pub fn soft<T>(check: Result<T, crate::SmokeError>) -> Option<T> {
        match check {
            Ok(value) => Some(value),
            Err(failure) => {
                record(failure);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests;

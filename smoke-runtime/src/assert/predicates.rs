//! The predicates the assertion macros test, and the [`Failure`] each builds when it does
//! not hold. Every function here gives a `Result<_, Failure>`; the macro adds its site and
//! the user's message (see [`super::macros`]).
//!
//! A comparison whose failure shows the values (`==`, `<`, `Contains`, a pattern) is made
//! at the call site, where a value's type is known and [`probe`](super::show::probe) can
//! choose how to show it; the macro calls a `*_failure` function only when it fails. The
//! predicates that need no `Debug` (truth, identity, regexes, element counts, panics) and
//! tolerances are generic functions here, so a call expands to little more than a call.

use std::borrow::Cow;
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};

use regex::Regex;

use super::diff::line_diff;
use super::message::Failure;
use super::show::{compact, pretty, Shown};

/// Values whose compact `Debug` form is longer than this are shown pretty-printed, and
/// two such values are compared with a line diff.
const LONG: usize = 80;

/// A value for a field: compact when short, pretty-printed when long.
fn show(value: Shown<'_>) -> String {
    let short = compact(value);
    if short.len() <= LONG && !short.contains('\n') {
        short
    } else {
        pretty(value)
    }
}

/// `assert_equal!`: `actual` and `expected` differ. Short values are shown side by side;
/// long or multi-line ones as a line diff (of the raw text, for strings).
#[cold]
pub fn equal_failure(
    actual: Shown<'_>,
    expected: Shown<'_>,
    texts: (Option<&str>, Option<&str>),
) -> Failure {
    let failure = Failure::new();
    match texts {
        (Some(a), Some(e)) if a.contains('\n') || e.contains('\n') => failure.diff(line_diff(e, a)),
        _ => {
            let (a, e) = (compact(actual), compact(expected));
            if a.len() <= LONG && e.len() <= LONG && !a.contains('\n') && !e.contains('\n') {
                failure.field("actual", a).field("expected", e)
            } else {
                failure.diff(line_diff(&pretty(expected), &pretty(actual)))
            }
        }
    }
}

/// A failure with an actual value and what was expected instead.
fn mismatch(actual: impl fmt::Display, expected: impl fmt::Display) -> Failure {
    Failure::new()
        .field("actual", actual)
        .field("expected", expected)
}

/// `assert_not_equal!`: both sides are equal.
#[cold]
pub fn not_equal_failure(actual: Shown<'_>) -> Failure {
    let a = show(actual);
    let expected = format!("not equal to {a}");
    mismatch(a, expected)
}

/// `assert_true!` / `assert_false!`: the condition is `expected`.
pub fn truth(condition: bool, expected: bool) -> Result<(), Failure> {
    if condition == expected {
        Ok(())
    } else {
        Err(mismatch(condition, expected))
    }
}

/// `assert_less!` and the other orderings: `actual` is not `relation` `bound`.
#[cold]
pub fn order_failure(actual: Shown<'_>, relation: &str, bound: Shown<'_>) -> Failure {
    mismatch(show(actual), format!("{relation} {}", show(bound)))
}

/// `assert_is!` (`same`) / `assert_is_not!`: whether two pointers are the same, as
/// `std::ptr::eq` has it.
pub fn identity<T: ?Sized>(
    actual: *const T,
    expected: *const T,
    same: bool,
) -> Result<(), Failure> {
    if std::ptr::eq(actual, expected) == same {
        Ok(())
    } else {
        Err(identity_failure(actual.cast(), expected.cast(), same))
    }
}

#[cold]
fn identity_failure(actual: *const (), expected: *const (), same: bool) -> Failure {
    let want = if same {
        format!("{expected:p} (the same object)")
    } else {
        format!("any object but {expected:p}")
    };
    mismatch(format!("{actual:p}"), want)
}

/// `assert_is_some!`, `assert_ok!`, `assert_err!`, `assert_is_none!`: the value is the
/// other variant, `variant(inner)`.
#[cold]
pub fn variant_failure(variant: &str, inner: Option<Shown<'_>>, expected: &str) -> Failure {
    let actual = match inner {
        Some(inner) => format!("{variant}({})", show(inner)),
        None => variant.to_owned(),
    };
    mismatch(actual, expected)
}

/// `assert_matches!`: the value does not match the pattern.
#[cold]
pub fn matches_failure(actual: Shown<'_>, pattern: &str) -> Failure {
    mismatch(show(actual), format!("matches {pattern}"))
}

/// `assert_in!` / `assert_not_in!`: the container does not hold (or holds) the item.
#[cold]
pub fn in_failure(item: Shown<'_>, container: Shown<'_>, want_in: bool) -> Failure {
    Failure::new()
        .field("item", show(item))
        .field(if want_in { "not in" } else { "found in" }, show(container))
}

/// The tolerance of `assert_almost_equal!` and `assert_not_almost_equal!`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Tolerance {
    /// `round(a - b, places) == 0`, as unittest has it (default 7 places).
    Places(i32),
    /// `|a - b| <= delta`.
    Delta(f64),
}

impl Tolerance {
    /// Whether `a` and `b` are close within this tolerance (equal values always are).
    pub fn close(self, a: f64, b: f64) -> bool {
        if a == b {
            return true;
        }
        let diff = (a - b).abs();
        match self {
            Tolerance::Places(places) => (diff * 10f64.powi(places)).round_ties_even() == 0.0,
            Tolerance::Delta(delta) => diff <= delta,
        }
    }
}

/// A number `assert_almost_equal!` compares, as an `f64`.
pub trait AsF64 {
    /// The value as an `f64`.
    fn as_f64(&self) -> f64;
}

macro_rules! as_f64 {
    ($($t:ty),*) => {$(
        impl AsF64 for $t {
            #[allow(clippy::cast_lossless, clippy::cast_precision_loss)]
            fn as_f64(&self) -> f64 { *self as f64 }
        }
    )*};
}

as_f64!(f32, f64, i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);

impl<T: AsF64 + ?Sized> AsF64 for &T {
    fn as_f64(&self) -> f64 {
        (**self).as_f64()
    }
}

/// `assert_almost_equal!` (`want_close`) and `assert_not_almost_equal!`.
pub fn almost(
    (actual, shown_actual): (f64, Shown<'_>),
    (expected, shown_expected): (f64, Shown<'_>),
    tolerance: Tolerance,
    want_close: bool,
) -> Result<(), Failure> {
    let close = tolerance.close(actual, expected);
    // unittest: "not almost equal" fails on equal values whatever the tolerance.
    if close == want_close && (want_close || actual != expected) {
        return Ok(());
    }
    let not = if want_close { "" } else { "not " };
    let e = show(shown_expected);
    let expected_text = match tolerance {
        Tolerance::Places(p) => format!("{not}{e}, to {p} places"),
        Tolerance::Delta(d) => format!("{not}{e} ± {d:?}"),
    };
    Err(Failure::new()
        .field("actual", show(shown_actual))
        .field("expected", expected_text)
        .field("difference", format!("{:?}", (actual - expected).abs())))
}

/// A regular expression, or text to compile into one: what `assert_regex!` takes.
pub trait AsRegex {
    /// The compiled expression.
    fn as_regex(&self) -> Result<Cow<'_, Regex>, regex::Error>;
}

impl AsRegex for Regex {
    fn as_regex(&self) -> Result<Cow<'_, Regex>, regex::Error> {
        Ok(Cow::Borrowed(self))
    }
}

impl AsRegex for str {
    fn as_regex(&self) -> Result<Cow<'_, Regex>, regex::Error> {
        Regex::new(self).map(Cow::Owned)
    }
}

impl AsRegex for String {
    fn as_regex(&self) -> Result<Cow<'_, Regex>, regex::Error> {
        self.as_str().as_regex()
    }
}

impl<T: AsRegex + ?Sized> AsRegex for &T {
    fn as_regex(&self) -> Result<Cow<'_, Regex>, regex::Error> {
        (**self).as_regex()
    }
}

/// `assert_regex!` (`want_match`) and `assert_not_regex!`: whether `regex` finds a match
/// in `text`. A pattern that does not compile is an error of the test, not a failure.
pub fn regex<T, R>(text: &T, regex: &R, want_match: bool) -> Result<(), Failure>
where
    T: AsRef<str> + ?Sized,
    R: AsRegex,
{
    regex_in(text.as_ref(), regex, want_match)
}

fn regex_in(text: &str, regex: &dyn AsRegex, want_match: bool) -> Result<(), Failure> {
    let regex = regex
        .as_regex()
        .map_err(|e| Failure::error(format!("bad regex: {e}")))?;
    let found = regex.find(text);
    match (found, want_match) {
        (Some(_), true) | (None, false) => Ok(()),
        (None, _) => Err(Failure::new()
            .field("text", show(Shown::Debug(&text)))
            .field("expected", format!("a match for /{}/", regex.as_str()))),
        (Some(m), _) => Err(Failure::new()
            .field("text", show(Shown::Debug(&text)))
            .field("expected", format!("no match for /{}/", regex.as_str()))
            .field("found", format!("{:?} at {}", m.as_str(), m.start()))),
    }
}

/// `assert_count_equal!`: the same elements, each as many times, in any order. Needs only
/// `PartialEq` (no `Hash`, no `Ord`).
pub fn count_equal<T, A, E>(actual: A, expected: E) -> Result<(), Failure>
where
    T: PartialEq + fmt::Debug,
    A: IntoIterator<Item = T>,
    E: IntoIterator<Item = T>,
{
    let actual: Vec<T> = actual.into_iter().collect();
    let expected: Vec<T> = expected.into_iter().collect();
    // Distinct values in first-seen order (actual, then expected), with their counts.
    let mut tally: Vec<(&T, usize, usize)> = Vec::new();
    for (side, items) in [(0, &actual), (1, &expected)] {
        for item in items {
            let row = match tally.iter().position(|(v, _, _)| *v == item) {
                Some(i) => &mut tally[i],
                None => {
                    tally.push((item, 0, 0));
                    tally.last_mut().expect("just pushed")
                }
            };
            if side == 0 {
                row.1 += 1;
            } else {
                row.2 += 1;
            }
        }
    }
    let differing: Vec<String> = tally
        .iter()
        .filter(|(_, a, e)| a != e)
        .map(|(v, a, e)| format!("actual {a}, expected {e}: {}", show(Shown::Debug(v))))
        .collect();
    if differing.is_empty() {
        return Ok(());
    }
    Err(Failure::new().field("counts", differing.join("\n")))
}

/// `assert_panics!`: runs `body`, which must panic (with a message containing `expected`,
/// when given). Gives the panic's message.
pub fn panics<R>(body: impl FnOnce() -> R, expected: Option<&str>) -> Result<String, Failure> {
    let outcome = catch_unwind(AssertUnwindSafe(body));
    let want = match expected {
        Some(text) => format!("a panic with a message containing {text:?}"),
        None => "a panic".to_owned(),
    };
    match outcome {
        Ok(_) => Err(mismatch("returned without panicking", want)),
        Err(payload) => {
            let text = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned());
            match (text, expected) {
                (Some(text), Some(e)) if !text.contains(e) => {
                    Err(mismatch(format!("a panic with the message {text:?}"), want))
                }
                (None, Some(_)) => Err(mismatch("a panic with a non-string payload", want)),
                (text, _) => Ok(text.unwrap_or_default()),
            }
        }
    }
}

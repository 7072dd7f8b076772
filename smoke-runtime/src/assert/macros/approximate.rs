//! Approximate equality: `assert_almost_equal!`, `assert_not_almost_equal!`.

/// The tolerance (`places = N`, `delta = d`, or 7 places) and the message after two
/// numbers, then the check.
#[doc(hidden)]
#[macro_export]
macro_rules! __smoke_almost {
    (@check $a:expr, $b:expr, $tolerance:expr, $want:literal) => {
        match (&$a, &$b) {
            (actual, expected) => $crate::assert::__private::almost(
                ($crate::assert::AsF64::as_f64(actual), $crate::assert::__private::probe(actual).shown()),
                ($crate::assert::AsF64::as_f64(expected), $crate::assert::__private::probe(expected).shown()),
                $tolerance,
                $want,
            ),
        }
    };
    ($mode:ident $name:ident $want:literal; $a:expr, $b:expr; places = $places:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!($mode $name ($a, $b, places = $places)
            $crate::__smoke_almost!(@check $a, $b, $crate::assert::Tolerance::Places($places), $want);
            $($($msg)*)?)
    };
    ($mode:ident $name:ident $want:literal; $a:expr, $b:expr; delta = $delta:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!($mode $name ($a, $b, delta = $delta)
            $crate::__smoke_almost!(@check $a, $b, $crate::assert::Tolerance::Delta($delta), $want);
            $($($msg)*)?)
    };
    ($mode:ident $name:ident $want:literal; $a:expr, $b:expr; $($msg:tt)*) => {
        $crate::__smoke_assert!($mode $name ($a, $b)
            $crate::__smoke_almost!(@check $a, $b, $crate::assert::Tolerance::Places(7), $want);
            $($msg)*)
    };
}

/// Asserts that two numbers are equal, or close: by default `round(actual - expected, 7) == 0`
/// as unittest's `assertAlmostEqual`; `places = N` sets the places, `delta = d` asks for
/// `|actual - expected| <= d` instead. Any primitive number works (compared as `f64`).
/// The optional message comes after the tolerance.
///
/// On failure the enclosing function returns `Err` with a failure that shows the
/// expression's source, the values and `file:line`; an optional trailing message with
/// format arguments is added to it. The soft variant is
/// [`expect_almost_equal!`](crate::expect_almost_equal).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// fn check() -> SmokeResult {
///     let ratio = 1.0 / 3.0;
///     assert_almost_equal!(ratio, 0.333_333_333);
///     assert_almost_equal!(ratio, 0.333_333_333, "ratio of {}", "hits");
///     assert_almost_equal!(ratio, 0.33, places = 2);
///     assert_almost_equal!(ratio, 0.3, delta = 0.05, "ratio drifted");
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_almost_equal {
    ($a:expr, $b:expr $(, $($rest:tt)*)?) => {
        $crate::__smoke_almost!(hard assert_almost_equal true; $a, $b; $($($rest)*)?)
    };
}

/// The soft variant of [`assert_almost_equal!`](crate::assert_almost_equal): records its
/// failure and goes on (see [soft assertions](crate::assert#soft-assertions-expect_)).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// let ratio = 1.0 / 3.0;
/// expect_almost_equal!(ratio, 0.333_333_333);
/// expect_almost_equal!(ratio, 0.33, places = 2, "ratio of {}", "hits");
/// expect_almost_equal!(ratio, 0.3, delta = 0.05);
/// ```
#[macro_export]
macro_rules! expect_almost_equal {
    ($a:expr, $b:expr $(, $($rest:tt)*)?) => {
        $crate::__smoke_almost!(held expect_almost_equal true; $a, $b; $($($rest)*)?)
    };
}

/// Asserts that two numbers are not close (unittest's `assertNotAlmostEqual`), with the same
/// `places = N` (default 7) or `delta = d` as [`assert_almost_equal!`](crate::assert_almost_equal).
/// Equal values always fail it.
///
/// On failure the enclosing function returns `Err` with a failure that shows the
/// expression's source, the values and `file:line`; an optional trailing message with
/// format arguments is added to it. The soft variant is
/// [`expect_not_almost_equal!`](crate::expect_not_almost_equal).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// fn check() -> SmokeResult {
///     let load = 0.5;
///     assert_not_almost_equal!(load, 0.0);
///     assert_not_almost_equal!(load, 0.0, delta = 0.01, "{} is idle", "worker");
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_not_almost_equal {
    ($a:expr, $b:expr $(, $($rest:tt)*)?) => {
        $crate::__smoke_almost!(hard assert_not_almost_equal false; $a, $b; $($($rest)*)?)
    };
}

/// The soft variant of [`assert_not_almost_equal!`](crate::assert_not_almost_equal):
/// records its failure and goes on (see
/// [soft assertions](crate::assert#soft-assertions-expect_)).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// let load = 0.5;
/// expect_not_almost_equal!(load, 0.0);
/// expect_not_almost_equal!(load, 0.0, places = 1, "{} is idle", "worker");
/// ```
#[macro_export]
macro_rules! expect_not_almost_equal {
    ($a:expr, $b:expr $(, $($rest:tt)*)?) => {
        $crate::__smoke_almost!(held expect_not_almost_equal false; $a, $b; $($($rest)*)?)
    };
}

//! Approximate equality: `assert_almost_equal!`, `assert_not_almost_equal!`.

#[doc(hidden)]
#[macro_export]
macro_rules! __smoke_almost {
    ($site:expr; $actual:expr, $expected:expr, $tolerance:expr, $want:expr; $($msg:tt)*) => {
        match (&$actual, &$expected) {
            (actual, expected) => $crate::assert::__private::check_almost(
                $site,
                ($crate::assert::AsF64::as_f64(actual), $crate::__smoke_shown!(actual)),
                ($crate::assert::AsF64::as_f64(expected), $crate::__smoke_shown!(expected)),
                $tolerance,
                $want,
                $crate::__smoke_message!($($msg)*),
            ),
        }
    };
}

/// Asserts that two numbers are equal, or close: by default `round(actual - expected, 7) == 0`
/// as unittest's `assertAlmostEqual`; `places = N` sets the places, `delta = d` asks for
/// `|actual - expected| <= d` instead. Any primitive number works (compared as `f64`).
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
///     assert_almost_equal!(ratio, 0.33, places = 2);
///     assert_almost_equal!(ratio, 0.3, delta = 0.05, "ratio drifted");
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_almost_equal {
    ($a:expr, $b:expr, places = $places:expr $(,)?) => {
        $crate::__smoke_hard!($crate::__smoke_almost!($crate::__smoke_site!(assert_almost_equal, $a, $b, places = $places); $a, $b, $crate::assert::Tolerance::Places($places), true; ))
    };
    ($a:expr, $b:expr, places = $places:expr, $($msg:tt)+) => {
        $crate::__smoke_hard!($crate::__smoke_almost!($crate::__smoke_site!(assert_almost_equal, $a, $b, places = $places); $a, $b, $crate::assert::Tolerance::Places($places), true; $($msg)+))
    };
    ($a:expr, $b:expr, delta = $delta:expr $(,)?) => {
        $crate::__smoke_hard!($crate::__smoke_almost!($crate::__smoke_site!(assert_almost_equal, $a, $b, delta = $delta); $a, $b, $crate::assert::Tolerance::Delta($delta), true; ))
    };
    ($a:expr, $b:expr, delta = $delta:expr, $($msg:tt)+) => {
        $crate::__smoke_hard!($crate::__smoke_almost!($crate::__smoke_site!(assert_almost_equal, $a, $b, delta = $delta); $a, $b, $crate::assert::Tolerance::Delta($delta), true; $($msg)+))
    };
    ($a:expr, $b:expr $(,)?) => {
        $crate::__smoke_hard!($crate::__smoke_almost!($crate::__smoke_site!(assert_almost_equal, $a, $b); $a, $b, $crate::assert::Tolerance::Places(7), true; ))
    };
    ($a:expr, $b:expr, $($msg:tt)+) => {
        $crate::__smoke_hard!($crate::__smoke_almost!($crate::__smoke_site!(assert_almost_equal, $a, $b); $a, $b, $crate::assert::Tolerance::Places(7), true; $($msg)+))
    };
}

/// The soft variant of [`assert_almost_equal!`](crate::assert_almost_equal): on failure it records the failure with the
/// running test, which goes on and fails at its end with every recorded failure.
/// Evaluates to `true` when the check held, `false` when it did not.
///
/// Outside a smoke test there is no test to record with, so a failure panics with its
/// message.
#[macro_export]
macro_rules! expect_almost_equal {
    ($a:expr, $b:expr, places = $places:expr $(,)?) => {
        $crate::assert::__private::soft_held($crate::__smoke_almost!($crate::__smoke_site!(expect_almost_equal, $a, $b, places = $places); $a, $b, $crate::assert::Tolerance::Places($places), true; ))
    };
    ($a:expr, $b:expr, places = $places:expr, $($msg:tt)+) => {
        $crate::assert::__private::soft_held($crate::__smoke_almost!($crate::__smoke_site!(expect_almost_equal, $a, $b, places = $places); $a, $b, $crate::assert::Tolerance::Places($places), true; $($msg)+))
    };
    ($a:expr, $b:expr, delta = $delta:expr $(,)?) => {
        $crate::assert::__private::soft_held($crate::__smoke_almost!($crate::__smoke_site!(expect_almost_equal, $a, $b, delta = $delta); $a, $b, $crate::assert::Tolerance::Delta($delta), true; ))
    };
    ($a:expr, $b:expr, delta = $delta:expr, $($msg:tt)+) => {
        $crate::assert::__private::soft_held($crate::__smoke_almost!($crate::__smoke_site!(expect_almost_equal, $a, $b, delta = $delta); $a, $b, $crate::assert::Tolerance::Delta($delta), true; $($msg)+))
    };
    ($a:expr, $b:expr $(,)?) => {
        $crate::assert::__private::soft_held($crate::__smoke_almost!($crate::__smoke_site!(expect_almost_equal, $a, $b); $a, $b, $crate::assert::Tolerance::Places(7), true; ))
    };
    ($a:expr, $b:expr, $($msg:tt)+) => {
        $crate::assert::__private::soft_held($crate::__smoke_almost!($crate::__smoke_site!(expect_almost_equal, $a, $b); $a, $b, $crate::assert::Tolerance::Places(7), true; $($msg)+))
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
///     assert_not_almost_equal!(load, 0.0, delta = 0.01);
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_not_almost_equal {
    ($a:expr, $b:expr, places = $places:expr $(,)?) => {
        $crate::__smoke_hard!($crate::__smoke_almost!($crate::__smoke_site!(assert_not_almost_equal, $a, $b, places = $places); $a, $b, $crate::assert::Tolerance::Places($places), false; ))
    };
    ($a:expr, $b:expr, places = $places:expr, $($msg:tt)+) => {
        $crate::__smoke_hard!($crate::__smoke_almost!($crate::__smoke_site!(assert_not_almost_equal, $a, $b, places = $places); $a, $b, $crate::assert::Tolerance::Places($places), false; $($msg)+))
    };
    ($a:expr, $b:expr, delta = $delta:expr $(,)?) => {
        $crate::__smoke_hard!($crate::__smoke_almost!($crate::__smoke_site!(assert_not_almost_equal, $a, $b, delta = $delta); $a, $b, $crate::assert::Tolerance::Delta($delta), false; ))
    };
    ($a:expr, $b:expr, delta = $delta:expr, $($msg:tt)+) => {
        $crate::__smoke_hard!($crate::__smoke_almost!($crate::__smoke_site!(assert_not_almost_equal, $a, $b, delta = $delta); $a, $b, $crate::assert::Tolerance::Delta($delta), false; $($msg)+))
    };
    ($a:expr, $b:expr $(,)?) => {
        $crate::__smoke_hard!($crate::__smoke_almost!($crate::__smoke_site!(assert_not_almost_equal, $a, $b); $a, $b, $crate::assert::Tolerance::Places(7), false; ))
    };
    ($a:expr, $b:expr, $($msg:tt)+) => {
        $crate::__smoke_hard!($crate::__smoke_almost!($crate::__smoke_site!(assert_not_almost_equal, $a, $b); $a, $b, $crate::assert::Tolerance::Places(7), false; $($msg)+))
    };
}

/// The soft variant of [`assert_not_almost_equal!`](crate::assert_not_almost_equal): on failure it records the failure with the
/// running test, which goes on and fails at its end with every recorded failure.
/// Evaluates to `true` when the check held, `false` when it did not.
///
/// Outside a smoke test there is no test to record with, so a failure panics with its
/// message.
#[macro_export]
macro_rules! expect_not_almost_equal {
    ($a:expr, $b:expr, places = $places:expr $(,)?) => {
        $crate::assert::__private::soft_held($crate::__smoke_almost!($crate::__smoke_site!(expect_not_almost_equal, $a, $b, places = $places); $a, $b, $crate::assert::Tolerance::Places($places), false; ))
    };
    ($a:expr, $b:expr, places = $places:expr, $($msg:tt)+) => {
        $crate::assert::__private::soft_held($crate::__smoke_almost!($crate::__smoke_site!(expect_not_almost_equal, $a, $b, places = $places); $a, $b, $crate::assert::Tolerance::Places($places), false; $($msg)+))
    };
    ($a:expr, $b:expr, delta = $delta:expr $(,)?) => {
        $crate::assert::__private::soft_held($crate::__smoke_almost!($crate::__smoke_site!(expect_not_almost_equal, $a, $b, delta = $delta); $a, $b, $crate::assert::Tolerance::Delta($delta), false; ))
    };
    ($a:expr, $b:expr, delta = $delta:expr, $($msg:tt)+) => {
        $crate::assert::__private::soft_held($crate::__smoke_almost!($crate::__smoke_site!(expect_not_almost_equal, $a, $b, delta = $delta); $a, $b, $crate::assert::Tolerance::Delta($delta), false; $($msg)+))
    };
    ($a:expr, $b:expr $(,)?) => {
        $crate::assert::__private::soft_held($crate::__smoke_almost!($crate::__smoke_site!(expect_not_almost_equal, $a, $b); $a, $b, $crate::assert::Tolerance::Places(7), false; ))
    };
    ($a:expr, $b:expr, $($msg:tt)+) => {
        $crate::assert::__private::soft_held($crate::__smoke_almost!($crate::__smoke_site!(expect_not_almost_equal, $a, $b); $a, $b, $crate::assert::Tolerance::Places(7), false; $($msg)+))
    };
}

//! Truth: `assert_true!`, `assert_false!`.

#[doc(hidden)]
#[macro_export]
macro_rules! __smoke_bool {
    ($site:expr; $condition:expr, $want:expr; $($msg:tt)*) => {
        {
            let condition: bool = $condition;
            if condition == $want {
                ::core::result::Result::Ok(())
            } else {
                ::core::result::Result::Err($crate::assert::__private::bool_failure(
                    $site,
                    $want,
                    $crate::__smoke_message!($($msg)*),
                ))
            }
        }
    };
}

/// Asserts that a condition is `true` (unittest's `assertTrue`).
///
/// On failure the enclosing function returns `Err` with a failure that shows the
/// expression's source, the values and `file:line`; an optional trailing message with
/// format arguments is added to it. The soft variant is
/// [`expect_true!`](crate::expect_true).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// fn check() -> SmokeResult {
///     let dir = std::env::temp_dir();
///     assert_true!(dir.exists(), "{} is missing", dir.display());
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_true {
    ($a:expr $(,)?) => {
        $crate::__smoke_hard!($crate::__smoke_bool!($crate::__smoke_site!(assert_true, $a); $a, true; ))
    };
    ($a:expr, $($msg:tt)+) => {
        $crate::__smoke_hard!($crate::__smoke_bool!($crate::__smoke_site!(assert_true, $a); $a, true; $($msg)+))
    };
}

/// The soft variant of [`assert_true!`](crate::assert_true): on failure it records the failure with the
/// running test, which goes on and fails at its end with every recorded failure.
/// Evaluates to `true` when the check held, `false` when it did not.
///
/// Outside a smoke test there is no test to record with, so a failure panics with its
/// message.
#[macro_export]
macro_rules! expect_true {
    ($a:expr $(,)?) => {
        $crate::assert::__private::soft_held($crate::__smoke_bool!($crate::__smoke_site!(expect_true, $a); $a, true; ))
    };
    ($a:expr, $($msg:tt)+) => {
        $crate::assert::__private::soft_held($crate::__smoke_bool!($crate::__smoke_site!(expect_true, $a); $a, true; $($msg)+))
    };
}

/// Asserts that a condition is `false` (unittest's `assertFalse`).
///
/// On failure the enclosing function returns `Err` with a failure that shows the
/// expression's source, the values and `file:line`; an optional trailing message with
/// format arguments is added to it. The soft variant is
/// [`expect_false!`](crate::expect_false).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// fn check() -> SmokeResult {
///     let queue: Vec<u32> = Vec::new();
///     assert_false!(queue.len() > 100);
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_false {
    ($a:expr $(,)?) => {
        $crate::__smoke_hard!($crate::__smoke_bool!($crate::__smoke_site!(assert_false, $a); $a, false; ))
    };
    ($a:expr, $($msg:tt)+) => {
        $crate::__smoke_hard!($crate::__smoke_bool!($crate::__smoke_site!(assert_false, $a); $a, false; $($msg)+))
    };
}

/// The soft variant of [`assert_false!`](crate::assert_false): on failure it records the failure with the
/// running test, which goes on and fails at its end with every recorded failure.
/// Evaluates to `true` when the check held, `false` when it did not.
///
/// Outside a smoke test there is no test to record with, so a failure panics with its
/// message.
#[macro_export]
macro_rules! expect_false {
    ($a:expr $(,)?) => {
        $crate::assert::__private::soft_held($crate::__smoke_bool!($crate::__smoke_site!(expect_false, $a); $a, false; ))
    };
    ($a:expr, $($msg:tt)+) => {
        $crate::assert::__private::soft_held($crate::__smoke_bool!($crate::__smoke_site!(expect_false, $a); $a, false; $($msg)+))
    };
}

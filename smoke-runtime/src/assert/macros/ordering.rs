//! Ordering: `assert_less!`, `assert_less_equal!`, `assert_greater!`, `assert_greater_equal!`.

#[doc(hidden)]
#[macro_export]
macro_rules! __smoke_order {
    ($site:expr; $actual:expr, $op:tt, $relation:expr, $bound:expr; $($msg:tt)*) => {
        match (&$actual, &$bound) {
            (actual, bound) => {
                if *actual $op *bound {
                    ::core::result::Result::Ok(())
                } else {
                    ::core::result::Result::Err($crate::assert::__private::order_failure(
                        $site,
                        $crate::__smoke_shown!(actual),
                        $relation,
                        $crate::__smoke_shown!(bound),
                        $crate::__smoke_message!($($msg)*),
                    ))
                }
            }
        }
    };
}

/// Asserts that `actual < bound` (unittest's `assertLess`).
///
/// On failure the enclosing function returns `Err` with a failure that shows the
/// expression's source, the values and `file:line`; an optional trailing message with
/// format arguments is added to it. The soft variant is
/// [`expect_less!`](crate::expect_less).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// fn check() -> SmokeResult {
///     let latency_ms = 12;
///     assert_less!(latency_ms, 250);
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_less {
    ($a:expr, $b:expr $(,)?) => {
        $crate::__smoke_hard!($crate::__smoke_order!($crate::__smoke_site!(assert_less, $a, $b); $a, <, "less than", $b; ))
    };
    ($a:expr, $b:expr, $($msg:tt)+) => {
        $crate::__smoke_hard!($crate::__smoke_order!($crate::__smoke_site!(assert_less, $a, $b); $a, <, "less than", $b; $($msg)+))
    };
}

/// The soft variant of [`assert_less!`](crate::assert_less): on failure it records the failure with the
/// running test, which goes on and fails at its end with every recorded failure.
/// Evaluates to `true` when the check held, `false` when it did not.
///
/// Outside a smoke test there is no test to record with, so a failure panics with its
/// message.
#[macro_export]
macro_rules! expect_less {
    ($a:expr, $b:expr $(,)?) => {
        $crate::assert::__private::soft_held($crate::__smoke_order!($crate::__smoke_site!(expect_less, $a, $b); $a, <, "less than", $b; ))
    };
    ($a:expr, $b:expr, $($msg:tt)+) => {
        $crate::assert::__private::soft_held($crate::__smoke_order!($crate::__smoke_site!(expect_less, $a, $b); $a, <, "less than", $b; $($msg)+))
    };
}

/// Asserts that `actual <= bound` (unittest's `assertLessEqual`).
///
/// On failure the enclosing function returns `Err` with a failure that shows the
/// expression's source, the values and `file:line`; an optional trailing message with
/// format arguments is added to it. The soft variant is
/// [`expect_less_equal!`](crate::expect_less_equal).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// fn check() -> SmokeResult {
///     let used = 0.61;
///     assert_less_equal!(used, 0.9, "disk almost full");
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_less_equal {
    ($a:expr, $b:expr $(,)?) => {
        $crate::__smoke_hard!($crate::__smoke_order!($crate::__smoke_site!(assert_less_equal, $a, $b); $a, <=, "less than or equal to", $b; ))
    };
    ($a:expr, $b:expr, $($msg:tt)+) => {
        $crate::__smoke_hard!($crate::__smoke_order!($crate::__smoke_site!(assert_less_equal, $a, $b); $a, <=, "less than or equal to", $b; $($msg)+))
    };
}

/// The soft variant of [`assert_less_equal!`](crate::assert_less_equal): on failure it records the failure with the
/// running test, which goes on and fails at its end with every recorded failure.
/// Evaluates to `true` when the check held, `false` when it did not.
///
/// Outside a smoke test there is no test to record with, so a failure panics with its
/// message.
#[macro_export]
macro_rules! expect_less_equal {
    ($a:expr, $b:expr $(,)?) => {
        $crate::assert::__private::soft_held($crate::__smoke_order!($crate::__smoke_site!(expect_less_equal, $a, $b); $a, <=, "less than or equal to", $b; ))
    };
    ($a:expr, $b:expr, $($msg:tt)+) => {
        $crate::assert::__private::soft_held($crate::__smoke_order!($crate::__smoke_site!(expect_less_equal, $a, $b); $a, <=, "less than or equal to", $b; $($msg)+))
    };
}

/// Asserts that `actual > bound` (unittest's `assertGreater`).
///
/// On failure the enclosing function returns `Err` with a failure that shows the
/// expression's source, the values and `file:line`; an optional trailing message with
/// format arguments is added to it. The soft variant is
/// [`expect_greater!`](crate::expect_greater).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// fn check() -> SmokeResult {
///     let users = 3;
///     assert_greater!(users, 0, "no users in {}", "users");
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_greater {
    ($a:expr, $b:expr $(,)?) => {
        $crate::__smoke_hard!($crate::__smoke_order!($crate::__smoke_site!(assert_greater, $a, $b); $a, >, "greater than", $b; ))
    };
    ($a:expr, $b:expr, $($msg:tt)+) => {
        $crate::__smoke_hard!($crate::__smoke_order!($crate::__smoke_site!(assert_greater, $a, $b); $a, >, "greater than", $b; $($msg)+))
    };
}

/// The soft variant of [`assert_greater!`](crate::assert_greater): on failure it records the failure with the
/// running test, which goes on and fails at its end with every recorded failure.
/// Evaluates to `true` when the check held, `false` when it did not.
///
/// Outside a smoke test there is no test to record with, so a failure panics with its
/// message.
#[macro_export]
macro_rules! expect_greater {
    ($a:expr, $b:expr $(,)?) => {
        $crate::assert::__private::soft_held($crate::__smoke_order!($crate::__smoke_site!(expect_greater, $a, $b); $a, >, "greater than", $b; ))
    };
    ($a:expr, $b:expr, $($msg:tt)+) => {
        $crate::assert::__private::soft_held($crate::__smoke_order!($crate::__smoke_site!(expect_greater, $a, $b); $a, >, "greater than", $b; $($msg)+))
    };
}

/// Asserts that `actual >= bound` (unittest's `assertGreaterEqual`).
///
/// On failure the enclosing function returns `Err` with a failure that shows the
/// expression's source, the values and `file:line`; an optional trailing message with
/// format arguments is added to it. The soft variant is
/// [`expect_greater_equal!`](crate::expect_greater_equal).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// fn check() -> SmokeResult {
///     let free_bytes: u64 = 5 << 30;
///     assert_greater_equal!(free_bytes, 1 << 30);
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_greater_equal {
    ($a:expr, $b:expr $(,)?) => {
        $crate::__smoke_hard!($crate::__smoke_order!($crate::__smoke_site!(assert_greater_equal, $a, $b); $a, >=, "greater than or equal to", $b; ))
    };
    ($a:expr, $b:expr, $($msg:tt)+) => {
        $crate::__smoke_hard!($crate::__smoke_order!($crate::__smoke_site!(assert_greater_equal, $a, $b); $a, >=, "greater than or equal to", $b; $($msg)+))
    };
}

/// The soft variant of [`assert_greater_equal!`](crate::assert_greater_equal): on failure it records the failure with the
/// running test, which goes on and fails at its end with every recorded failure.
/// Evaluates to `true` when the check held, `false` when it did not.
///
/// Outside a smoke test there is no test to record with, so a failure panics with its
/// message.
#[macro_export]
macro_rules! expect_greater_equal {
    ($a:expr, $b:expr $(,)?) => {
        $crate::assert::__private::soft_held($crate::__smoke_order!($crate::__smoke_site!(expect_greater_equal, $a, $b); $a, >=, "greater than or equal to", $b; ))
    };
    ($a:expr, $b:expr, $($msg:tt)+) => {
        $crate::assert::__private::soft_held($crate::__smoke_order!($crate::__smoke_site!(expect_greater_equal, $a, $b); $a, >=, "greater than or equal to", $b; $($msg)+))
    };
}

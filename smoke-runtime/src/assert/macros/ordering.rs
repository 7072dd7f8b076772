//! Ordering: `assert_less!`, `assert_less_equal!`, `assert_greater!`, `assert_greater_equal!`.

#[doc(hidden)]
#[macro_export]
macro_rules! __smoke_order {
    ($actual:expr, $op:tt, $relation:literal, $bound:expr) => {
        match (&$actual, &$bound) {
            (actual, bound) => {
                if *actual $op *bound {
                    ::core::result::Result::Ok(())
                } else {
                    ::core::result::Result::Err($crate::assert::__private::order_failure(
                        $crate::assert::__private::probe(actual).shown(),
                        $relation,
                        $crate::assert::__private::probe(bound).shown(),
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
///     assert_less!(latency_ms, 1000, "{} is slow", "/health");
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_less {
    ($a:expr, $b:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(hard assert_less ($a, $b) $crate::__smoke_order!($a, <, "less than", $b); $($($msg)*)?)
    };
}

/// The soft variant of [`assert_less!`](crate::assert_less): records its failure and
/// goes on (see [soft assertions](crate::assert#soft-assertions-expect_)).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// let latency_ms = 12;
/// expect_less!(latency_ms, 250);
/// expect_less!(latency_ms, 1000, "{} is slow", "/health");
/// ```
#[macro_export]
macro_rules! expect_less {
    ($a:expr, $b:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(held expect_less ($a, $b) $crate::__smoke_order!($a, <, "less than", $b); $($($msg)*)?)
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
///     assert_less_equal!(used, 1.0);
///     assert_less_equal!(used, 0.9, "disk almost full");
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_less_equal {
    ($a:expr, $b:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(hard assert_less_equal ($a, $b) $crate::__smoke_order!($a, <=, "less than or equal to", $b); $($($msg)*)?)
    };
}

/// The soft variant of [`assert_less_equal!`](crate::assert_less_equal): records its failure and
/// goes on (see [soft assertions](crate::assert#soft-assertions-expect_)).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// let used = 0.61;
/// expect_less_equal!(used, 1.0);
/// expect_less_equal!(used, 0.9, "disk {} almost full", "/var");
/// ```
#[macro_export]
macro_rules! expect_less_equal {
    ($a:expr, $b:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(held expect_less_equal ($a, $b) $crate::__smoke_order!($a, <=, "less than or equal to", $b); $($($msg)*)?)
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
///     assert_greater!(users, 0);
///     assert_greater!(users, 0, "no users in {}", "users");
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_greater {
    ($a:expr, $b:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(hard assert_greater ($a, $b) $crate::__smoke_order!($a, >, "greater than", $b); $($($msg)*)?)
    };
}

/// The soft variant of [`assert_greater!`](crate::assert_greater): records its failure and
/// goes on (see [soft assertions](crate::assert#soft-assertions-expect_)).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// let users = 3;
/// expect_greater!(users, 0);
/// expect_greater!(users, 0, "no users in {}", "users");
/// ```
#[macro_export]
macro_rules! expect_greater {
    ($a:expr, $b:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(held expect_greater ($a, $b) $crate::__smoke_order!($a, >, "greater than", $b); $($($msg)*)?)
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
///     assert_greater_equal!(free_bytes, 1 << 20, "{} is full", "/var");
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_greater_equal {
    ($a:expr, $b:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(hard assert_greater_equal ($a, $b) $crate::__smoke_order!($a, >=, "greater than or equal to", $b); $($($msg)*)?)
    };
}

/// The soft variant of [`assert_greater_equal!`](crate::assert_greater_equal): records its failure and
/// goes on (see [soft assertions](crate::assert#soft-assertions-expect_)).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// let free_bytes: u64 = 5 << 30;
/// expect_greater_equal!(free_bytes, 1 << 30);
/// expect_greater_equal!(free_bytes, 1 << 20, "{} is full", "/var");
/// ```
#[macro_export]
macro_rules! expect_greater_equal {
    ($a:expr, $b:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(held expect_greater_equal ($a, $b) $crate::__smoke_order!($a, >=, "greater than or equal to", $b); $($($msg)*)?)
    };
}

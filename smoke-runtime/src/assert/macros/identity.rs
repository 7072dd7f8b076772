//! Identity: `assert_is!`, `assert_is_not!`.

/// Asserts that two references (or raw pointers) point at the same object: pointer
/// identity with `std::ptr::eq` (unittest's `assertIs`).
///
/// On failure the enclosing function returns `Err` with a failure that shows the
/// expression's source, the values and `file:line`; an optional trailing message with
/// format arguments is added to it. The soft variant is
/// [`expect_is!`](crate::expect_is).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// fn check() -> SmokeResult {
///     let config = vec![1, 2];
///     let a = &config;
///     let b = &config;
///     assert_is!(a, b);
///     assert_is!(a, b, "config of {}", "api");
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_is {
    ($a:expr, $b:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(hard assert_is ($a, $b) $crate::assert::__private::identity($a, $b, true); $($($msg)*)?)
    };
}

/// The soft variant of [`assert_is!`](crate::assert_is): records its failure and goes on
/// (see [soft assertions](crate::assert#soft-assertions-expect_)).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// let config = vec![1, 2];
/// let (a, b) = (&config, &config);
/// expect_is!(a, b);
/// expect_is!(a, b, "config of {}", "api");
/// ```
#[macro_export]
macro_rules! expect_is {
    ($a:expr, $b:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(held expect_is ($a, $b) $crate::assert::__private::identity($a, $b, true); $($($msg)*)?)
    };
}

/// Asserts that two references (or raw pointers) point at different objects
/// (unittest's `assertIsNot`).
///
/// On failure the enclosing function returns `Err` with a failure that shows the
/// expression's source, the values and `file:line`; an optional trailing message with
/// format arguments is added to it. The soft variant is
/// [`expect_is_not!`](crate::expect_is_not).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// fn check() -> SmokeResult {
///     let a = vec![1];
///     let b = a.clone();
///     assert_is_not!(&a, &b);
///     assert_is_not!(&a, &b, "{} should be a copy", "b");
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_is_not {
    ($a:expr, $b:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(hard assert_is_not ($a, $b) $crate::assert::__private::identity($a, $b, false); $($($msg)*)?)
    };
}

/// The soft variant of [`assert_is_not!`](crate::assert_is_not): records its failure and
/// goes on (see [soft assertions](crate::assert#soft-assertions-expect_)).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// let a = vec![1];
/// let b = a.clone();
/// expect_is_not!(&a, &b);
/// expect_is_not!(&a, &b, "{} should be a copy", "b");
/// ```
#[macro_export]
macro_rules! expect_is_not {
    ($a:expr, $b:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(held expect_is_not ($a, $b) $crate::assert::__private::identity($a, $b, false); $($($msg)*)?)
    };
}

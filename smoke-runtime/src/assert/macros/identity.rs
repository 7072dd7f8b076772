//! Identity: `assert_is!`, `assert_is_not!`.

#[doc(hidden)]
#[macro_export]
macro_rules! __smoke_identity {
    ($site:expr; $actual:expr, $expected:expr, $same:expr; $($msg:tt)*) => {
        match ($actual, $expected) {
            (actual, expected) => {
                if ::core::ptr::eq(actual, expected) == $same {
                    ::core::result::Result::Ok(())
                } else {
                    ::core::result::Result::Err($crate::assert::__private::identity_failure(
                        $site,
                        $crate::assert::__private::address(actual),
                        $crate::assert::__private::address(expected),
                        $same,
                        $crate::__smoke_message!($($msg)*),
                    ))
                }
            }
        }
    };
}

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
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_is {
    ($a:expr, $b:expr $(,)?) => {
        $crate::__smoke_hard!($crate::__smoke_identity!($crate::__smoke_site!(assert_is, $a, $b); $a, $b, true; ))
    };
    ($a:expr, $b:expr, $($msg:tt)+) => {
        $crate::__smoke_hard!($crate::__smoke_identity!($crate::__smoke_site!(assert_is, $a, $b); $a, $b, true; $($msg)+))
    };
}

/// The soft variant of [`assert_is!`](crate::assert_is): on failure it records the failure with the
/// running test, which goes on and fails at its end with every recorded failure.
/// Evaluates to `true` when the check held, `false` when it did not.
///
/// Outside a smoke test there is no test to record with, so a failure panics with its
/// message.
#[macro_export]
macro_rules! expect_is {
    ($a:expr, $b:expr $(,)?) => {
        $crate::assert::__private::soft_held($crate::__smoke_identity!($crate::__smoke_site!(expect_is, $a, $b); $a, $b, true; ))
    };
    ($a:expr, $b:expr, $($msg:tt)+) => {
        $crate::assert::__private::soft_held($crate::__smoke_identity!($crate::__smoke_site!(expect_is, $a, $b); $a, $b, true; $($msg)+))
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
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_is_not {
    ($a:expr, $b:expr $(,)?) => {
        $crate::__smoke_hard!($crate::__smoke_identity!($crate::__smoke_site!(assert_is_not, $a, $b); $a, $b, false; ))
    };
    ($a:expr, $b:expr, $($msg:tt)+) => {
        $crate::__smoke_hard!($crate::__smoke_identity!($crate::__smoke_site!(assert_is_not, $a, $b); $a, $b, false; $($msg)+))
    };
}

/// The soft variant of [`assert_is_not!`](crate::assert_is_not): on failure it records the failure with the
/// running test, which goes on and fails at its end with every recorded failure.
/// Evaluates to `true` when the check held, `false` when it did not.
///
/// Outside a smoke test there is no test to record with, so a failure panics with its
/// message.
#[macro_export]
macro_rules! expect_is_not {
    ($a:expr, $b:expr $(,)?) => {
        $crate::assert::__private::soft_held($crate::__smoke_identity!($crate::__smoke_site!(expect_is_not, $a, $b); $a, $b, false; ))
    };
    ($a:expr, $b:expr, $($msg:tt)+) => {
        $crate::assert::__private::soft_held($crate::__smoke_identity!($crate::__smoke_site!(expect_is_not, $a, $b); $a, $b, false; $($msg)+))
    };
}

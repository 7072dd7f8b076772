//! Equality: `assert_equal!`, `assert_not_equal!`, `assert_count_equal!`.

#[doc(hidden)]
#[macro_export]
macro_rules! __smoke_equal {
    ($site:expr; $actual:expr, $expected:expr; $($msg:tt)*) => {
        match (&$actual, &$expected) {
            (actual, expected) => {
                if *actual == *expected {
                    ::core::result::Result::Ok(())
                } else {
                    ::core::result::Result::Err($crate::assert::__private::equal_failure(
                        $site,
                        $crate::__smoke_shown!(actual),
                        $crate::__smoke_shown!(expected),
                        ($crate::__smoke_text!(actual), $crate::__smoke_text!(expected)),
                        $crate::__smoke_message!($($msg)*),
                    ))
                }
            }
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __smoke_not_equal {
    ($site:expr; $actual:expr, $expected:expr; $($msg:tt)*) => {
        match (&$actual, &$expected) {
            (actual, expected) => {
                if *actual != *expected {
                    ::core::result::Result::Ok(())
                } else {
                    ::core::result::Result::Err($crate::assert::__private::not_equal_failure(
                        $site,
                        $crate::__smoke_shown!(actual),
                        $crate::__smoke_message!($($msg)*),
                    ))
                }
            }
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __smoke_count_equal {
    ($site:expr; $actual:expr, $expected:expr; $($msg:tt)*) => {
        $crate::assert::__private::check_count_equal(
            $site,
            ::core::iter::IntoIterator::into_iter($actual).collect(),
            ::core::iter::IntoIterator::into_iter($expected).collect(),
            $crate::__smoke_message!($($msg)*),
        )
    };
}

/// Asserts that `actual == expected` (unittest's `assertEqual`).
///
/// The failure shows both values (their `Debug` form), or a line diff when they are long or
/// span several lines; strings are diffed as text.
///
/// On failure the enclosing function returns `Err` with a failure that shows the
/// expression's source, the values and `file:line`; an optional trailing message with
/// format arguments is added to it. The soft variant is
/// [`expect_equal!`](crate::expect_equal).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// fn check() -> SmokeResult {
///     let name = String::from("alice");
///     assert_equal!(name, "alice");
///     assert_equal!(name.len(), 5, "the name of user {}", 42);
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_equal {
    ($a:expr, $b:expr $(,)?) => {
        $crate::__smoke_hard!($crate::__smoke_equal!($crate::__smoke_site!(assert_equal, $a, $b); $a, $b; ))
    };
    ($a:expr, $b:expr, $($msg:tt)+) => {
        $crate::__smoke_hard!($crate::__smoke_equal!($crate::__smoke_site!(assert_equal, $a, $b); $a, $b; $($msg)+))
    };
}

/// The soft variant of [`assert_equal!`](crate::assert_equal): on failure it records the failure with the
/// running test, which goes on and fails at its end with every recorded failure.
/// Evaluates to `true` when the check held, `false` when it did not.
///
/// Outside a smoke test there is no test to record with, so a failure panics with its
/// message.
#[macro_export]
macro_rules! expect_equal {
    ($a:expr, $b:expr $(,)?) => {
        $crate::assert::__private::soft_held($crate::__smoke_equal!($crate::__smoke_site!(expect_equal, $a, $b); $a, $b; ))
    };
    ($a:expr, $b:expr, $($msg:tt)+) => {
        $crate::assert::__private::soft_held($crate::__smoke_equal!($crate::__smoke_site!(expect_equal, $a, $b); $a, $b; $($msg)+))
    };
}

/// Asserts that `actual != expected` (unittest's `assertNotEqual`).
///
/// On failure the enclosing function returns `Err` with a failure that shows the
/// expression's source, the values and `file:line`; an optional trailing message with
/// format arguments is added to it. The soft variant is
/// [`expect_not_equal!`](crate::expect_not_equal).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// fn check() -> SmokeResult {
///     let version = "2.1";
///     assert_not_equal!(version, "0.0");
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_not_equal {
    ($a:expr, $b:expr $(,)?) => {
        $crate::__smoke_hard!($crate::__smoke_not_equal!($crate::__smoke_site!(assert_not_equal, $a, $b); $a, $b; ))
    };
    ($a:expr, $b:expr, $($msg:tt)+) => {
        $crate::__smoke_hard!($crate::__smoke_not_equal!($crate::__smoke_site!(assert_not_equal, $a, $b); $a, $b; $($msg)+))
    };
}

/// The soft variant of [`assert_not_equal!`](crate::assert_not_equal): on failure it records the failure with the
/// running test, which goes on and fails at its end with every recorded failure.
/// Evaluates to `true` when the check held, `false` when it did not.
///
/// Outside a smoke test there is no test to record with, so a failure panics with its
/// message.
#[macro_export]
macro_rules! expect_not_equal {
    ($a:expr, $b:expr $(,)?) => {
        $crate::assert::__private::soft_held($crate::__smoke_not_equal!($crate::__smoke_site!(expect_not_equal, $a, $b); $a, $b; ))
    };
    ($a:expr, $b:expr, $($msg:tt)+) => {
        $crate::assert::__private::soft_held($crate::__smoke_not_equal!($crate::__smoke_site!(expect_not_equal, $a, $b); $a, $b; $($msg)+))
    };
}

/// Asserts that two collections hold the same elements, each as many times, in any order
/// (unittest's `assertCountEqual`). Takes anything `IntoIterator` with the same item type;
/// items need only `PartialEq` and `Debug` (no `Hash`, no `Ord`). The failure lists each
/// element whose counts differ.
///
/// On failure the enclosing function returns `Err` with a failure that shows the
/// expression's source, the values and `file:line`; an optional trailing message with
/// format arguments is added to it. The soft variant is
/// [`expect_count_equal!`](crate::expect_count_equal).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// fn check() -> SmokeResult {
///     let nodes = vec!["b", "a", "c"];
///     assert_count_equal!(&nodes, &vec!["a", "b", "c"]);
///     assert_count_equal!(vec![1.0, 2.0, 1.0], [1.0, 1.0, 2.0]);
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_count_equal {
    ($a:expr, $b:expr $(,)?) => {
        $crate::__smoke_hard!($crate::__smoke_count_equal!($crate::__smoke_site!(assert_count_equal, $a, $b); $a, $b; ))
    };
    ($a:expr, $b:expr, $($msg:tt)+) => {
        $crate::__smoke_hard!($crate::__smoke_count_equal!($crate::__smoke_site!(assert_count_equal, $a, $b); $a, $b; $($msg)+))
    };
}

/// The soft variant of [`assert_count_equal!`](crate::assert_count_equal): on failure it records the failure with the
/// running test, which goes on and fails at its end with every recorded failure.
/// Evaluates to `true` when the check held, `false` when it did not.
///
/// Outside a smoke test there is no test to record with, so a failure panics with its
/// message.
#[macro_export]
macro_rules! expect_count_equal {
    ($a:expr, $b:expr $(,)?) => {
        $crate::assert::__private::soft_held($crate::__smoke_count_equal!($crate::__smoke_site!(expect_count_equal, $a, $b); $a, $b; ))
    };
    ($a:expr, $b:expr, $($msg:tt)+) => {
        $crate::assert::__private::soft_held($crate::__smoke_count_equal!($crate::__smoke_site!(expect_count_equal, $a, $b); $a, $b; $($msg)+))
    };
}

//! Equality: `assert_equal!`, `assert_not_equal!`, `assert_count_equal!`.

#[doc(hidden)]
#[macro_export]
macro_rules! __smoke_equal {
    ($actual:expr, $expected:expr) => {
        match (&$actual, &$expected) {
            (actual, expected) => {
                if *actual == *expected {
                    ::core::result::Result::Ok(())
                } else {
                    let (actual, expected) = (
                        $crate::assert::__private::probe(actual),
                        $crate::assert::__private::probe(expected),
                    );
                    ::core::result::Result::Err($crate::assert::__private::equal_failure(
                        actual.shown(),
                        expected.shown(),
                        (actual.text(), expected.text()),
                    ))
                }
            }
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __smoke_not_equal {
    ($actual:expr, $expected:expr) => {
        match (&$actual, &$expected) {
            (actual, expected) => {
                if *actual != *expected {
                    ::core::result::Result::Ok(())
                } else {
                    ::core::result::Result::Err($crate::assert::__private::not_equal_failure(
                        $crate::assert::__private::probe(actual).shown(),
                    ))
                }
            }
        }
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
    ($a:expr, $b:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(hard assert_equal ($a, $b) $crate::__smoke_equal!($a, $b); $($($msg)*)?)
    };
}

/// The soft variant of [`assert_equal!`](crate::assert_equal): records its failure and
/// goes on (see [soft assertions](crate::assert#soft-assertions-expect_)).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// let name = String::from("alice");
/// expect_equal!(name, "alice");
/// let held = expect_equal!(name.len(), 5, "the name of user {}", 42);
/// assert!(held);
/// ```
#[macro_export]
macro_rules! expect_equal {
    ($a:expr, $b:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(held expect_equal ($a, $b) $crate::__smoke_equal!($a, $b); $($($msg)*)?)
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
///     assert_not_equal!(version, "", "version of {}", "api");
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_not_equal {
    ($a:expr, $b:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(hard assert_not_equal ($a, $b) $crate::__smoke_not_equal!($a, $b); $($($msg)*)?)
    };
}

/// The soft variant of [`assert_not_equal!`](crate::assert_not_equal): records its failure
/// and goes on (see [soft assertions](crate::assert#soft-assertions-expect_)).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// let version = "2.1";
/// expect_not_equal!(version, "0.0");
/// expect_not_equal!(version, "", "version of {}", "api");
/// ```
#[macro_export]
macro_rules! expect_not_equal {
    ($a:expr, $b:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(held expect_not_equal ($a, $b) $crate::__smoke_not_equal!($a, $b); $($($msg)*)?)
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
///     assert_count_equal!(vec![1.0, 2.0, 1.0], [1.0, 1.0, 2.0], "weights of {}", "pool");
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_count_equal {
    ($a:expr, $b:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(hard assert_count_equal ($a, $b) $crate::assert::__private::count_equal($a, $b); $($($msg)*)?)
    };
}

/// The soft variant of [`assert_count_equal!`](crate::assert_count_equal): records its
/// failure and goes on (see [soft assertions](crate::assert#soft-assertions-expect_)).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// let nodes = vec!["b", "a", "c"];
/// expect_count_equal!(&nodes, &vec!["a", "b", "c"]);
/// expect_count_equal!(nodes, ["c", "b", "a"], "nodes of {}", "cluster");
/// ```
#[macro_export]
macro_rules! expect_count_equal {
    ($a:expr, $b:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(held expect_count_equal ($a, $b) $crate::assert::__private::count_equal($a, $b); $($($msg)*)?)
    };
}

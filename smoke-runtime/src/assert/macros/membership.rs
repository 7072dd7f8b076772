//! Membership and patterns: `assert_in!`, `assert_not_in!`, `assert_matches!`.

#[doc(hidden)]
#[macro_export]
macro_rules! __smoke_in {
    ($site:expr; $item:expr, $container:expr, $want:expr; $($msg:tt)*) => {
        match (&$item, &$container) {
            (item, container) => {
                if $crate::assert::Contains::contains_item(container, item) == $want {
                    ::core::result::Result::Ok(())
                } else {
                    ::core::result::Result::Err($crate::assert::__private::in_failure(
                        $site,
                        $crate::__smoke_shown!(item),
                        $crate::__smoke_shown!(container),
                        $want,
                        $crate::__smoke_message!($($msg)*),
                    ))
                }
            }
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __smoke_matches {
    ($site:expr; $value:expr, $pattern:pat $(if $guard:expr)?, $($msg:tt)*) => {
        match $value {
            $pattern $(if $guard)? => ::core::result::Result::Ok(()),
            ref other => ::core::result::Result::Err($crate::assert::__private::matches_failure(
                $site,
                $crate::__smoke_shown!(other),
                ::core::stringify!($pattern $(if $guard)?),
                $crate::__smoke_message!($($msg)*),
            )),
        }
    };
}

/// Asserts that a container holds an item (unittest's `assertIn`): an element of a slice,
/// array, `Vec`, `VecDeque` or set, a key of a map, a value in a range, a substring or `char`
/// of a string; see [`Contains`](crate::assert::Contains). Arguments: item, then container.
///
/// On failure the enclosing function returns `Err` with a failure that shows the
/// expression's source, the values and `file:line`; an optional trailing message with
/// format arguments is added to it. The soft variant is
/// [`expect_in!`](crate::expect_in).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// fn check() -> SmokeResult {
///     let tables = vec!["users".to_string(), "orders".to_string()];
///     assert_in!("users", tables);
///     assert_in!("json", "application/json; charset=utf-8");
///     assert_in!(204, 200..300);
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_in {
    ($a:expr, $b:expr $(,)?) => {
        $crate::__smoke_hard!($crate::__smoke_in!($crate::__smoke_site!(assert_in, $a, $b); $a, $b, true; ))
    };
    ($a:expr, $b:expr, $($msg:tt)+) => {
        $crate::__smoke_hard!($crate::__smoke_in!($crate::__smoke_site!(assert_in, $a, $b); $a, $b, true; $($msg)+))
    };
}

/// The soft variant of [`assert_in!`](crate::assert_in): on failure it records the failure with the
/// running test, which goes on and fails at its end with every recorded failure.
/// Evaluates to `true` when the check held, `false` when it did not.
///
/// Outside a smoke test there is no test to record with, so a failure panics with its
/// message.
#[macro_export]
macro_rules! expect_in {
    ($a:expr, $b:expr $(,)?) => {
        $crate::assert::__private::soft_held($crate::__smoke_in!($crate::__smoke_site!(expect_in, $a, $b); $a, $b, true; ))
    };
    ($a:expr, $b:expr, $($msg:tt)+) => {
        $crate::assert::__private::soft_held($crate::__smoke_in!($crate::__smoke_site!(expect_in, $a, $b); $a, $b, true; $($msg)+))
    };
}

/// Asserts that a container does not hold an item (unittest's `assertNotIn`); see
/// [`assert_in!`](crate::assert_in).
///
/// On failure the enclosing function returns `Err` with a failure that shows the
/// expression's source, the values and `file:line`; an optional trailing message with
/// format arguments is added to it. The soft variant is
/// [`expect_not_in!`](crate::expect_not_in).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// fn check() -> SmokeResult {
///     let body = "all good";
///     assert_not_in!("error", body);
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_not_in {
    ($a:expr, $b:expr $(,)?) => {
        $crate::__smoke_hard!($crate::__smoke_in!($crate::__smoke_site!(assert_not_in, $a, $b); $a, $b, false; ))
    };
    ($a:expr, $b:expr, $($msg:tt)+) => {
        $crate::__smoke_hard!($crate::__smoke_in!($crate::__smoke_site!(assert_not_in, $a, $b); $a, $b, false; $($msg)+))
    };
}

/// The soft variant of [`assert_not_in!`](crate::assert_not_in): on failure it records the failure with the
/// running test, which goes on and fails at its end with every recorded failure.
/// Evaluates to `true` when the check held, `false` when it did not.
///
/// Outside a smoke test there is no test to record with, so a failure panics with its
/// message.
#[macro_export]
macro_rules! expect_not_in {
    ($a:expr, $b:expr $(,)?) => {
        $crate::assert::__private::soft_held($crate::__smoke_in!($crate::__smoke_site!(expect_not_in, $a, $b); $a, $b, false; ))
    };
    ($a:expr, $b:expr, $($msg:tt)+) => {
        $crate::assert::__private::soft_held($crate::__smoke_in!($crate::__smoke_site!(expect_not_in, $a, $b); $a, $b, false; $($msg)+))
    };
}

/// Asserts that a value matches a pattern, with an optional `if` guard. The value is
/// matched in place: bindings by value move out of it, as in a `match`.
///
/// On failure the enclosing function returns `Err` with a failure that shows the
/// expression's source, the values and `file:line`; an optional trailing message with
/// format arguments is added to it. The soft variant is
/// [`expect_matches!`](crate::expect_matches).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// fn check() -> SmokeResult {
///     let status: Result<u16, String> = Ok(204);
///     assert_matches!(status, Ok(200..=299));
///     assert_matches!(status, Ok(code) if code != 200, "expected a 2xx other than 200");
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_matches {
    ($value:expr, $pattern:pat $(if $guard:expr)? $(,)?) => {
        $crate::__smoke_hard!($crate::__smoke_matches!($crate::__smoke_site!(assert_matches, $value, $pattern $(if $guard)?); $value, $pattern $(if $guard)?, ))
    };
    ($value:expr, $pattern:pat $(if $guard:expr)?, $($msg:tt)+) => {
        $crate::__smoke_hard!($crate::__smoke_matches!($crate::__smoke_site!(assert_matches, $value, $pattern $(if $guard)?); $value, $pattern $(if $guard)?, $($msg)+))
    };
}

/// The soft variant of [`assert_matches!`](crate::assert_matches): on failure it records the failure with the
/// running test, which goes on and fails at its end with every recorded failure.
/// Evaluates to `true` when the check held, `false` when it did not.
///
/// Outside a smoke test there is no test to record with, so a failure panics with its
/// message.
#[macro_export]
macro_rules! expect_matches {
    ($value:expr, $pattern:pat $(if $guard:expr)? $(,)?) => {
        $crate::assert::__private::soft_held($crate::__smoke_matches!($crate::__smoke_site!(expect_matches, $value, $pattern $(if $guard)?); $value, $pattern $(if $guard)?, ))
    };
    ($value:expr, $pattern:pat $(if $guard:expr)?, $($msg:tt)+) => {
        $crate::assert::__private::soft_held($crate::__smoke_matches!($crate::__smoke_site!(expect_matches, $value, $pattern $(if $guard)?); $value, $pattern $(if $guard)?, $($msg)+))
    };
}

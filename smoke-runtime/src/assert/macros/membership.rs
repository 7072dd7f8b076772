//! Membership and patterns: `assert_in!`, `assert_not_in!`, `assert_matches!`.

#[doc(hidden)]
#[macro_export]
macro_rules! __smoke_in {
    ($item:expr, $container:expr, $want:literal) => {
        match (&$item, &$container) {
            (item, container) => {
                if $crate::assert::Contains::contains_item(container, item) == $want {
                    ::core::result::Result::Ok(())
                } else {
                    ::core::result::Result::Err($crate::assert::__private::in_failure(
                        $crate::assert::__private::probe(item).shown(),
                        $crate::assert::__private::probe(container).shown(),
                        $want,
                    ))
                }
            }
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __smoke_matches {
    ($value:expr, $pattern:pat $(if $guard:expr)?) => {
        match $value {
            $pattern $(if $guard)? => ::core::result::Result::Ok(()),
            ref other => ::core::result::Result::Err($crate::assert::__private::matches_failure(
                $crate::assert::__private::probe(other).shown(),
                ::core::stringify!($pattern $(if $guard)?),
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
///     assert_in!(204, 200..300, "status of {}", "/health");
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_in {
    ($a:expr, $b:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(hard assert_in ($a, $b) $crate::__smoke_in!($a, $b, true); $($($msg)*)?)
    };
}

/// The soft variant of [`assert_in!`](crate::assert_in): records its failure and goes on
/// (see [soft assertions](crate::assert#soft-assertions-expect_)).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// let tables = vec!["users".to_string(), "orders".to_string()];
/// expect_in!("users", tables);
/// expect_in!(204, 200..300, "status of {}", "/health");
/// ```
#[macro_export]
macro_rules! expect_in {
    ($a:expr, $b:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(held expect_in ($a, $b) $crate::__smoke_in!($a, $b, true); $($($msg)*)?)
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
///     assert_not_in!("panic", body, "body of {}", "/health");
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_not_in {
    ($a:expr, $b:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(hard assert_not_in ($a, $b) $crate::__smoke_in!($a, $b, false); $($($msg)*)?)
    };
}

/// The soft variant of [`assert_not_in!`](crate::assert_not_in): records its failure and
/// goes on (see [soft assertions](crate::assert#soft-assertions-expect_)).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// let body = "all good";
/// expect_not_in!("error", body);
/// expect_not_in!("panic", body, "body of {}", "/health");
/// ```
#[macro_export]
macro_rules! expect_not_in {
    ($a:expr, $b:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(held expect_not_in ($a, $b) $crate::__smoke_in!($a, $b, false); $($($msg)*)?)
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
    ($value:expr, $pattern:pat $(if $guard:expr)? $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(hard assert_matches ($value, $pattern $(if $guard)?) $crate::__smoke_matches!($value, $pattern $(if $guard)?); $($($msg)*)?)
    };
}

/// The soft variant of [`assert_matches!`](crate::assert_matches): records its failure and
/// goes on (see [soft assertions](crate::assert#soft-assertions-expect_)).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// let status: Result<u16, String> = Ok(204);
/// expect_matches!(status, Ok(200..=299));
/// expect_matches!(status, Ok(code) if code != 200, "expected a 2xx other than {}", 200);
/// ```
#[macro_export]
macro_rules! expect_matches {
    ($value:expr, $pattern:pat $(if $guard:expr)? $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(held expect_matches ($value, $pattern $(if $guard)?) $crate::__smoke_matches!($value, $pattern $(if $guard)?); $($($msg)*)?)
    };
}

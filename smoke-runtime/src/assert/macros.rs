//! The assertion macros. Each `assert_*` returns early from the enclosing function (or
//! closure, or async block) with `Err(SmokeError)` of kind failure when its check does
//! not hold; each `expect_*` records the failure with the running test and goes on.
//!
//! Internal macros (`__smoke_*`) compute a `Result<T, SmokeError>`; the public ones wrap
//! it with [`__smoke_hard!`] (return early) or [`__smoke_soft!`] (record and go on).

/// The [`Site`](crate::assert::__private::Site) of an assertion: its name, the source text
/// of its arguments, `file!()` and `line!()`.
#[doc(hidden)]
#[macro_export]
macro_rules! __smoke_site {
    ($name:ident, $($args:tt)*) => {
        &$crate::assert::__private::Site {
            name: ::core::stringify!($name),
            args: ::core::stringify!($($args)*),
            file: ::core::file!(),
            line: ::core::line!(),
        }
    };
}

/// The user's message: `None`, or `Some(format_args!(...))`, formatted only on failure.
#[doc(hidden)]
#[macro_export]
macro_rules! __smoke_message {
    () => {
        ::core::option::Option::None
    };
    ($($arg:tt)+) => {
        ::core::option::Option::Some(::core::format_args!($($arg)+))
    };
}

/// Return early with the failure.
#[doc(hidden)]
#[macro_export]
macro_rules! __smoke_hard {
    ($check:expr) => {
        match $check {
            ::core::result::Result::Ok(value) => value,
            ::core::result::Result::Err(failure) => {
                return ::core::result::Result::Err(failure);
            }
        }
    };
}

/// Record the failure with the running test and go on: `Some(value)` or `None`.
#[doc(hidden)]
#[macro_export]
macro_rules! __smoke_soft {
    ($check:expr) => {
        $crate::assert::__private::soft($check)
    };
}

/// How a value is shown in a message (`Debug`, or its type's name).
#[doc(hidden)]
#[macro_export]
macro_rules! __smoke_shown {
    ($value:expr) => {{
        #[allow(unused_imports)]
        use $crate::assert::__private::{ViaDebug as _, ViaOpaque as _};
        (&$crate::assert::__private::Probe($value)).shown()
    }};
}

/// A value's raw text, when it is a string.
#[doc(hidden)]
#[macro_export]
macro_rules! __smoke_text {
    ($value:expr) => {{
        #[allow(unused_imports)]
        use $crate::assert::__private::{ViaNoText as _, ViaText as _};
        (&$crate::assert::__private::Probe($value)).text()
    }};
}

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

#[doc(hidden)]
#[macro_export]
macro_rules! __smoke_is_none {
    ($site:expr; $option:expr; $($msg:tt)*) => {
        match &$option {
            ::core::option::Option::None => ::core::result::Result::Ok(()),
            ::core::option::Option::Some(value) => {
                ::core::result::Result::Err($crate::assert::__private::variant_failure(
                    $site,
                    "Some",
                    ::core::option::Option::Some($crate::__smoke_shown!(value)),
                    "None",
                    $crate::__smoke_message!($($msg)*),
                ))
            }
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __smoke_is_some {
    ($site:expr; $option:expr; $($msg:tt)*) => {
        match $option {
            ::core::option::Option::Some(value) => ::core::result::Result::Ok(value),
            ::core::option::Option::None => {
                ::core::result::Result::Err($crate::assert::__private::variant_failure(
                    $site,
                    "None",
                    ::core::option::Option::None,
                    "Some(_)",
                    $crate::__smoke_message!($($msg)*),
                ))
            }
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __smoke_ok {
    ($site:expr; $result:expr; $($msg:tt)*) => {
        match $result {
            ::core::result::Result::Ok(value) => ::core::result::Result::Ok(value),
            ::core::result::Result::Err(error) => {
                ::core::result::Result::Err($crate::assert::__private::variant_failure(
                    $site,
                    "Err",
                    ::core::option::Option::Some($crate::__smoke_shown!(&error)),
                    "Ok(_)",
                    $crate::__smoke_message!($($msg)*),
                ))
            }
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __smoke_err {
    ($site:expr; $result:expr; $($msg:tt)*) => {
        match $result {
            ::core::result::Result::Err(error) => ::core::result::Result::Ok(error),
            ::core::result::Result::Ok(value) => {
                ::core::result::Result::Err($crate::assert::__private::variant_failure(
                    $site,
                    "Ok",
                    ::core::option::Option::Some($crate::__smoke_shown!(&value)),
                    "Err(_)",
                    $crate::__smoke_message!($($msg)*),
                ))
            }
        }
    };
}

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

#[doc(hidden)]
#[macro_export]
macro_rules! __smoke_panics {
    ($site:expr; $body:expr, $expected:expr; $($msg:tt)*) => {
        $crate::assert::__private::check_panics(
            $site,
            $body,
            $expected,
            $crate::__smoke_message!($($msg)*),
        )
    };
}

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

#[doc(hidden)]
#[macro_export]
macro_rules! __smoke_regex {
    ($site:expr; $text:expr, $regex:expr, $want:expr; $($msg:tt)*) => {
        match (&$text, &$regex) {
            (text, regex) => $crate::assert::__private::check_regex(
                $site,
                ::core::convert::AsRef::<str>::as_ref(text),
                regex,
                $want,
                $crate::__smoke_message!($($msg)*),
            ),
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

/// Asserts that an `Option` is `None` (unittest's `assertIsNone`). The option is borrowed.
///
/// On failure the enclosing function returns `Err` with a failure that shows the
/// expression's source, the values and `file:line`; an optional trailing message with
/// format arguments is added to it. The soft variant is
/// [`expect_is_none!`](crate::expect_is_none).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// fn check() -> SmokeResult {
///     let override_: Option<&str> = None;
///     assert_is_none!(override_);
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_is_none {
    ($a:expr $(,)?) => {
        $crate::__smoke_hard!($crate::__smoke_is_none!($crate::__smoke_site!(assert_is_none, $a); $a; ))
    };
    ($a:expr, $($msg:tt)+) => {
        $crate::__smoke_hard!($crate::__smoke_is_none!($crate::__smoke_site!(assert_is_none, $a); $a; $($msg)+))
    };
}

/// The soft variant of [`assert_is_none!`](crate::assert_is_none): on failure it records the failure with the
/// running test, which goes on and fails at its end with every recorded failure.
/// Evaluates to `true` when the check held, `false` when it did not.
///
/// Outside a smoke test there is no test to record with, so a failure panics with its
/// message.
#[macro_export]
macro_rules! expect_is_none {
    ($a:expr $(,)?) => {
        $crate::assert::__private::soft_held($crate::__smoke_is_none!($crate::__smoke_site!(expect_is_none, $a); $a; ))
    };
    ($a:expr, $($msg:tt)+) => {
        $crate::assert::__private::soft_held($crate::__smoke_is_none!($crate::__smoke_site!(expect_is_none, $a); $a; $($msg)+))
    };
}

/// Asserts that an `Option` is `Some` and evaluates to the value inside (unittest's
/// `assertIsNotNone`). Pass `&option` or `option.as_ref()` to keep the option.
///
/// On failure the enclosing function returns `Err` with a failure that shows the
/// expression's source, the values and `file:line`; an optional trailing message with
/// format arguments is added to it. The soft variant is
/// [`expect_is_some!`](crate::expect_is_some).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// fn check() -> SmokeResult {
///     let home = Some("/home/smoke");
///     let path = assert_is_some!(home);
///     assert_equal!(path, "/home/smoke");
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_is_some {
    ($a:expr $(,)?) => {
        $crate::__smoke_hard!($crate::__smoke_is_some!($crate::__smoke_site!(assert_is_some, $a); $a; ))
    };
    ($a:expr, $($msg:tt)+) => {
        $crate::__smoke_hard!($crate::__smoke_is_some!($crate::__smoke_site!(assert_is_some, $a); $a; $($msg)+))
    };
}

/// The soft variant of [`assert_is_some!`](crate::assert_is_some): on failure it records the failure with the
/// running test, which goes on and fails at its end with every recorded failure.
/// Evaluates to `Some(value)` when the check held, `None` when it did not.
///
/// Outside a smoke test there is no test to record with, so a failure panics with its
/// message.
#[macro_export]
macro_rules! expect_is_some {
    ($a:expr $(,)?) => {
        $crate::__smoke_soft!($crate::__smoke_is_some!($crate::__smoke_site!(expect_is_some, $a); $a; ))
    };
    ($a:expr, $($msg:tt)+) => {
        $crate::__smoke_soft!($crate::__smoke_is_some!($crate::__smoke_site!(expect_is_some, $a); $a; $($msg)+))
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

/// Asserts that a `Result` is `Ok` and evaluates to the value inside; the failure shows the
/// error. Pass `&result` to keep the result.
///
/// On failure the enclosing function returns `Err` with a failure that shows the
/// expression's source, the values and `file:line`; an optional trailing message with
/// format arguments is added to it. The soft variant is
/// [`expect_ok!`](crate::expect_ok).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// fn check() -> SmokeResult {
///     let port: Result<u16, std::num::ParseIntError> = "8080".parse();
///     let port = assert_ok!(port);
///     assert_equal!(port, 8080);
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_ok {
    ($a:expr $(,)?) => {
        $crate::__smoke_hard!($crate::__smoke_ok!($crate::__smoke_site!(assert_ok, $a); $a; ))
    };
    ($a:expr, $($msg:tt)+) => {
        $crate::__smoke_hard!($crate::__smoke_ok!($crate::__smoke_site!(assert_ok, $a); $a; $($msg)+))
    };
}

/// The soft variant of [`assert_ok!`](crate::assert_ok): on failure it records the failure with the
/// running test, which goes on and fails at its end with every recorded failure.
/// Evaluates to `Some(value)` when the check held, `None` when it did not.
///
/// Outside a smoke test there is no test to record with, so a failure panics with its
/// message.
#[macro_export]
macro_rules! expect_ok {
    ($a:expr $(,)?) => {
        $crate::__smoke_soft!($crate::__smoke_ok!($crate::__smoke_site!(expect_ok, $a); $a; ))
    };
    ($a:expr, $($msg:tt)+) => {
        $crate::__smoke_soft!($crate::__smoke_ok!($crate::__smoke_site!(expect_ok, $a); $a; $($msg)+))
    };
}

/// Asserts that a `Result` is `Err` and evaluates to the error inside.
///
/// On failure the enclosing function returns `Err` with a failure that shows the
/// expression's source, the values and `file:line`; an optional trailing message with
/// format arguments is added to it. The soft variant is
/// [`expect_err!`](crate::expect_err).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// fn check() -> SmokeResult {
///     let parsed: Result<u16, _> = "eighty".parse::<u16>();
///     let error = assert_err!(parsed);
///     assert_in!("invalid digit", error.to_string());
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_err {
    ($a:expr $(,)?) => {
        $crate::__smoke_hard!($crate::__smoke_err!($crate::__smoke_site!(assert_err, $a); $a; ))
    };
    ($a:expr, $($msg:tt)+) => {
        $crate::__smoke_hard!($crate::__smoke_err!($crate::__smoke_site!(assert_err, $a); $a; $($msg)+))
    };
}

/// The soft variant of [`assert_err!`](crate::assert_err): on failure it records the failure with the
/// running test, which goes on and fails at its end with every recorded failure.
/// Evaluates to `Some(value)` when the check held, `None` when it did not.
///
/// Outside a smoke test there is no test to record with, so a failure panics with its
/// message.
#[macro_export]
macro_rules! expect_err {
    ($a:expr $(,)?) => {
        $crate::__smoke_soft!($crate::__smoke_err!($crate::__smoke_site!(expect_err, $a); $a; ))
    };
    ($a:expr, $($msg:tt)+) => {
        $crate::__smoke_soft!($crate::__smoke_err!($crate::__smoke_site!(expect_err, $a); $a; $($msg)+))
    };
}

/// Asserts that a closure panics (unittest's `assertRaises`), optionally with a message that
/// contains `expected = "..."`; evaluates to the panic's message.
///
/// It catches the panic with `catch_unwind`, so it needs `panic = "unwind"` (the default).
///
/// On failure the enclosing function returns `Err` with a failure that shows the
/// expression's source, the values and `file:line`; an optional trailing message with
/// format arguments is added to it. The soft variant is
/// [`expect_panics!`](crate::expect_panics).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// fn check() -> SmokeResult {
///     let v: Vec<u8> = Vec::new();
///     assert_panics!(|| v[3]);
///     let message = assert_panics!(|| -> u8 { panic!("no route to {}", "db") }, expected = "no route");
///     assert_equal!(message, "no route to db");
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_panics {
    ($body:expr, expected = $expected:expr $(,)?) => {
        $crate::__smoke_hard!($crate::__smoke_panics!($crate::__smoke_site!(assert_panics, $body, expected = $expected); $body, ::core::option::Option::Some(::core::convert::AsRef::<str>::as_ref(&$expected)); ))
    };
    ($body:expr, expected = $expected:expr, $($msg:tt)+) => {
        $crate::__smoke_hard!($crate::__smoke_panics!($crate::__smoke_site!(assert_panics, $body, expected = $expected); $body, ::core::option::Option::Some(::core::convert::AsRef::<str>::as_ref(&$expected)); $($msg)+))
    };
    ($body:expr $(,)?) => {
        $crate::__smoke_hard!($crate::__smoke_panics!($crate::__smoke_site!(assert_panics, $body); $body, ::core::option::Option::None; ))
    };
    ($body:expr, $($msg:tt)+) => {
        $crate::__smoke_hard!($crate::__smoke_panics!($crate::__smoke_site!(assert_panics, $body); $body, ::core::option::Option::None; $($msg)+))
    };
}

/// The soft variant of [`assert_panics!`](crate::assert_panics): on failure it records the failure with the
/// running test, which goes on and fails at its end with every recorded failure.
/// Evaluates to `Some(value)` when the check held, `None` when it did not.
///
/// Outside a smoke test there is no test to record with, so a failure panics with its
/// message.
#[macro_export]
macro_rules! expect_panics {
    ($body:expr, expected = $expected:expr $(,)?) => {
        $crate::__smoke_soft!($crate::__smoke_panics!($crate::__smoke_site!(expect_panics, $body, expected = $expected); $body, ::core::option::Option::Some(::core::convert::AsRef::<str>::as_ref(&$expected)); ))
    };
    ($body:expr, expected = $expected:expr, $($msg:tt)+) => {
        $crate::__smoke_soft!($crate::__smoke_panics!($crate::__smoke_site!(expect_panics, $body, expected = $expected); $body, ::core::option::Option::Some(::core::convert::AsRef::<str>::as_ref(&$expected)); $($msg)+))
    };
    ($body:expr $(,)?) => {
        $crate::__smoke_soft!($crate::__smoke_panics!($crate::__smoke_site!(expect_panics, $body); $body, ::core::option::Option::None; ))
    };
    ($body:expr, $($msg:tt)+) => {
        $crate::__smoke_soft!($crate::__smoke_panics!($crate::__smoke_site!(expect_panics, $body); $body, ::core::option::Option::None; $($msg)+))
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

/// Asserts that a text (anything `AsRef<str>`) contains a match of a regular expression
/// (unittest's `assertRegex`, with `Regex::find`). The expression is a `&str`, a `String` or a
/// compiled `regex::Regex`; one that does not compile makes the test error.
///
/// On failure the enclosing function returns `Err` with a failure that shows the
/// expression's source, the values and `file:line`; an optional trailing message with
/// format arguments is added to it. The soft variant is
/// [`expect_regex!`](crate::expect_regex).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// fn check() -> SmokeResult {
///     let version = "ffmpeg version 6.1.1";
///     assert_regex!(version, r"version [6-9]\.\d+");
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_regex {
    ($a:expr, $b:expr $(,)?) => {
        $crate::__smoke_hard!($crate::__smoke_regex!($crate::__smoke_site!(assert_regex, $a, $b); $a, $b, true; ))
    };
    ($a:expr, $b:expr, $($msg:tt)+) => {
        $crate::__smoke_hard!($crate::__smoke_regex!($crate::__smoke_site!(assert_regex, $a, $b); $a, $b, true; $($msg)+))
    };
}

/// The soft variant of [`assert_regex!`](crate::assert_regex): on failure it records the failure with the
/// running test, which goes on and fails at its end with every recorded failure.
/// Evaluates to `true` when the check held, `false` when it did not.
///
/// Outside a smoke test there is no test to record with, so a failure panics with its
/// message.
#[macro_export]
macro_rules! expect_regex {
    ($a:expr, $b:expr $(,)?) => {
        $crate::assert::__private::soft_held($crate::__smoke_regex!($crate::__smoke_site!(expect_regex, $a, $b); $a, $b, true; ))
    };
    ($a:expr, $b:expr, $($msg:tt)+) => {
        $crate::assert::__private::soft_held($crate::__smoke_regex!($crate::__smoke_site!(expect_regex, $a, $b); $a, $b, true; $($msg)+))
    };
}

/// Asserts that a text contains no match of a regular expression (unittest's
/// `assertNotRegex`); the failure shows the match found.
///
/// On failure the enclosing function returns `Err` with a failure that shows the
/// expression's source, the values and `file:line`; an optional trailing message with
/// format arguments is added to it. The soft variant is
/// [`expect_not_regex!`](crate::expect_not_regex).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// fn check() -> SmokeResult {
///     let log = "started in 12ms";
///     assert_not_regex!(log, "(?i)error|panic");
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_not_regex {
    ($a:expr, $b:expr $(,)?) => {
        $crate::__smoke_hard!($crate::__smoke_regex!($crate::__smoke_site!(assert_not_regex, $a, $b); $a, $b, false; ))
    };
    ($a:expr, $b:expr, $($msg:tt)+) => {
        $crate::__smoke_hard!($crate::__smoke_regex!($crate::__smoke_site!(assert_not_regex, $a, $b); $a, $b, false; $($msg)+))
    };
}

/// The soft variant of [`assert_not_regex!`](crate::assert_not_regex): on failure it records the failure with the
/// running test, which goes on and fails at its end with every recorded failure.
/// Evaluates to `true` when the check held, `false` when it did not.
///
/// Outside a smoke test there is no test to record with, so a failure panics with its
/// message.
#[macro_export]
macro_rules! expect_not_regex {
    ($a:expr, $b:expr $(,)?) => {
        $crate::assert::__private::soft_held($crate::__smoke_regex!($crate::__smoke_site!(expect_not_regex, $a, $b); $a, $b, false; ))
    };
    ($a:expr, $b:expr, $($msg:tt)+) => {
        $crate::assert::__private::soft_held($crate::__smoke_regex!($crate::__smoke_site!(expect_not_regex, $a, $b); $a, $b, false; $($msg)+))
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

//! Options and results: `assert_is_none!`, `assert_is_some!`, `assert_ok!`, `assert_err!`.

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

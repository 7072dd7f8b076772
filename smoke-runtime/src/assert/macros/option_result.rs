//! Options and results: `assert_is_none!`, `assert_is_some!`, `assert_ok!`, `assert_err!`.
//!
//! The value is matched at the call site, so a reference to an option or a result works
//! as a `match` would (`&option` gives a reference to the value inside).

#[doc(hidden)]
#[macro_export]
macro_rules! __smoke_is_none {
    ($option:expr) => {
        match &$option {
            ::core::option::Option::None => ::core::result::Result::Ok(()),
            ::core::option::Option::Some(value) => {
                ::core::result::Result::Err($crate::assert::__private::variant_failure(
                    "Some",
                    ::core::option::Option::Some($crate::assert::__private::probe(value).shown()),
                    "None",
                ))
            }
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __smoke_is_some {
    ($option:expr) => {
        match $option {
            ::core::option::Option::Some(value) => ::core::result::Result::Ok(value),
            ::core::option::Option::None => {
                ::core::result::Result::Err($crate::assert::__private::variant_failure(
                    "None",
                    ::core::option::Option::None,
                    "Some(_)",
                ))
            }
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __smoke_ok {
    ($result:expr) => {
        match $result {
            ::core::result::Result::Ok(value) => ::core::result::Result::Ok(value),
            ::core::result::Result::Err(error) => {
                ::core::result::Result::Err($crate::assert::__private::variant_failure(
                    "Err",
                    ::core::option::Option::Some($crate::assert::__private::probe(&error).shown()),
                    "Ok(_)",
                ))
            }
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __smoke_err {
    ($result:expr) => {
        match $result {
            ::core::result::Result::Err(error) => ::core::result::Result::Ok(error),
            ::core::result::Result::Ok(value) => {
                ::core::result::Result::Err($crate::assert::__private::variant_failure(
                    "Ok",
                    ::core::option::Option::Some($crate::assert::__private::probe(&value).shown()),
                    "Err(_)",
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
///     assert_is_none!(override_, "{} must not be overridden", "timeout");
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_is_none {
    ($a:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(hard assert_is_none ($a) $crate::__smoke_is_none!($a); $($($msg)*)?)
    };
}

/// The soft variant of [`assert_is_none!`](crate::assert_is_none): records its failure and
/// goes on (see [soft assertions](crate::assert#soft-assertions-expect_)).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// let override_: Option<&str> = None;
/// expect_is_none!(override_);
/// expect_is_none!(override_, "{} must not be overridden", "timeout");
/// ```
#[macro_export]
macro_rules! expect_is_none {
    ($a:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(held expect_is_none ($a) $crate::__smoke_is_none!($a); $($($msg)*)?)
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
///     let path = assert_is_some!(&home, "no home for {}", "smoke");
///     assert_equal!(*path, "/home/smoke");
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_is_some {
    ($a:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(hard assert_is_some ($a) $crate::__smoke_is_some!($a); $($($msg)*)?)
    };
}

/// The soft variant of [`assert_is_some!`](crate::assert_is_some): records its failure and
/// goes on (see [soft assertions](crate::assert#soft-assertions-expect_)); evaluates to
/// `Some(value)` or `None`.
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// let home = Some("/home/smoke");
/// assert_eq!(expect_is_some!(home), Some("/home/smoke"));
/// if let Some(path) = expect_is_some!(&home, "no home for {}", "smoke") {
///     assert_eq!(*path, "/home/smoke");
/// }
/// ```
#[macro_export]
macro_rules! expect_is_some {
    ($a:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(soft expect_is_some ($a) $crate::__smoke_is_some!($a); $($($msg)*)?)
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
///     let number = assert_ok!(&port);
///     assert_equal!(*number, 8080);
///     let port = assert_ok!(port, "port of {}", "api");
///     assert_equal!(port, 8080);
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_ok {
    ($a:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(hard assert_ok ($a) $crate::__smoke_ok!($a); $($($msg)*)?)
    };
}

/// The soft variant of [`assert_ok!`](crate::assert_ok): records its failure and goes on
/// (see [soft assertions](crate::assert#soft-assertions-expect_)); evaluates to
/// `Some(value)` or `None`.
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// assert_eq!(expect_ok!("8080".parse::<u16>()), Some(8080));
/// let port = expect_ok!("443".parse::<u16>(), "port of {}", "api").unwrap_or(80);
/// assert_eq!(port, 443);
/// ```
#[macro_export]
macro_rules! expect_ok {
    ($a:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(soft expect_ok ($a) $crate::__smoke_ok!($a); $($($msg)*)?)
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
///     assert_err!("-1".parse::<u16>(), "{} is not a port", -1);
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_err {
    ($a:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(hard assert_err ($a) $crate::__smoke_err!($a); $($($msg)*)?)
    };
}

/// The soft variant of [`assert_err!`](crate::assert_err): records its failure and goes on
/// (see [soft assertions](crate::assert#soft-assertions-expect_)); evaluates to
/// `Some(error)` or `None`.
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// let error = expect_err!("eighty".parse::<u16>());
/// assert!(error.is_some());
/// expect_err!("-1".parse::<u16>(), "{} is not a port", -1);
/// ```
#[macro_export]
macro_rules! expect_err {
    ($a:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(soft expect_err ($a) $crate::__smoke_err!($a); $($($msg)*)?)
    };
}

//! The assertion macros. Each `assert_*` returns early from the enclosing function (or
//! closure, or async block) with `Err(SmokeError)` of kind failure when its check does
//! not hold; each `expect_*` records the failure with the running test and goes on.
//!
//! Every public macro has one arm, `(args $(, $($msg:tt)*)?)`: the optional message is
//! whatever follows the arguments. It hands its check to [`__smoke_assert!`], the one
//! place that turns a check into a value, an early return or a recorded failure:
//!
//! - the check is an expression of type `Result<T, Failure>`, most often one call of a
//!   generic function of [`predicates`](super::predicates);
//! - on failure, and only then, the [`Site`](crate::assert::__private::Site) is named and
//!   the message is formatted (`format_args!`, so its arguments are evaluated only then).
//!
//! The plumbing every family shares is here; each family of macros has a file of its own.
//! Every macro is `#[macro_export]`ed and named by `$crate::` path, so the files' order
//! does not matter.

mod approximate;
mod equality;
mod identity;
mod membership;
mod option_result;
mod ordering;
mod panics;
mod regexes;
mod truth;

/// Runs one assertion. `$check` is a `Result<T, Failure>`; the mode says what a failure
/// does:
///
/// - `hard`: returns `Err(SmokeError)` from the enclosing function; evaluates to `T`;
/// - `held`: records the failure and goes on; evaluates to whether the check held;
/// - `soft`: records the failure and goes on; evaluates to `Some(T)` or `None`.
///
/// `$name` and `$args` are the macro's name and arguments as the failure shows them; the
/// message tokens are empty or `format_args!`'s arguments.
#[doc(hidden)]
#[macro_export]
macro_rules! __smoke_assert {
    (hard $name:ident ($($args:tt)*) $check:expr; $($msg:tt)*) => {
        match $check {
            ::core::result::Result::Ok(value) => value,
            ::core::result::Result::Err(failure) => {
                return ::core::result::Result::Err(failure.into_error(
                    $crate::__smoke_site!($name, $($args)*),
                    $crate::__smoke_message!($($msg)*),
                ));
            }
        }
    };
    (held $name:ident ($($args:tt)*) $check:expr; $($msg:tt)*) => {
        match $check {
            ::core::result::Result::Ok(_) => true,
            ::core::result::Result::Err(failure) => {
                failure.record(
                    $crate::__smoke_site!($name, $($args)*),
                    $crate::__smoke_message!($($msg)*),
                );
                false
            }
        }
    };
    (soft $name:ident ($($args:tt)*) $check:expr; $($msg:tt)*) => {
        match $check {
            ::core::result::Result::Ok(value) => ::core::option::Option::Some(value),
            ::core::result::Result::Err(failure) => {
                failure.record(
                    $crate::__smoke_site!($name, $($args)*),
                    $crate::__smoke_message!($($msg)*),
                );
                ::core::option::Option::None
            }
        }
    };
}

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

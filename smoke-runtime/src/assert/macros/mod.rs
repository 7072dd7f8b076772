//! The assertion macros. Each `assert_*` returns early from the enclosing function (or
//! closure, or async block) with `Err(SmokeError)` of kind failure when its check does
//! not hold; each `expect_*` records the failure with the running test and goes on.
//!
//! Internal macros (`__smoke_*`) compute a `Result<T, SmokeError>`; the public ones wrap
//! it with [`__smoke_hard!`] (return early) or [`__smoke_soft!`] (record and go on).
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

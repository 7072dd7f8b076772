//! Regular expressions: `assert_regex!`, `assert_not_regex!`.

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

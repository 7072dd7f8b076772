//! Regular expressions: `assert_regex!`, `assert_not_regex!`.

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
///     assert_regex!(version, "^ffmpeg", "output of {}", "ffmpeg -version");
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_regex {
    ($a:expr, $b:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(hard assert_regex ($a, $b) $crate::assert::__private::regex(&$a, &$b, true); $($($msg)*)?)
    };
}

/// The soft variant of [`assert_regex!`](crate::assert_regex): records its failure and
/// goes on (see [soft assertions](crate::assert#soft-assertions-expect_)). A pattern that
/// does not compile is recorded as an error.
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// let version = "ffmpeg version 6.1.1";
/// expect_regex!(version, r"version [6-9]\.\d+");
/// expect_regex!(version, "^ffmpeg", "output of {}", "ffmpeg -version");
/// ```
#[macro_export]
macro_rules! expect_regex {
    ($a:expr, $b:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(held expect_regex ($a, $b) $crate::assert::__private::regex(&$a, &$b, true); $($($msg)*)?)
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
///     assert_not_regex!(log, "(?i)warn", "log of {}", "api");
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_not_regex {
    ($a:expr, $b:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(hard assert_not_regex ($a, $b) $crate::assert::__private::regex(&$a, &$b, false); $($($msg)*)?)
    };
}

/// The soft variant of [`assert_not_regex!`](crate::assert_not_regex): records its failure
/// and goes on (see [soft assertions](crate::assert#soft-assertions-expect_)).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// let log = "started in 12ms";
/// expect_not_regex!(log, "(?i)error|panic");
/// expect_not_regex!(log, "(?i)warn", "log of {}", "api");
/// ```
#[macro_export]
macro_rules! expect_not_regex {
    ($a:expr, $b:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(held expect_not_regex ($a, $b) $crate::assert::__private::regex(&$a, &$b, false); $($($msg)*)?)
    };
}

//! Truth: `assert_true!`, `assert_false!`.

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
///     assert_true!(dir.is_absolute());
///     assert_true!(dir.exists(), "{} is missing", dir.display());
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_true {
    ($a:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(hard assert_true ($a) $crate::assert::__private::truth($a, true); $($($msg)*)?)
    };
}

/// The soft variant of [`assert_true!`](crate::assert_true): records its failure and goes
/// on (see [soft assertions](crate::assert#soft-assertions-expect_)).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// let dir = std::env::temp_dir();
/// expect_true!(dir.is_absolute());
/// if expect_true!(dir.exists(), "{} is missing", dir.display()) {
///     // go on with the directory
/// }
/// ```
#[macro_export]
macro_rules! expect_true {
    ($a:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(held expect_true ($a) $crate::assert::__private::truth($a, true); $($($msg)*)?)
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
///     assert_false!(queue.contains(&0), "{} jobs queued", queue.len());
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_false {
    ($a:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(hard assert_false ($a) $crate::assert::__private::truth($a, false); $($($msg)*)?)
    };
}

/// The soft variant of [`assert_false!`](crate::assert_false): records its failure and
/// goes on (see [soft assertions](crate::assert#soft-assertions-expect_)).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// let queue: Vec<u32> = Vec::new();
/// expect_false!(queue.len() > 100);
/// expect_false!(queue.contains(&0), "{} jobs queued", queue.len());
/// ```
#[macro_export]
macro_rules! expect_false {
    ($a:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!(held expect_false ($a) $crate::assert::__private::truth($a, false); $($($msg)*)?)
    };
}

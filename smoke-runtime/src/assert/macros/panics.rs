//! Panics: `assert_panics!`.

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

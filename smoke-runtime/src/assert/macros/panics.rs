//! Panics: `assert_panics!`.

/// The optional `expected = "..."` and the message after the closure, then the check.
#[doc(hidden)]
#[macro_export]
macro_rules! __smoke_panics {
    ($mode:ident $name:ident; $body:expr; expected = $expected:expr $(, $($msg:tt)*)?) => {
        $crate::__smoke_assert!($mode $name ($body, expected = $expected)
            $crate::assert::__private::panics(
                $body,
                ::core::option::Option::Some(::core::convert::AsRef::<str>::as_ref(&$expected)),
            );
            $($($msg)*)?)
    };
    ($mode:ident $name:ident; $body:expr; $($msg:tt)*) => {
        $crate::__smoke_assert!($mode $name ($body)
            $crate::assert::__private::panics($body, ::core::option::Option::None);
            $($msg)*)
    };
}

/// Asserts that a closure panics (unittest's `assertRaises`), optionally with a message that
/// contains `expected = "..."`; evaluates to the panic's message. The optional message
/// comes after `expected`.
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
///     assert_panics!(|| v[3], "indexing {} elements", v.len());
///     let message = assert_panics!(|| -> u8 { panic!("no route to {}", "db") }, expected = "no route");
///     assert_equal!(message, "no route to db");
///     Ok(())
/// }
/// check().unwrap();
/// ```
#[macro_export]
macro_rules! assert_panics {
    ($body:expr $(, $($rest:tt)*)?) => {
        $crate::__smoke_panics!(hard assert_panics; $body; $($($rest)*)?)
    };
}

/// The soft variant of [`assert_panics!`](crate::assert_panics): records its failure and
/// goes on (see [soft assertions](crate::assert#soft-assertions-expect_)); evaluates to
/// `Some(message)` or `None`.
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// let v: Vec<u8> = Vec::new();
/// expect_panics!(|| v[3]);
/// let message = expect_panics!(|| -> u8 { panic!("no route to db") }, expected = "route", "{}", "db");
/// assert_eq!(message.as_deref(), Some("no route to db"));
/// ```
#[macro_export]
macro_rules! expect_panics {
    ($body:expr $(, $($rest:tt)*)?) => {
        $crate::__smoke_panics!(soft expect_panics; $body; $($($rest)*)?)
    };
}

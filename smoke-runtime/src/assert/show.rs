//! How the assertion macros show a value: its `Debug` form when it has one, its type's
//! name otherwise, and its raw text when it is a string (for line diffs).
//!
//! The choice is made at the macro's call site, where the type is concrete, by method
//! lookup: [`Probe`] has `shown` and `text` methods only for types that are `Debug` (or
//! string-like), and dereferences to [`Fallback`], which has them for every type. Nothing
//! needs to be imported at the call site.

use std::fmt;
use std::ops::Deref;

/// A value an assertion may have to show. Built by the macros with [`probe`].
pub struct Probe<'a, T: ?Sized>(Fallback<'a, T>);

/// What a [`Probe`] falls back to when its value is not `Debug` (or not a string).
pub struct Fallback<'a, T: ?Sized>(&'a T);

/// A probe of `value`: `probe(&v).shown()`, `probe(&v).text()`.
pub fn probe<T: ?Sized>(value: &T) -> Probe<'_, T> {
    Probe(Fallback(value))
}

impl<'a, T: ?Sized> Deref for Probe<'a, T> {
    type Target = Fallback<'a, T>;

    fn deref(&self) -> &Fallback<'a, T> {
        &self.0
    }
}

/// A value as a failure message shows it.
#[derive(Clone, Copy)]
pub enum Shown<'a> {
    /// A value with a `Debug` implementation.
    Debug(&'a dyn fmt::Debug),
    /// A value without one: only its type's name is known.
    Opaque(&'static str),
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shown::Debug(value) => fmt::Debug::fmt(value, f),
            Shown::Opaque(type_name) => write!(f, "<{type_name}: no Debug>"),
        }
    }
}

impl<'a, T: fmt::Debug> Probe<'a, T> {
    /// The value, shown through `Debug`.
    pub fn shown(&self) -> Shown<'a> {
        Shown::Debug(self.0 .0)
    }
}

impl<'a, T: AsRef<str> + ?Sized> Probe<'a, T> {
    /// The raw text of a string-like value (`str`, `String`, `Cow<str>`, ...).
    pub fn text(&self) -> Option<&'a str> {
        Some(self.0 .0.as_ref())
    }
}

impl<'a, T: ?Sized> Fallback<'a, T> {
    /// The value, shown by its type's name.
    pub fn shown(&self) -> Shown<'a> {
        Shown::Opaque(std::any::type_name::<T>())
    }

    /// Nothing: the value is not a string.
    pub fn text(&self) -> Option<&'a str> {
        None
    }
}

/// `Debug` of a shown value, compact.
pub(crate) fn compact(value: Shown<'_>) -> String {
    format!("{value:?}")
}

/// `Debug` of a shown value, pretty (`{:#?}`).
pub(crate) fn pretty(value: Shown<'_>) -> String {
    format!("{value:#?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoDebug;

    #[test]
    fn debug_values_show_their_debug_form() {
        let v = vec![1, 2];
        let shown = probe(&v).shown();
        assert_eq!(format!("{shown:?}"), "[1, 2]");
    }

    #[test]
    fn other_values_show_their_type_name() {
        let v = NoDebug;
        let shown = probe(&v).shown();
        assert_eq!(
            format!("{shown:?}"),
            "<smoke_runtime::assert::show::tests::NoDebug: no Debug>"
        );
    }

    #[test]
    fn strings_give_their_text_and_others_none() {
        let s = String::from("a\nb");
        let n = 3;
        assert_eq!(probe(&s).text(), Some("a\nb"));
        assert_eq!(probe(&"x").text(), Some("x"));
        assert_eq!(probe(&n).text(), None);
    }
}

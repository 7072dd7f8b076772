//! How the assertion macros show a value: its `Debug` form when it has one, its type's
//! name otherwise, and its raw text when it is a string (for line diffs).
//!
//! The choice is made at the macro's call site, where the type is concrete, with
//! "autoref specialisation": [`Probe`] implements [`ViaDebug`] when the value is `Debug`,
//! and `&Probe` implements [`ViaOpaque`] always; method lookup tries `Probe` first.

use std::fmt;

/// A value an assertion may have to show. Built by the macros.
pub struct Probe<'a, T: ?Sized>(pub &'a T);

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

/// Picked for values that implement `Debug`.
pub trait ViaDebug<'a> {
    /// The value, shown through `Debug`.
    fn shown(&self) -> Shown<'a>;
}

impl<'a, T: fmt::Debug> ViaDebug<'a> for Probe<'a, T> {
    fn shown(&self) -> Shown<'a> {
        Shown::Debug(self.0)
    }
}

/// Picked for every other value.
pub trait ViaOpaque<'a> {
    /// The value, shown by its type's name.
    fn shown(&self) -> Shown<'a>;
}

impl<'a, T: ?Sized> ViaOpaque<'a> for &Probe<'a, T> {
    fn shown(&self) -> Shown<'a> {
        Shown::Opaque(std::any::type_name::<T>())
    }
}

/// Picked for string-like values (`str`, `String`, `Cow<str>`, ...): their raw text.
pub trait ViaText<'a> {
    /// The value's text.
    fn text(&self) -> Option<&'a str>;
}

impl<'a, T: AsRef<str> + ?Sized> ViaText<'a> for Probe<'a, T> {
    fn text(&self) -> Option<&'a str> {
        Some(self.0.as_ref())
    }
}

/// Picked for values that are not strings.
pub trait ViaNoText<'a> {
    /// Nothing: the value is not a string.
    fn text(&self) -> Option<&'a str>;
}

impl<'a, T: ?Sized> ViaNoText<'a> for &Probe<'a, T> {
    fn text(&self) -> Option<&'a str> {
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
#[allow(clippy::needless_borrow)] // the borrow is what picks the fallback
mod tests {
    use super::*;

    struct NoDebug;

    #[test]
    fn debug_values_show_their_debug_form() {
        let v = vec![1, 2];
        let shown = (&Probe(&v)).shown();
        assert_eq!(format!("{shown:?}"), "[1, 2]");
    }

    #[test]
    fn other_values_show_their_type_name() {
        let v = NoDebug;
        let shown = (&Probe(&v)).shown();
        assert_eq!(
            format!("{shown:?}"),
            "<smoke_runtime::assert::show::tests::NoDebug: no Debug>"
        );
    }

    #[test]
    fn strings_give_their_text_and_others_none() {
        let s = String::from("a\nb");
        let n = 3;
        assert_eq!((&Probe(&s)).text(), Some("a\nb"));
        assert_eq!((&Probe(&"x")).text(), Some("x"));
        assert_eq!((&Probe(&n)).text(), None);
    }
}

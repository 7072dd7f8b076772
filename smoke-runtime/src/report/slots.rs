//! Where each test's entry is in a table kept by full name (the run history, the
//! coordinator's latest result of each test), found fast for every test of every run.

use std::collections::HashMap;

use crate::Text;

/// A map by full name: looked up for each test of each run, so hashed with a fast hasher
/// (the names are the registry's, not a caller's).
pub(crate) type Names<T> = HashMap<String, T, foldhash::fast::FixedState>;

/// The place of each name in a table. A report's names are borrowed from the registry
/// for `'static`, and such a name never moves or changes: once found by its text, it is
/// found again by its address, without hashing or comparing the text.
#[derive(Clone, Debug, Default)]
pub(crate) struct Slots {
    by_name: Names<usize>,
    /// The address and length of a `'static` name, and its place.
    by_address: HashMap<(usize, usize), usize, foldhash::fast::FixedState>,
}

impl Slots {
    /// How many names have a place.
    pub(crate) fn len(&self) -> usize {
        self.by_name.len()
    }

    /// The place of `name`, if it has one.
    pub(crate) fn get(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    /// The place of `name` (a report's), if it has one.
    pub(crate) fn find(&mut self, name: &Text) -> Option<usize> {
        match name {
            Text::Borrowed(text) => {
                let address = (text.as_ptr() as usize, text.len());
                if let Some(&slot) = self.by_address.get(&address) {
                    return Some(slot);
                }
                let slot = self.get(text)?;
                self.by_address.insert(address, slot);
                Some(slot)
            }
            Text::Owned(text) => self.get(text),
        }
    }

    /// The place of `name`, given the next one (`len`) when it has none.
    pub(crate) fn find_or_add(&mut self, name: &Text) -> usize {
        if let Some(slot) = self.find(name) {
            return slot;
        }
        let slot = self.len();
        self.by_name.insert(name.to_string(), slot);
        slot
    }
}

/// Equal when the same names have the same places (what was found by address is a
/// shortcut, not content).
impl PartialEq for Slots {
    fn eq(&self, other: &Self) -> bool {
        self.by_name == other.by_name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_found_by_text_and_then_by_address() {
        let mut slots = Slots::default();
        let registry: &'static str = "app::db";
        assert_eq!(slots.find_or_add(&Text::Borrowed(registry)), 0);
        assert_eq!(slots.find_or_add(&Text::Owned("app::cache".into())), 1);
        // The same text elsewhere, owned or borrowed, has the same place.
        assert_eq!(slots.find(&Text::Owned("app::db".into())), Some(0));
        let copy: &'static str = String::leak("app::cache".to_owned());
        assert_eq!(slots.find(&Text::Borrowed(copy)), Some(1));
        assert_eq!(slots.find(&Text::Borrowed(copy)), Some(1));
        assert_eq!(slots.find(&Text::Borrowed("app::other")), None);
        assert_eq!(slots.get("app::db"), Some(0));
        assert_eq!(slots.len(), 2);
    }
}

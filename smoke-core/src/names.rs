//! The names of the registered tests, computed once: a run selects, schedules and
//! reports its tests by full name, and formatting `module::path::test` for every test of
//! every run was a large part of a run's cost.
//!
//! A descriptor in the registry ([`registered`]) is found by its address, so its names
//! cost a lookup; any other descriptor (one built by hand and run with
//! [`Runner::run_tests`](crate::Runner::run_tests)) has its names formatted each time.

use std::borrow::Cow;
use std::sync::OnceLock;

use crate::descriptor::{registered, TestDescriptor};

/// One registered test's names, and its place in name order.
struct Names {
    full: Box<str>,
    class: Box<str>,
    /// Its position when the registry is sorted by full name, file and line.
    rank: u32,
    /// Whether another registered test has the same full name.
    twin: bool,
}

/// The registry's names, and where its descriptors lie in memory.
struct Registry {
    names: Box<[Names]>,
    /// The address of the first descriptor.
    base: usize,
}

static REGISTRY: OnceLock<Registry> = OnceLock::new();

fn names() -> &'static [Names] {
    &registry().names
}

fn registry() -> &'static Registry {
    REGISTRY.get_or_init(|| {
        let all = registered();
        let mut names: Vec<Names> = all
            .iter()
            .map(|t| Names {
                full: t.full_name().into_boxed_str(),
                class: t.class_name().into_boxed_str(),
                rank: 0,
                twin: false,
            })
            .collect();
        let mut order: Vec<usize> = (0..all.len()).collect();
        order.sort_by(|&a, &b| {
            names[a]
                .full
                .cmp(&names[b].full)
                .then(all[a].file.cmp(all[b].file))
                .then(all[a].line.cmp(&all[b].line))
        });
        for pair in order.windows(2) {
            if names[pair[0]].full == names[pair[1]].full {
                names[pair[0]].twin = true;
                names[pair[1]].twin = true;
            }
        }
        for (rank, i) in order.into_iter().enumerate() {
            names[i].rank = rank as u32;
        }
        Registry {
            names: names.into_boxed_slice(),
            base: all.as_ptr() as usize,
        }
    })
}

/// Where `test` sits in the registry, if it is a registered descriptor.
fn index(test: &TestDescriptor) -> Option<usize> {
    let registry = registry();
    let size = std::mem::size_of::<TestDescriptor>();
    let offset = (test as *const TestDescriptor as usize).checked_sub(registry.base)?;
    let i = offset / size;
    (offset % size == 0 && i < registry.names.len()).then_some(i)
}

/// [`TestDescriptor::full_name`], without formatting it again for a registered test.
pub(crate) fn full_name(test: &TestDescriptor) -> Cow<'static, str> {
    match index(test) {
        Some(i) => Cow::Borrowed(&names()[i].full),
        None => Cow::Owned(test.full_name()),
    }
}

/// [`TestDescriptor::class_name`], without formatting it again for a registered test.
pub(crate) fn class_name(test: &TestDescriptor) -> Cow<'static, str> {
    match index(test) {
        Some(i) => Cow::Borrowed(&names()[i].class),
        None => Cow::Owned(test.class_name()),
    }
}

/// The position of a registered test in name order (full name, then file and line);
/// `None` for a descriptor outside the registry.
pub(crate) fn rank(test: &TestDescriptor) -> Option<u32> {
    index(test).map(|i| names()[i].rank)
}

/// Whether `test` is registered and no other registered test has its full name (so a
/// run need not check it against the others).
pub(crate) fn is_unique(test: &TestDescriptor) -> bool {
    index(test).is_some_and(|i| !names()[i].twin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_descriptor_outside_the_registry_is_named_by_formatting() {
        static OUTSIDE: TestDescriptor = crate::select::tests::test("outside", &[], None);
        assert_eq!(full_name(&OUTSIDE), "app::smoke::outside");
        assert_eq!(class_name(&OUTSIDE), "app::smoke");
        assert_eq!(rank(&OUTSIDE), None);
        assert!(!is_unique(&OUTSIDE));
    }
}

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
use crate::report::Text;

/// One registered test's names, and its place in name order.
struct Names {
    full: Box<str>,
    class: Box<str>,
    /// Its tags as a report holds them.
    tags: Box<[Text]>,
    /// Its position when the registry is sorted by full name, file and line.
    rank: u32,
    /// Whether another registered test has the same full name.
    twin: bool,
    /// Its class's number: registered tests of one class share it.
    class_id: u32,
}

/// The registry's names, and where its descriptors lie in memory.
struct Registry {
    names: Box<[Names]>,
    /// The address of the first descriptor.
    base: usize,
    /// How many classes the registered tests count towards.
    classes: usize,
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
                tags: t.tags.iter().map(|&tag| Cow::Borrowed(tag)).collect(),
                rank: 0,
                twin: false,
                class_id: 0,
            })
            .collect();
        let mut classes = std::collections::HashMap::new();
        for entry in &mut names {
            let next = classes.len() as u32;
            entry.class_id = *classes.entry(entry.class.clone()).or_insert(next);
        }
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
            classes: classes.len(),
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
pub(crate) fn full_name(test: &TestDescriptor) -> Text {
    match index(test) {
        Some(i) => Cow::Borrowed(&names()[i].full),
        None => Cow::Owned(test.full_name()),
    }
}

/// [`TestDescriptor::class_name`], without formatting it again for a registered test.
pub(crate) fn class_name(test: &TestDescriptor) -> Text {
    match index(test) {
        Some(i) => Cow::Borrowed(&names()[i].class),
        None => Cow::Owned(test.class_name()),
    }
}

/// The name, class and tags of `test` as its report holds them, found at once.
pub(crate) fn for_report(test: &TestDescriptor) -> (Text, Text, Cow<'static, [Text]>) {
    match index(test) {
        Some(i) => {
            let names = &names()[i];
            (
                Cow::Borrowed(&names.full),
                Cow::Borrowed(&names.class),
                Cow::Borrowed(&names.tags),
            )
        }
        // A descriptor outside the registry: formatted (its tags are copied only when it
        // has some).
        None => (
            Cow::Owned(test.full_name()),
            Cow::Owned(test.class_name()),
            match test.tags {
                [] => Cow::Borrowed(&[]),
                tags => Cow::Owned(tags.iter().map(|&tag| Cow::Borrowed(tag)).collect()),
            },
        ),
    }
}

/// How many test classes `tests` touch: each suite, and each module of free tests.
pub(crate) fn count_classes(tests: &[&TestDescriptor]) -> usize {
    let registry = registry();
    let mut seen = vec![false; registry.classes];
    let mut others = std::collections::BTreeSet::new();
    let mut count = 0;
    for test in tests {
        match index(test) {
            Some(i) => {
                let id = registry.names[i].class_id as usize;
                count += usize::from(!std::mem::replace(&mut seen[id], true));
            }
            None => {
                others.insert(test.class_name());
            }
        }
    }
    // A hand-built descriptor may name a class a registered test has too.
    for class in others {
        let registered = registry
            .names
            .iter()
            .find(|n| *n.class == *class)
            .map(|n| n.class_id as usize);
        match registered {
            Some(id) => count += usize::from(!std::mem::replace(&mut seen[id], true)),
            None => count += 1,
        }
    }
    count
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
        assert_eq!(*for_report(&OUTSIDE).2, [] as [&str; 0]);
    }

    #[test]
    fn classes_are_counted_once_each() {
        static A: TestDescriptor = crate::select::tests::test("a", &["db"], None);
        static B: TestDescriptor = crate::select::tests::test("b", &[], None);
        static C: TestDescriptor = TestDescriptor {
            module_path: "app::other",
            ..crate::select::tests::test("c", &[], None)
        };
        assert_eq!(count_classes(&[]), 0);
        assert_eq!(count_classes(&[&A]), 1);
        assert_eq!(count_classes(&[&A, &B]), 1);
        assert_eq!(count_classes(&[&A, &B, &C]), 2);
        let (name, class, tags) = for_report(&A);
        assert_eq!((&*name, &*class), ("app::smoke::a", "app::smoke"));
        assert_eq!(*tags, ["db"]);
    }
}

//! Which registered tests a run takes: name filters, skips, tags, ignored mode.

use crate::TestDescriptor;

/// What to do with tests marked `skip = "..."` (libtest's "ignored").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Ignored {
    /// Report them as skipped without running them.
    #[default]
    Report,
    /// Take only them, and run them (`--ignored`).
    Only,
    /// Take every test and run the skipped ones too (`--include-ignored`).
    Include,
}

/// A selection of tests, as the command line and the HTTP query give it.
///
/// ```
/// use smoke_core::Selection;
/// let s = Selection::default().filter("db").tag("readiness");
/// assert_eq!(s.filters, vec!["db".to_string()]);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// Take a test whose full name contains any of these (all tests when empty).
    pub filters: Vec<String>,
    /// Filters and skips must equal the full name rather than be contained in it.
    pub exact: bool,
    /// Leave out a test whose full name contains (or, with `exact`, equals) any of these.
    pub skip: Vec<String>,
    /// Take only tests that have at least one of these tags (all tests when empty).
    pub tags: Vec<String>,
    /// What to do with tests marked `skip`.
    pub ignored: Ignored,
}

impl Selection {
    /// Everything, with skipped tests reported as skipped.
    pub fn all() -> Self {
        Self::default()
    }

    /// Adds a name filter.
    pub fn filter(mut self, filter: impl Into<String>) -> Self {
        self.filters.push(filter.into());
        self
    }

    /// Adds a tag.
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        self.tags.push(tag.into());
        self
    }

    /// Adds a skip filter.
    pub fn skip(mut self, skip: impl Into<String>) -> Self {
        self.skip.push(skip.into());
        self
    }

    /// Sets exact matching.
    pub fn exact(mut self, exact: bool) -> Self {
        self.exact = exact;
        self
    }

    /// The selection in a few words, for a run's span: `all` when it takes every test,
    /// else its parts, such as `filters=db,cache tags=readiness skip=slow exact
    /// ignored=include`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.filters.is_empty() {
            parts.push(format!("filters={}", self.filters.join(",")));
        }
        if !self.tags.is_empty() {
            parts.push(format!("tags={}", self.tags.join(",")));
        }
        if !self.skip.is_empty() {
            parts.push(format!("skip={}", self.skip.join(",")));
        }
        if self.exact && !(self.filters.is_empty() && self.skip.is_empty()) {
            parts.push("exact".to_owned());
        }
        match self.ignored {
            Ignored::Report => {}
            Ignored::Only => parts.push("ignored=only".to_owned()),
            Ignored::Include => parts.push("ignored=include".to_owned()),
        }
        if parts.is_empty() {
            "all".to_owned()
        } else {
            parts.join(" ")
        }
    }

    fn matches(&self, pattern: &str, name: &str) -> bool {
        if self.exact {
            pattern == name
        } else {
            name.contains(pattern)
        }
    }

    /// Whether the selection takes `test`.
    pub fn takes(&self, test: &TestDescriptor) -> bool {
        let name = crate::names::full_name(test);
        let name = name.as_ref();
        (self.filters.is_empty() || self.filters.iter().any(|f| self.matches(f, name)))
            && !self.skip.iter().any(|s| self.matches(s, name))
            && (self.tags.is_empty() || self.tags.iter().any(|t| test.tags.contains(&t.as_str())))
            && (self.ignored != Ignored::Only || test.skip.is_some())
    }

    /// Whether a taken test marked `skip` should run anyway.
    pub fn runs_skipped(&self) -> bool {
        self.ignored != Ignored::Report
    }

    /// The registered tests it takes, sorted by full name: [`apply`](Self::apply) to
    /// [`registered`](crate::registered), remembered for the last few selections (the
    /// registry never changes, and endpoints and schedules run the same selections again
    /// and again).
    pub(crate) fn of_registered(&self) -> Vec<&'static TestDescriptor> {
        /// How many selections are remembered.
        const KEPT: usize = 16;
        type Kept = Vec<(Selection, std::sync::Arc<[&'static TestDescriptor]>)>;
        static KEPT_SELECTIONS: std::sync::Mutex<Kept> = std::sync::Mutex::new(Vec::new());
        let lock = || {
            KEPT_SELECTIONS
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        let kept = lock()
            .iter()
            .find(|(selection, _)| selection == self)
            .map(|(_, tests)| tests.clone());
        if let Some(tests) = kept {
            return tests.to_vec();
        }
        let tests = self.apply(crate::registered());
        let mut kept = lock();
        if kept.len() == KEPT {
            kept.remove(0);
        }
        kept.push((self.clone(), tests.as_slice().into()));
        tests
    }

    /// The taken tests out of `tests`, sorted by full name.
    pub fn apply<'a>(
        &self,
        tests: impl IntoIterator<Item = &'a TestDescriptor>,
    ) -> Vec<&'a TestDescriptor> {
        let mut taken: Vec<&TestDescriptor> = tests.into_iter().filter(|t| self.takes(t)).collect();
        // Registered tests carry their place in name order; others are compared by name.
        let ranked: Option<Vec<(u32, &TestDescriptor)>> = taken
            .iter()
            .map(|t| crate::names::rank(t).map(|rank| (rank, *t)))
            .collect();
        if let Some(mut ranked) = ranked {
            ranked.sort_unstable_by_key(|(rank, _)| *rank);
            taken = ranked.into_iter().map(|(_, t)| t).collect();
        } else {
            taken.sort_by(|a, b| {
                crate::names::full_name(a)
                    .cmp(&crate::names::full_name(b))
                    .then(a.file.cmp(b.file))
                    .then(a.line.cmp(&b.line))
            });
        }
        taken
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::{BoxFuture, Context, SmokeResult};
    use std::sync::Arc;

    fn noop(_: Arc<Context>) -> BoxFuture<'static, SmokeResult> {
        Box::pin(async { Ok(()) })
    }

    /// A test of `app::smoke` with these tags and skip reason (for other modules' unit
    /// tests too).
    pub(crate) const fn test(
        name: &'static str,
        tags: &'static [&'static str],
        skip: Option<&'static str>,
    ) -> TestDescriptor {
        TestDescriptor {
            tags,
            skip,
            ..TestDescriptor::new(name, "app::smoke", "src/smoke.rs", 1, noop)
        }
    }

    static DB_READ: TestDescriptor = test("db_read", &["db", "readiness"], None);
    static DB_WRITE: TestDescriptor = test("db_write", &["db"], None);
    static DISK: TestDescriptor = test("disk", &[], None);
    static S3: TestDescriptor = test("s3", &["cloud"], Some("no bucket here"));
    static ALL: [&TestDescriptor; 4] = [&S3, &DISK, &DB_WRITE, &DB_READ];

    fn names(s: &Selection) -> Vec<&'static str> {
        s.apply(ALL.iter().copied())
            .iter()
            .map(|t| t.name)
            .collect()
    }

    #[test]
    fn everything_sorted_by_full_name() {
        assert_eq!(
            names(&Selection::all()),
            ["db_read", "db_write", "disk", "s3"]
        );
    }

    #[test]
    fn substring_and_exact_filters() {
        assert_eq!(
            names(&Selection::all().filter("db_")),
            ["db_read", "db_write"]
        );
        assert_eq!(
            names(&Selection::all().filter("db_").exact(true)),
            Vec::<&str>::new()
        );
        assert_eq!(
            names(&Selection::all().filter("app::smoke::disk").exact(true)),
            ["disk"]
        );
        assert_eq!(
            names(&Selection::all().filter("disk").filter("s3")),
            ["disk", "s3"]
        );
    }

    #[test]
    fn skip_filters_leave_tests_out() {
        assert_eq!(names(&Selection::all().skip("db")), ["disk", "s3"]);
        assert_eq!(
            names(&Selection::all().skip("app::smoke::db_read").exact(true)),
            ["db_write", "disk", "s3"]
        );
    }

    #[test]
    fn tags_take_tests_with_any_of_them() {
        assert_eq!(names(&Selection::all().tag("readiness")), ["db_read"]);
        assert_eq!(
            names(&Selection::all().tag("db").tag("cloud")),
            ["db_read", "db_write", "s3"]
        );
        assert_eq!(names(&Selection::all().tag("nope")), Vec::<&str>::new());
    }

    #[test]
    fn ignored_modes() {
        let only = Selection {
            ignored: Ignored::Only,
            ..Selection::all()
        };
        assert_eq!(names(&only), ["s3"]);
        assert!(only.runs_skipped());
        let include = Selection {
            ignored: Ignored::Include,
            ..Selection::all()
        };
        assert_eq!(names(&include).len(), 4);
        assert!(!Selection::all().runs_skipped());
    }
}

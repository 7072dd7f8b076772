//! Run history: the last runs of each test, kept in memory by the coordinator, and the
//! streak each test is on (passing since when, failing for how many runs).
//!
//! [`History`] holds one [`TestHistory`] per exposed test, fixed when it is made, and
//! each holds at most [`History::keep`] entries (a ring: the oldest goes first), so its
//! memory stays flat however many runs it records. What an entry keeps of a test's
//! message is its first line, cut at [`MESSAGE_LEN`] characters, taken from the report
//! the coordinator has already redacted.
//!
//! The JSON, HTML and Prometheus formats show it, to callers allowed details only.
//!
//! ```
//! use smoke_runtime::report::history::History;
//! use smoke_runtime::{Outcome, Report, TestReport};
//!
//! let mut history = History::new(["app::db".to_owned()], 2);
//! let run = |outcome, message: Option<&str>| Report {
//!     started_at: "2026-01-01T00:00:00.000Z".into(),
//!     time_ms: 1.0,
//!     test_classes: 1,
//!     tests: vec![TestReport {
//!         name: "app::db".into(), class: "app".into(), file: "src/smoke.rs".into(),
//!         line: 1, tags: Default::default(), outcome, duration_ms: 1.0,
//!         message: message.map(str::to_owned), location: None,
//!     }],
//! };
//! history.record(&run(Outcome::Passed, None), 100.0);
//! history.record(&run(Outcome::Failed, Some("refused\nmore")), 200.0);
//! history.record(&run(Outcome::Failed, Some("refused")), 300.0);
//! let db = history.get("app::db").unwrap();
//! assert_eq!(db.runs.len(), 2); // keeps 2
//! assert_eq!(db.runs[0].message.as_deref(), Some("refused"));
//! assert_eq!(db.consecutive_failures, 2);
//! assert_eq!(db.failing_since, Some(200.0));
//! assert_eq!(db.last_pass, Some(100.0));
//! ```

use std::collections::VecDeque;
use std::time::{Duration, UNIX_EPOCH};

use super::damping::{Damping, Reported};
use super::slots::{Names, Slots};
use crate::{Outcome, Report, TestReport, Text};

/// How many runs of each test are kept when nothing else is configured.
pub const DEFAULT_KEEP: usize = 50;

/// The most characters of a message an entry keeps (its first line, cut with `…`).
pub const MESSAGE_LEN: usize = 200;

/// One run of one test.
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryEntry {
    /// How it ended.
    pub outcome: Outcome,
    /// How long it ran, in milliseconds.
    pub duration_ms: f64,
    /// When its run ended, in Unix seconds.
    pub at: f64,
    /// The first line of its (redacted) message, at most [`MESSAGE_LEN`] characters;
    /// `None` when it passed.
    pub message: Option<String>,
}

/// The recent runs of one test, and the streak it is on.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TestHistory {
    /// Its last runs, oldest first.
    pub runs: VecDeque<HistoryEntry>,
    /// When the first run of the current passing streak ended (Unix seconds); `None`
    /// unless its latest run that counts (not skipped) passed.
    pub passing_since: Option<f64>,
    /// When the first run of the current failing streak ended (Unix seconds): failed,
    /// errored and timed out all count; `None` unless its latest run that counts failed.
    pub failing_since: Option<f64>,
    /// Runs in a row that passed (skipped runs neither break nor extend a streak).
    pub consecutive_passes: u64,
    /// Runs in a row that failed, errored or timed out.
    pub consecutive_failures: u64,
    /// When the last run that passed ended (Unix seconds), however long ago.
    pub last_pass: Option<f64>,
    /// The status reported for it, after the history's [`Damping`] (see
    /// [`damping`](super::damping)).
    pub reported: Reported,
    /// Whether its kept runs flip between passing and failing more often than the
    /// history's [`Damping`] allows.
    pub flaky: bool,
}

impl TestHistory {
    /// Adds the result `test` of a run that ended at `at` (Unix seconds), keeping at most
    /// `keep` runs.
    pub fn record(&mut self, test: &TestReport, at: f64, keep: usize) {
        if keep == 0 {
            return;
        }
        // Full: the oldest entry goes, and the ring never grows past `keep`.
        while self.runs.len() >= keep {
            self.runs.pop_front();
        }
        if self.runs.capacity() < keep {
            self.runs.reserve_exact(keep - self.runs.len());
        }
        self.runs.push_back(HistoryEntry {
            outcome: test.outcome,
            duration_ms: test.duration_ms,
            at,
            message: test.message.as_deref().map(first_line),
        });
        if test.outcome == Outcome::Passed {
            if self.consecutive_passes == 0 {
                self.passing_since = Some(at);
            }
            self.consecutive_passes += 1;
            self.consecutive_failures = 0;
            self.failing_since = None;
            self.last_pass = Some(at);
        } else if test.outcome.is_problem() {
            if self.consecutive_failures == 0 {
                self.failing_since = Some(at);
            }
            self.consecutive_failures += 1;
            self.consecutive_passes = 0;
            self.passing_since = None;
        }
    }
}

/// The first line of `message`, cut at [`MESSAGE_LEN`] characters (with `…`).
pub fn first_line(message: &str) -> String {
    let line = message.lines().next().unwrap_or("").trim_end();
    match line.char_indices().nth(MESSAGE_LEN) {
        Some((cut, _)) => {
            let mut short = line[..cut].to_owned();
            short.push('…');
            short
        }
        None => line.to_owned(),
    }
}

/// `unix` seconds as RFC 3339 in UTC, to the millisecond.
pub fn rfc3339(unix: f64) -> String {
    let since = Duration::try_from_secs_f64(unix.max(0.0)).unwrap_or_default();
    humantime::format_rfc3339_millis(UNIX_EPOCH + since).to_string()
}

/// The recent runs of a fixed set of tests: at most [`keep`](Self::keep) per test.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    keep: usize,
    /// Each test's full name and history, at its place in `slots`.
    tests: Vec<(String, TestHistory)>,
    slots: Slots,
    damping: Damping,
    per_test: Names<Damping>,
}

impl History {
    /// An empty history of `tests` (full names) keeping `keep` runs of each; with `keep`
    /// 0 it records nothing. Results of other tests are not recorded, so the memory it
    /// takes is bounded by `tests` and `keep`.
    pub fn new<I: IntoIterator<Item = String>>(tests: I, keep: usize) -> Self {
        let mut history = History {
            keep,
            ..History::default()
        };
        if keep > 0 {
            for name in tests {
                history.add(name, TestHistory::default());
            }
        }
        history
    }

    /// Gives `name` (unless it has one) a place with `history`.
    fn add(&mut self, name: String, history: TestHistory) {
        let name = Text::Owned(name);
        if self.slots.find_or_add(&name) == self.tests.len() {
            self.tests.push((name.into_owned(), history));
        }
    }

    /// The same history, reporting its tests' status through `run_wide`, or for the
    /// tests named in `per_test` (full names) through theirs; see
    /// [`damping`](super::damping).
    pub fn with_damping<I: IntoIterator<Item = (String, Damping)>>(
        mut self,
        run_wide: Damping,
        per_test: I,
    ) -> Self {
        self.damping = run_wide;
        self.per_test = per_test.into_iter().collect();
        self
    }

    /// The damping of the test named `name`.
    pub fn damping_of(&self, name: &str) -> Damping {
        self.per_test.get(name).copied().unwrap_or(self.damping)
    }

    /// Whether `report` passes by its tests' reported status: none is reported failing,
    /// nor pending after a failure (see [`damping`](super::damping)). A test without
    /// history, or without damping (every threshold at its default), counts by its
    /// outcome in `report`, as [`Report::passed`] does.
    pub fn passes(&self, report: &Report) -> bool {
        // Without damping every test counts by its outcome: no need to look any up.
        if self.damping.is_off() && self.per_test.values().all(Damping::is_off) {
            return report.passed();
        }
        report.tests.iter().all(|t| self.test_passes(t))
    }

    /// Whether the test `t` (one result of a report) passes by its reported status, as
    /// [`passes`](Self::passes) counts it.
    pub fn test_passes(&self, t: &TestReport) -> bool {
        match self.get(&t.name) {
            Some(h) if !self.damping_of(&t.name).is_off() => match h.reported {
                Reported::Passing => true,
                Reported::Failing => false,
                Reported::Pending => h.consecutive_failures == 0,
            },
            _ => !t.outcome.is_problem(),
        }
    }

    /// How many runs of each test it keeps.
    pub fn keep(&self) -> usize {
        self.keep
    }

    /// Records each test of `report`, a run that ended at `at` (Unix seconds). What the
    /// report says is kept as it is: redact it first.
    pub fn record(&mut self, report: &Report, at: f64) {
        for t in &report.tests {
            if let Some(slot) = self.slots.find(&t.name) {
                let history = &mut self.tests[slot].1;
                history.record(t, at, self.keep);
                let damping = if self.per_test.is_empty() {
                    &self.damping
                } else {
                    self.per_test.get(&*t.name).unwrap_or(&self.damping)
                };
                history.reported = damping.next(history.reported, history, at);
                history.flaky = damping.is_flaky(history);
            }
        }
    }

    /// The history of the test named `name`, once it has run.
    pub fn get(&self, name: &str) -> Option<&TestHistory> {
        let slot = self.slots.get(name)?;
        Some(&self.tests[slot].1).filter(|h| !h.runs.is_empty())
    }

    /// The histories of the tests `report` has that have run: what a rendering of
    /// `report` shows.
    pub fn of_report(&self, report: &Report) -> History {
        let mut shown = History {
            keep: self.keep,
            damping: self.damping,
            per_test: self.per_test.clone(),
            ..History::default()
        };
        for t in &report.tests {
            if let Some(history) = self.get(&t.name) {
                shown.add(t.name.to_string(), history.clone());
            }
        }
        shown
    }

    /// Each test's history, by full name, for the tests that have run, in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &TestHistory)> {
        let mut ran: Vec<(&str, &TestHistory)> = self
            .tests
            .iter()
            .filter(|(_, h)| !h.runs.is_empty())
            .map(|(name, h)| (name.as_str(), h))
            .collect();
        ran.sort_unstable_by_key(|&(name, _)| name);
        ran.into_iter()
    }

    /// Whether no test has a run recorded.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test(outcome: Outcome, message: Option<&str>) -> TestReport {
        TestReport {
            name: "m::t".into(),
            class: "m".into(),
            file: "f.rs".into(),
            line: 1,
            tags: Default::default(),
            outcome,
            duration_ms: 2.0,
            message: message.map(str::to_owned),
            location: None,
        }
    }

    #[test]
    fn streaks_and_skips() {
        let mut h = TestHistory::default();
        h.record(&test(Outcome::Passed, None), 1.0, 3);
        h.record(&test(Outcome::Passed, None), 2.0, 3);
        assert_eq!((h.consecutive_passes, h.passing_since), (2, Some(1.0)));
        h.record(&test(Outcome::Skipped, Some("later")), 3.0, 3);
        assert_eq!((h.consecutive_passes, h.passing_since), (2, Some(1.0)));
        h.record(&test(Outcome::TimedOut, Some("slow")), 4.0, 3);
        h.record(&test(Outcome::Errored, Some("down")), 5.0, 3);
        assert_eq!(h.consecutive_failures, 2);
        assert_eq!(h.failing_since, Some(4.0));
        assert_eq!(h.passing_since, None);
        assert_eq!(h.consecutive_passes, 0);
        assert_eq!(h.last_pass, Some(2.0));
        let at: Vec<f64> = h.runs.iter().map(|r| r.at).collect();
        assert_eq!(at, [3.0, 4.0, 5.0]);
        assert_eq!(h.runs.capacity(), h.runs.capacity().max(3));
    }

    #[test]
    fn messages_are_one_short_line() {
        assert_eq!(first_line("a\nb"), "a");
        assert_eq!(first_line(""), "");
        let long = "é".repeat(MESSAGE_LEN + 5);
        let short = first_line(&long);
        assert_eq!(short.chars().count(), MESSAGE_LEN + 1);
        assert!(short.ends_with('…'));
    }

    #[test]
    fn off_and_unknown_tests_record_nothing() {
        let report = Report {
            started_at: String::new(),
            time_ms: 0.0,
            test_classes: 1,
            tests: vec![test(Outcome::Passed, None)],
        };
        let mut off = History::new(["m::t".to_owned()], 0);
        off.record(&report, 1.0);
        assert!(off.is_empty());
        let mut other = History::new(["m::other".to_owned()], 5);
        other.record(&report, 1.0);
        assert!(other.is_empty());
        assert_eq!(rfc3339(1767323045.25), "2026-01-02T03:04:05.250Z");
    }
}

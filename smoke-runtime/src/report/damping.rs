//! Flap damping and flakiness: the status the coordinator *reports* for a test, beside
//! the raw outcome of its latest run.
//!
//! A [`Damping`] says how many failing runs in a row make a test reported failing
//! ([`fail_after`](Damping::fail_after), default 1), or how long in error
//! ([`fail_after_duration`](Damping::fail_after_duration)), and how many passing runs in a
//! row make a failing test reported passing again ([`pass_after`](Damping::pass_after),
//! default 1). With the defaults the reported status is the latest outcome, as without
//! damping. Skipped runs neither break nor extend a streak.
//!
//! **Start-up.** A test is never reported passing before its first pass: until it has
//! passed once, or failed [`fail_after`](Damping::fail_after) times in a row, it is
//! [`Reported::Pending`]. Its first pass makes it passing at once
//! ([`pass_after`](Damping::pass_after) damps recoveries, not the start). For the status
//! code a pending test that has failed counts as failing (a service is not declared
//! healthy before its tests have passed); a pending test that has only been skipped does
//! not.
//!
//! **Flaky.** A test whose kept runs (the history's window) change between passing and
//! failing more than [`flaky_flips`](Damping::flaky_flips) times (default
//! [`DEFAULT_FLAKY_FLIPS`]) is flaky.
//!
//! ```
//! use smoke_runtime::report::damping::{Damping, Reported};
//! use smoke_runtime::report::history::History;
//! use smoke_runtime::{Outcome, Report, TestReport};
//!
//! let mut history = History::new(["app::db".to_owned()], 10)
//!     .with_damping(Damping::new().fail_after(3).pass_after(2), []);
//! let run = |outcome| Report {
//!     started_at: String::new(), time_ms: 1.0, test_classes: 1,
//!     tests: vec![TestReport {
//!         name: "app::db".into(), class: "app".into(), file: "src/smoke.rs".into(),
//!         line: 1, tags: Default::default(), outcome, duration_ms: 1.0, message: None, location: None,
//!     }],
//! };
//! let status = |h: &History| h.get("app::db").unwrap().reported;
//! history.record(&run(Outcome::Failed), 1.0);
//! assert_eq!(status(&history), Reported::Pending); // never passed yet
//! history.record(&run(Outcome::Passed), 2.0);
//! assert_eq!(status(&history), Reported::Passing);
//! history.record(&run(Outcome::Failed), 3.0);
//! history.record(&run(Outcome::Failed), 4.0);
//! assert_eq!(status(&history), Reported::Passing); // 2 failures < 3
//! history.record(&run(Outcome::Failed), 5.0);
//! assert_eq!(status(&history), Reported::Failing);
//! history.record(&run(Outcome::Passed), 6.0);
//! assert_eq!(status(&history), Reported::Failing); // 1 pass < 2
//! history.record(&run(Outcome::Passed), 7.0);
//! assert_eq!(status(&history), Reported::Passing);
//! ```

use std::time::Duration;

use std::fmt::Write;

use crate::{Outcome, Report, TestDescriptor};

use super::history::{History, TestHistory};

/// How many changes between passing and failing within the kept runs a test may make
/// before it is flaky, when nothing else is configured.
pub const DEFAULT_FLAKY_FLIPS: usize = 3;

/// The thresholds that turn raw outcomes into a reported status; see the
/// [module](self). `Damping::new()` (the default) reports the latest outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Damping {
    fail_after: u64,
    pass_after: u64,
    fail_after_duration: Option<Duration>,
    flaky_flips: usize,
}

impl Default for Damping {
    fn default() -> Self {
        Damping {
            fail_after: 1,
            pass_after: 1,
            fail_after_duration: None,
            flaky_flips: DEFAULT_FLAKY_FLIPS,
        }
    }
}

impl Damping {
    /// No damping: one failure reports failing, one pass reports passing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Failing runs in a row before the test is reported failing (at least 1).
    pub fn fail_after(mut self, runs: u64) -> Self {
        self.fail_after = runs.max(1);
        self
    }

    /// Passing runs in a row before a failing test is reported passing again (at least 1).
    pub fn pass_after(mut self, runs: u64) -> Self {
        self.pass_after = runs.max(1);
        self
    }

    /// Also report failing once the test has been failing this long (from the end of the
    /// first run of its failing streak to the end of its latest run), however few runs
    /// that took. Checked when a run ends.
    pub fn fail_after_duration(mut self, duration: Duration) -> Self {
        self.fail_after_duration = Some(duration);
        self
    }

    /// Changes between passing and failing within the kept runs beyond which the test
    /// is flaky.
    pub fn flaky_flips(mut self, flips: usize) -> Self {
        self.flaky_flips = flips;
        self
    }

    /// The failing runs in a row it takes ([`fail_after`](Self::fail_after)).
    pub fn failures_needed(&self) -> u64 {
        self.fail_after
    }

    /// The passing runs in a row it takes ([`pass_after`](Self::pass_after)).
    pub fn passes_needed(&self) -> u64 {
        self.pass_after
    }

    /// Whether it changes nothing: every threshold at its default.
    pub fn is_off(&self) -> bool {
        self.fail_after == 1 && self.pass_after == 1 && self.fail_after_duration.is_none()
    }

    /// The reported status of `history` after its latest run (which ended at `at`),
    /// from the status it had before.
    pub fn next(&self, before: Reported, history: &TestHistory, at: f64) -> Reported {
        let Some(last) = history.runs.back() else {
            return before;
        };
        if last.outcome == Outcome::Skipped {
            return before;
        }
        let failed_long = match (self.fail_after_duration, history.failing_since) {
            (Some(limit), Some(since)) => at - since >= limit.as_secs_f64(),
            _ => false,
        };
        let failing = history.consecutive_failures >= self.fail_after
            || (failed_long && last.outcome.is_problem());
        match before {
            Reported::Pending | Reported::Passing if failing => Reported::Failing,
            Reported::Pending if history.consecutive_passes > 0 => Reported::Passing,
            Reported::Failing if history.consecutive_passes >= self.pass_after => Reported::Passing,
            other => other,
        }
    }

    /// Whether `history`'s kept runs flip between passing and failing more than
    /// [`flaky_flips`](Self::flaky_flips) times.
    pub fn is_flaky(&self, history: &TestHistory) -> bool {
        flips(history) > self.flaky_flips
    }
}

/// The damping of each of `tests` that sets its own thresholds
/// (`#[smoke_test(fail_after = 3, pass_after = 2, fail_after_duration = "30s")]`), by
/// full name: `run_wide` with the test's thresholds in place of its own.
pub fn per_test(tests: &[&TestDescriptor], run_wide: Damping) -> Vec<(String, Damping)> {
    tests
        .iter()
        .filter(|t| {
            t.fail_after.is_some() || t.pass_after.is_some() || t.fail_after_duration.is_some()
        })
        .map(|t| {
            let mut damping = run_wide;
            if let Some(n) = t.fail_after {
                damping = damping.fail_after(n);
            }
            if let Some(n) = t.pass_after {
                damping = damping.pass_after(n);
            }
            if let Some(d) = t.fail_after_duration {
                damping = damping.fail_after_duration(d);
            }
            (t.full_name(), damping)
        })
        .collect()
}

/// The notes the text format adds with details: one line for each test of `report`
/// whose reported status differs from its latest outcome (`app::db: failed, reported
/// passing (damped)`), and one for each flaky test; empty when there are none.
pub fn text_notes(report: &Report, history: &History) -> String {
    let mut out = String::new();
    for t in &report.tests {
        let Some(h) = history.get(&t.name) else {
            continue;
        };
        let differs = match h.reported {
            Reported::Passing | Reported::Pending => t.outcome.is_problem(),
            Reported::Failing => t.outcome == Outcome::Passed,
        };
        if differs {
            let _ = writeln!(
                out,
                "{}: {}, reported {} (damped)",
                t.name,
                t.outcome.as_str(),
                h.reported.as_str()
            );
        }
        if h.flaky {
            let _ = writeln!(
                out,
                "{}: flaky ({} flips between passing and failing in its last {} runs)",
                t.name,
                flips(h),
                h.runs.len()
            );
        }
    }
    if out.is_empty() {
        out
    } else {
        format!("\n{out}")
    }
}

/// How many times `history`'s kept runs change between passing and failing (skipped
/// runs left out).
pub fn flips(history: &TestHistory) -> usize {
    // A streak as long as the kept runs leaves no room for a flip among them (the common
    // case, checked without reading the runs).
    let kept = history.runs.len() as u64;
    if history.consecutive_passes >= kept || history.consecutive_failures >= kept {
        return 0;
    }
    let counted = history
        .runs
        .iter()
        .filter(|r| r.outcome != Outcome::Skipped)
        .map(|r| r.outcome == Outcome::Passed);
    let mut flips = 0;
    let mut previous = None;
    for passed in counted {
        if previous.is_some_and(|p| p != passed) {
            flips += 1;
        }
        previous = Some(passed);
    }
    flips
}

/// A whole report's status both ways: the reported one, after flap damping (what the
/// endpoint's status code, `X-Smoke-Status`, `/gate`, `/startupz` and every format's own
/// status follow), and the raw one (whether every test of this run passed).
///
/// ```
/// use smoke_runtime::report::damping::Verdict;
///
/// let damped = Verdict { passes: true, raw_passes: false };
/// assert_eq!((damped.status(), damped.raw_status()), ("PASS", "FAIL"));
/// assert!(damped.damped());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// Whether the report passes by its tests' reported status ([`History::passes`]).
    pub passes: bool,
    /// Whether every test of this run passed ([`Report::passed`]).
    pub raw_passes: bool,
}

impl Verdict {
    /// The verdict on `report` by the reported status of its tests in `history`.
    pub fn of(report: &Report, history: &History) -> Verdict {
        Verdict {
            passes: history.passes(report),
            raw_passes: report.passed(),
        }
    }

    /// The verdict on `report` without history: its raw status both ways.
    pub fn raw(report: &Report) -> Verdict {
        Verdict {
            passes: report.passed(),
            raw_passes: report.passed(),
        }
    }

    /// `"PASS"` or `"FAIL"`: the reported status, as django-smoketest says it.
    pub fn status(self) -> &'static str {
        pass_or_fail(self.passes)
    }

    /// `"PASS"` or `"FAIL"`: the raw status of this run.
    pub fn raw_status(self) -> &'static str {
        pass_or_fail(self.raw_passes)
    }

    /// Whether damping changed the status: the reported one differs from the raw one.
    pub fn damped(self) -> bool {
        self.passes != self.raw_passes
    }
}

fn pass_or_fail(passed: bool) -> &'static str {
    if passed {
        "PASS"
    } else {
        "FAIL"
    }
}

/// The status reported for a test, after damping.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Reported {
    /// Not passed yet, nor failed often enough to be failing (or only skipped).
    #[default]
    Pending,
    /// Reported passing.
    Passing,
    /// Reported failing.
    Failing,
}

impl Reported {
    /// `"pending"`, `"passing"` or `"failing"`: what the JSON `status` key holds.
    pub fn as_str(self) -> &'static str {
        match self {
            Reported::Pending => "pending",
            Reported::Passing => "passing",
            Reported::Failing => "failing",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TestReport;

    fn test(outcome: Outcome) -> TestReport {
        TestReport {
            name: "m::t".into(),
            class: "m".into(),
            file: "f.rs".into(),
            line: 1,
            tags: Default::default(),
            outcome,
            duration_ms: 1.0,
            message: None,
            location: None,
        }
    }

    /// The reported status after each of `outcomes`, one run a second.
    fn replay(damping: Damping, outcomes: &[Outcome]) -> Vec<Reported> {
        let mut h = TestHistory::default();
        let mut status = Reported::Pending;
        let mut seen = Vec::new();
        for (i, o) in outcomes.iter().enumerate() {
            h.record(&test(*o), i as f64, 50);
            status = damping.next(status, &h, i as f64);
            seen.push(status);
        }
        seen
    }

    use Outcome::{Failed as F, Passed as P, Skipped as S};
    use Reported::{Failing as FAIL, Passing as PASS, Pending as PEND};

    #[test]
    fn defaults_follow_the_latest_outcome() {
        let seen = replay(Damping::new(), &[S, F, P, F, S, P]);
        assert_eq!(seen, [PEND, FAIL, PASS, FAIL, FAIL, PASS]);
        assert!(Damping::new().is_off());
    }

    #[test]
    fn start_up_is_pending_until_a_pass_or_enough_failures() {
        let d = Damping::new().fail_after(3).pass_after(2);
        assert_eq!(replay(d, &[F, F, F]), [PEND, PEND, FAIL]);
        assert_eq!(replay(d, &[F, P]), [PEND, PASS]);
        assert_eq!(replay(d, &[S, S]), [PEND, PEND]);
    }

    #[test]
    fn thresholds_damp_both_ways() {
        let d = Damping::new().fail_after(2).pass_after(2);
        let seen = replay(d, &[P, F, P, F, F, P, S, F, P, P]);
        assert_eq!(
            seen,
            [PASS, PASS, PASS, PASS, FAIL, FAIL, FAIL, FAIL, FAIL, PASS]
        );
    }

    #[test]
    fn a_long_enough_failure_fails_before_the_count() {
        let d = Damping::new()
            .fail_after(10)
            .fail_after_duration(Duration::from_secs(2));
        // Runs a second apart: the failing streak starts at 1, and lasts 2 s at 3.
        assert_eq!(replay(d, &[P, F, F, F]), [PASS, PASS, PASS, FAIL]);
    }

    #[test]
    fn flaky_counts_flips_within_the_window() {
        let mut h = TestHistory::default();
        for o in [P, F, S, P, F, P] {
            h.record(&test(o), 0.0, 50);
        }
        assert_eq!(flips(&h), 4);
        assert!(Damping::new().is_flaky(&h));
        assert!(!Damping::new().flaky_flips(4).is_flaky(&h));
        // A window of 3 keeps F, P… of the last runs only.
        let mut short = TestHistory::default();
        for o in [P, F, P, F, P, P, P] {
            short.record(&test(o), 0.0, 3);
        }
        assert_eq!(flips(&short), 0);
    }
}

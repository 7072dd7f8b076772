//! Where a run puts its reports as they come in: handed one by one to a callback
//! ([`Runner::run_labelled`](crate::Runner::run_labelled)), or kept where someone who
//! stops waiting for the run can read what finished ([`Progress`]).

use std::collections::HashSet;
use std::sync::Mutex;

use crate::TestReport;

/// The reports of a run in progress, for a caller that may stop waiting before it ends:
/// [`Runner::run_into`](crate::Runner::run_into) adds each batch of results as it comes
/// (one lock a batch, no copy), and takes them back for its report when the run ends.
///
/// ```
/// use smoke_core::Progress;
///
/// let progress = Progress::default();
/// // Nothing finished yet, and the run has not ended.
/// assert_eq!(progress.finished().map(|tests| tests.len()), Some(0));
/// ```
#[derive(Debug)]
pub struct Progress {
    /// `None` once the run ended and took its reports.
    reports: Mutex<Option<Vec<TestReport>>>,
}

impl Default for Progress {
    fn default() -> Self {
        Progress::with_capacity(0)
    }
}

impl Progress {
    /// Room for `tests` reports.
    pub fn with_capacity(tests: usize) -> Self {
        Progress {
            reports: Mutex::new(Some(Vec::with_capacity(tests))),
        }
    }

    /// A copy of the reports of the tests that finished so far; `None` once the run has
    /// ended (its report then holds them all).
    pub fn finished(&self) -> Option<Vec<TestReport>> {
        self.lock().as_ref().map(|reports| reports.to_vec())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Vec<TestReport>>> {
        crate::context::lock(&self.reports)
    }
}

/// Where `run_in` puts the reports it receives.
pub(crate) trait Collect {
    /// Takes the reports in `batch`, leaving it empty.
    fn add(&mut self, batch: &mut Vec<TestReport>);

    /// The names of the tests whose reports came in.
    fn reported(&self) -> HashSet<String>;

    /// Every report that came in; the run is over.
    fn finish(self) -> Vec<TestReport>;
}

/// Each report handed to a callback, and kept.
pub(crate) struct EachTo<F> {
    pub(crate) reports: Vec<TestReport>,
    pub(crate) on_result: F,
}

impl<F: FnMut(&TestReport)> Collect for EachTo<F> {
    fn add(&mut self, batch: &mut Vec<TestReport>) {
        batch.iter().for_each(&mut self.on_result);
        take_all(&mut self.reports, batch);
    }

    fn reported(&self) -> HashSet<String> {
        names(&self.reports)
    }

    fn finish(self) -> Vec<TestReport> {
        self.reports
    }
}

impl Collect for &Progress {
    fn add(&mut self, batch: &mut Vec<TestReport>) {
        if let Some(reports) = self.lock().as_mut() {
            take_all(reports, batch);
        }
    }

    fn reported(&self) -> HashSet<String> {
        self.lock().as_deref().map(names).unwrap_or_default()
    }

    fn finish(self) -> Vec<TestReport> {
        self.lock().take().unwrap_or_default()
    }
}

fn names(reports: &[TestReport]) -> HashSet<String> {
    reports.iter().map(|r| r.name.to_string()).collect()
}

/// Moves the reports of `batch` to the end of `reports`: the first batch of a run (often
/// its only one) is taken whole, without copying its reports.
fn take_all(reports: &mut Vec<TestReport>, batch: &mut Vec<TestReport>) {
    if reports.is_empty() && batch.capacity() >= reports.capacity() {
        std::mem::swap(reports, batch);
    } else {
        reports.append(batch);
    }
}

//! Runs in flight: starting one (within the run limit), joining it, waiting for it until
//! its deadline, and what a caller gets when it does not finish in time.

use std::collections::BTreeSet;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use tokio::sync::{watch, OwnedSemaphorePermit};

use super::state::{key_of, unix_now, Key, Running, State};
use super::{lock, notify, Caller, Coordinator, Inner, Served, DEADLINE_MARGIN};
use crate::report::provenance::Source;
use crate::{Outcome, Progress, Report, RunLabel, TestDescriptor, TestReport, Trigger};

/// No slot is free for a new run: answer 429 with `Retry-After`.
#[derive(Clone, Copy, Debug)]
pub struct Busy {
    /// When a slot is expected to come free, from the runs in flight: each is expected
    /// to take as long as its selection's previous run did (or the deadline plus the
    /// tear-down grace, the longest it can hold a slot).
    pub retry_after: Duration,
    /// The limit that was reached: how many runs may be in progress at once.
    pub limit: usize,
    /// Whether it is the share of callers without the token (else every slot is taken).
    pub anonymous_share: bool,
}

/// A run in progress that callers asking for the same tests join.
#[derive(Clone, Debug)]
pub(super) struct Flight {
    /// The run's number (1 for the first), which tells flights apart.
    pub(super) id: u64,
    result: watch::Receiver<Option<Ended>>,
    progress: Arc<Progress>,
    tests: Arc<Vec<&'static TestDescriptor>>,
    pub(super) started: Instant,
    started_at: String,
    /// Who started it: the schedule, or a request.
    source: Source,
}

/// A finished run as its flight hands it to the callers waiting on it: the report, and
/// the end the coordinator recorded for it (the same `ended_at` its cached copies give).
type Ended = (Arc<Report>, f64);

impl Coordinator {
    /// The run of `tests` (whose key is `key`) in flight, or a new one when a slot is free
    /// for `caller` (started by `trigger`, as its span says). A flight past its deadline
    /// is not joined: its result would be served as new.
    pub(super) fn flight(
        &self,
        key: Key,
        caller: Caller,
        tests: &[&'static TestDescriptor],
        trigger: Trigger,
    ) -> Result<Flight, Busy> {
        let inner = &self.inner;
        let mut state = lock(&inner.state);
        let now = Instant::now();
        if let Some(flight) = state.flights.get(&key) {
            let due = flight.started.checked_add(inner.policy.deadline);
            if due.is_none_or(|due| now < due) {
                return Ok(flight.clone());
            }
        }
        let busy = |anonymous_share: bool| Busy {
            retry_after: retry_after(&state, inner, now),
            limit: if anonymous_share {
                inner.policy.anonymous_runs
            } else {
                inner.policy.max_runs
            },
            anonymous_share,
        };
        let anonymous = match caller {
            Caller::Anonymous => match inner.anonymous.clone().try_acquire_owned() {
                Ok(permit) => Some(permit),
                Err(_) => return Err(busy(true)),
            },
            Caller::Probe | Caller::Trusted => None,
        };
        let Ok(permit) = inner.permits.clone().try_acquire_owned() else {
            return Err(busy(false));
        };
        let label = RunLabel::of_tests(trigger, tests, key == inner.all_key);
        let source = match trigger {
            Trigger::Schedule => Source::Schedule,
            _ => Source::Run,
        };
        let flight = self.start(
            key.clone(),
            tests.to_vec(),
            (permit, anonymous),
            label,
            source,
        );
        let expected = state.durations.get(&key).copied();
        state.running.insert(
            flight.id,
            Running {
                started: flight.started,
                expected,
            },
        );
        state.flights.insert(key, flight.clone());
        Ok(flight)
    }

    /// The result of `flight`, waited for until its deadline: then it is what finished,
    /// with the rest reported as timed out.
    pub(super) async fn wait(&self, flight: Flight, max_age: Option<Duration>) -> Served {
        // A deadline too far to represent is no deadline.
        let limit = flight
            .started
            .checked_add(self.inner.policy.deadline)
            .and_then(|limit| limit.checked_add(DEADLINE_MARGIN));
        let mut result = flight.result.clone();
        let finished = result.wait_for(Option::is_some);
        let waited = match limit {
            Some(limit) => tokio::time::timeout_at(limit.into(), finished).await,
            None => Ok(finished.await),
        };
        // The result out of the channel's lock, which must not be held across an await.
        let waited = waited.map(|received| received.ok().and_then(|report| report.clone()));
        let stopped = "the smoke run stopped before it finished";
        // What did not finish ends now.
        let unfinished =
            |tests, why: &str| (Arc::new(self.unfinished(&flight, tests, why)), unix_now());
        let (report, ended_at) = match waited {
            Ok(Some(ended)) => ended,
            Ok(None) => unfinished(flight.progress.finished().unwrap_or_default(), stopped),
            Err(_) => match flight.progress.finished() {
                Some(finished) => unfinished(
                    finished,
                    &format!(
                        "still running when the run's deadline ({}) passed",
                        humantime::format_duration(self.inner.policy.deadline)
                    ),
                ),
                // It ended just now: its report is on its way, with no await before it
                // is sent.
                None => match flight.result.clone().wait_for(Option::is_some).await {
                    Ok(ended) => ended.clone(),
                    Err(_) => None,
                }
                .unwrap_or_else(|| unfinished(Vec::new(), stopped)),
            },
        };
        Served {
            report,
            age: Duration::ZERO,
            max_age,
            source: flight.source,
            ended_at,
        }
    }

    /// Starts a run of `tests` on its own task, which holds `permits` until it ends.
    fn start(
        &self,
        key: Key,
        tests: Vec<&'static TestDescriptor>,
        permits: (OwnedSemaphorePermit, Option<OwnedSemaphorePermit>),
        label: RunLabel,
        source: Source,
    ) -> Flight {
        let (sender, receiver) = watch::channel(None);
        let id = self.inner.runs.fetch_add(1, Ordering::SeqCst) + 1;
        let flight = Flight {
            id,
            result: receiver,
            progress: Arc::new(Progress::with_capacity(tests.len())),
            tests: Arc::new(tests),
            started: Instant::now(),
            started_at: humantime::format_rfc3339_millis(SystemTime::now()).to_string(),
            source,
        };
        let inner = self.inner.clone();
        let progress = flight.progress.clone();
        let tests = flight.tests.clone();
        let started = flight.started;
        tokio::spawn(async move {
            // However this task ends, the flight and its slot are given up, so that the
            // next caller starts a new run rather than waiting on this one.
            let done = FlightDone {
                inner: inner.clone(),
                key: key.clone(),
                id,
            };
            let mut report = inner
                .runner
                .run_into(&label, tests.to_vec(), false, &progress)
                .await;
            inner.policy.redactor.redact_report_in_place(&mut report);
            let report = Arc::new(report);
            let ended_at = inner.record(&key, &report, started.elapsed(), source);
            // The flight and its slots are given up before anyone hears of the result, so
            // that a caller who asks after hearing starts a new run rather than joining
            // this finished one.
            drop(done);
            drop(permits);
            inner.announce(&report);
            let _ = sender.send(Some((report, ended_at)));
        });
        flight
    }

    /// A report of a run that has not finished: what finished (`tests`), and the rest as
    /// timed out (or errored) with `why`.
    fn unfinished(&self, flight: &Flight, tests: Vec<TestReport>, why: &str) -> Report {
        let mut tests = tests;
        let done: BTreeSet<String> = tests.iter().map(|t| t.name.to_string()).collect();
        let outcome = if why.starts_with("still running") {
            Outcome::TimedOut
        } else {
            Outcome::Errored
        };
        let elapsed_ms = flight.started.elapsed().as_secs_f64() * 1000.0;
        for t in flight.tests.iter() {
            if !done.contains(&t.full_name()) {
                let mut report = TestReport::not_run(t, outcome, why);
                report.duration_ms = elapsed_ms;
                tests.push(report);
            }
        }
        tests.sort_by(|a, b| a.name.cmp(&b.name));
        let mut report = Report {
            started_at: flight.started_at.clone(),
            time_ms: elapsed_ms,
            test_classes: flight
                .tests
                .iter()
                .map(|t| t.class_name())
                .collect::<BTreeSet<_>>()
                .len(),
            tests,
        };
        self.inner
            .policy
            .redactor
            .redact_report_in_place(&mut report);
        report
    }
}

/// When a slot is expected to come free: the soonest expected end of the runs holding
/// one, at least a second from now.
fn retry_after(state: &State, inner: &Inner, now: Instant) -> Duration {
    let longest = inner.policy.deadline.saturating_add(inner.policy.grace);
    state
        .running
        .values()
        .map(|run| {
            let latest = run.started.checked_add(longest);
            let expected = run
                .expected
                .and_then(|d| run.started.checked_add(d))
                // A run that overruns its usual time is expected at the latest end.
                .filter(|end| *end > now)
                .or(latest);
            expected.map_or(Duration::MAX, |end| end.saturating_duration_since(now))
        })
        .min()
        .unwrap_or(Duration::ZERO)
        .max(Duration::from_secs(1))
}

/// Removes a flight from the state when its task ends, however it ends.
struct FlightDone {
    inner: Arc<Inner>,
    key: Key,
    id: u64,
}

impl Drop for FlightDone {
    fn drop(&mut self) {
        let mut state = lock(&self.inner.state);
        state.running.remove(&self.id);
        // Not a newer flight of the same tests that started after this one expired.
        if state
            .flights
            .get(&self.key)
            .is_some_and(|f| f.id == self.id)
        {
            state.flights.remove(&self.key);
        }
    }
}

impl Coordinator {
    /// A run for a caller that watches it as it goes (the command line): no freshness
    /// and no slots, since the caller is the only one; each result is redacted before
    /// `on_result` sees it, and the report is redacted and recorded like any other run's.
    pub async fn run_watched(
        &self,
        tests: Vec<&'static TestDescriptor>,
        run_skipped: bool,
        mut on_result: impl FnMut(&TestReport),
    ) -> Arc<Report> {
        let inner = &self.inner;
        let redactor = &inner.policy.redactor;
        let key = key_of(&tests);
        inner.runs.fetch_add(1, Ordering::SeqCst);
        let started = Instant::now();
        let label = RunLabel::of_tests(Trigger::Cli, &tests, key == inner.all_key);
        let mut report = inner
            .runner
            .run_labelled(&label, tests, run_skipped, |t| match t.message {
                // Only a message can carry a secret: a pass is handed on as it is.
                None => on_result(t),
                Some(_) => on_result(&redactor.redact_test(t)),
            })
            .await;
        redactor.redact_report_in_place(&mut report);
        let report = Arc::new(report);
        inner.record(&key, &report, started.elapsed(), Source::Run);
        inner.announce(&report);
        report
    }
}

impl Inner {
    /// Takes note of a finished run's (redacted) report, whoever started it: the count of
    /// failed runs, the latest results and the run metrics (feature `otel`). Its end, as
    /// recorded (seconds since the Unix epoch).
    fn record(&self, key: &Key, report: &Arc<Report>, took: Duration, source: Source) -> f64 {
        if !report.passed() {
            self.runs_failed.fetch_add(1, Ordering::SeqCst);
        }
        let ended = unix_now();
        let mut state = lock(&self.state);
        let before = (!self.notifier.config().is_empty())
            .then(|| notify::before(&state.history, report.tests.iter().map(|t| &*t.name)));
        state.record(key, report, ended, took, *key == self.all_key, source);
        // Status changes are worked out under the lock, handed off after it: delivery
        // never holds up the run.
        let changes = before.map(|before| {
            let (config, redactor) = (self.notifier.config(), &self.policy.redactor);
            notify::changes(before, &state.history, ended, config, redactor)
        });
        drop(state);
        self.notifier.send(changes.unwrap_or_default());
        #[cfg(feature = "otel")]
        crate::otel::record_run(report);
        ended
    }

    /// Tells the subscribers of every finished run (`Smoke::subscribe`) about this one.
    fn announce(&self, report: &Arc<Report>) {
        self.finished_runs.send_replace(Some(report.clone()));
    }
}

//! The run coordinator: the whole path from "these tests, for this caller" to a result,
//! whatever door the request came through (HTTP, gRPC, the programmatic API).
//!
//! It owns:
//!
//! - **single-flight**: requests for the same tests while a run of them is in flight
//!   join it; a run past its deadline is not joined (its result is old news);
//! - **the run limit**: at most [`Policy::max_runs`] runs at once, of which callers
//!   without the token ([`Caller::Anonymous`]) may hold only [`Policy::anonymous_runs`],
//!   so probes, the host and authorized callers always find a slot;
//! - **freshness**: a result younger than the cache's max age is served again with its
//!   age; an anonymous caller never makes a selection run more than once per
//!   [`Policy::min_interval`]; a failing result is not served once it is older than
//!   that interval, so a stale failure never outlives a run someone asks for;
//! - **the schedule**: a background run of every exposed test every period, started by
//!   the host ([`Coordinator::start_schedule`]) or by the first request for results;
//! - **redaction**: every report is redacted before anything keeps or serves it, and
//!   the runner's own stderr diagnostics go through the same redactor;
//! - **the latest results**, per test and per selection, that metrics read;
//! - **the history** of each exposed test: its last [`Policy::history`] runs, whoever
//!   started them (a request, the schedule, the command line; a run cut short by its
//!   deadline records what it has), and the streak it is on.
//!
//! How the caller is told who it is (a token, a probe route) and how the result is
//! rendered belong to the front doors ([`crate::http`]).

mod flight;
pub mod notify;
mod state;
#[cfg(feature = "http-check")]
mod webhook;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::Duration;

use tokio::sync::{watch, Semaphore};

use crate::report::damping::{self, Damping, Verdict};
use crate::report::history::History;
use crate::report::provenance::{Provenance, Source};
use crate::report::redact::Redactor;
use crate::{Report, Runner, TestDescriptor, TestReport, Trigger};

pub use flight::Busy;
use flight::Flight;
pub use state::Stored;
use state::{Key, State};

/// How long past the deadline a caller waits for the runner to report the timed-out
/// tests before it answers from what it has.
pub(crate) const DEADLINE_MARGIN: Duration = Duration::from_millis(250);

/// Who asks for a result: what they may make the service do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Caller {
    /// A caller without the token: served from recent results where it can be, limited
    /// to [`Policy::min_interval`] between runs of a selection, and to
    /// [`Policy::anonymous_runs`] runs at once.
    Anonymous,
    /// A probe of a fixed selection (readiness, startup): limited like an anonymous
    /// caller in how often it runs, but never kept from a run slot by anonymous callers.
    Probe,
    /// A caller with the token, or the host itself: never served a result older than
    /// the cache allows, and may ask for a fresh run.
    Trusted,
}

/// What one caller asks for.
#[derive(Clone, Debug)]
pub struct Ask {
    /// The tests, within those exposed, sorted by full name.
    pub tests: Vec<&'static TestDescriptor>,
    /// Who asks.
    pub caller: Caller,
    /// A run that starts no earlier than now (coalesced with one in flight); only a
    /// [`Caller::Trusted`] caller gets one, others are served as usual.
    pub fresh: bool,
}

/// A result to answer with.
#[derive(Clone, Debug)]
pub struct Served {
    /// The (redacted) report of the tests asked for.
    pub report: Arc<Report>,
    /// How old it is (zero for a run that just ended).
    pub age: Duration,
    /// How long it may be served again, counted from when it ended: what
    /// `Cache-Control: max-age` says (`None`: not at all).
    pub max_age: Option<Duration>,
    /// Who ran it: this request (or one it joined), an earlier run served again, or the
    /// schedule.
    pub source: Source,
    /// When its run ended, Unix seconds.
    pub ended_at: f64,
}

impl Served {
    /// Where the result came from and how old it is, as the formats show it.
    pub fn provenance(&self) -> Provenance {
        Provenance {
            source: self.source,
            ended_at: self.ended_at,
            age: self.age,
        }
    }
}

/// The coordinator's settings; [`crate::http::SmokeBuilder`] fills them.
#[derive(Clone, Debug)]
pub struct Policy {
    /// The run's deadline (the runner's).
    pub deadline: Duration,
    /// How long the runner gives tear-downs after the deadline.
    pub grace: Duration,
    /// Serve a run of every exposed test again while it is younger than this.
    pub cache: Option<Duration>,
    /// Run every exposed test in the background this often.
    pub schedule: Option<Duration>,
    /// Runs in progress at once, at most.
    pub max_runs: usize,
    /// Of those, how many anonymous callers may start.
    pub anonymous_runs: usize,
    /// The least time between two runs of a selection that anonymous callers and probes
    /// cause; zero turns the limit off.
    pub min_interval: Duration,
    /// Scrubs every report.
    pub redactor: Redactor,
    /// How many runs of each exposed test [`Coordinator::history`] keeps (0: none); see
    /// [`crate::report::history::DEFAULT_KEEP`].
    pub history: usize,
    /// How each test's reported status follows its outcomes (the run-wide thresholds;
    /// see [`crate::report::damping`]).
    pub damping: Damping,
    /// Who hears of status changes between recorded runs (default: no one); see
    /// [`notify`].
    pub notify: notify::Notifications,
    /// Serve a failing result again within the cache's max age (the default, `true`);
    /// `false` runs a failing selection again on the next request, except that an
    /// anonymous caller or a probe is still served it within [`min_interval`](Self::min_interval).
    pub cache_failures: bool,
}

/// Coordinates the runs of one set of exposed tests. Cheap to clone; clones share
/// everything.
#[derive(Clone, Debug)]
pub struct Coordinator {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    runner: Runner,
    policy: Policy,
    /// Every run holds one; anonymous ones hold one of `anonymous` too.
    permits: Arc<Semaphore>,
    anonymous: Arc<Semaphore>,
    exposed: Vec<&'static TestDescriptor>,
    all_key: Key,
    state: Mutex<State>,
    runs: AtomicU64,
    runs_failed: AtomicU64,
    schedule_started: AtomicBool,
    finished_runs: watch::Sender<Option<Arc<Report>>>,
    notifier: notify::Notifier,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Coordinator {
    /// A coordinator of `exposed` (sorted by full name), run by `runner`.
    pub fn new(runner: Runner, exposed: Vec<&'static TestDescriptor>, policy: Policy) -> Self {
        let mut policy = policy;
        let notifier = notify::Notifier::new(policy.notify.clone());
        policy.max_runs = policy.max_runs.max(1);
        policy.anonymous_runs = policy.anonymous_runs.clamp(1, policy.max_runs);
        let history = History::new(exposed.iter().map(|t| t.full_name()), policy.history)
            .with_damping(policy.damping, damping::per_test(&exposed, policy.damping));
        Coordinator {
            inner: Arc::new(Inner {
                runner,
                permits: Arc::new(Semaphore::new(policy.max_runs)),
                anonymous: Arc::new(Semaphore::new(policy.anonymous_runs)),
                all_key: state::key_of(&exposed),
                exposed,
                policy,
                state: Mutex::new(State::new(history)),
                runs: AtomicU64::new(0),
                runs_failed: AtomicU64::new(0),
                schedule_started: AtomicBool::new(false),
                finished_runs: watch::channel(None).0,
                notifier,
            }),
        }
    }

    /// The settings.
    pub fn policy(&self) -> &Policy {
        &self.inner.policy
    }

    /// The exposed tests, sorted by full name.
    pub fn tests(&self) -> &[&'static TestDescriptor] {
        &self.inner.exposed
    }

    /// Runs started (scheduled ones included).
    pub fn runs(&self) -> u64 {
        self.inner.runs.load(Ordering::SeqCst)
    }

    /// Runs that ended with a test that did not pass.
    pub fn runs_failed(&self) -> u64 {
        self.inner.runs_failed.load(Ordering::SeqCst)
    }

    /// The latest finished run of every exposed test, with the Unix time it ended.
    pub fn last_run(&self) -> Option<(Arc<Report>, f64)> {
        lock(&self.inner.state).last_run.clone()
    }

    /// The latest result of each test, with the Unix time its run ended.
    pub fn latest_tests(&self) -> Vec<(TestReport, f64)> {
        lock(&self.inner.state).latest_tests()
    }

    /// The recent runs of each exposed test that has run, redacted, oldest first, with
    /// its streak: the last [`Policy::history`] runs of every run the coordinator
    /// finished (requests, the schedule, the command line). Empty when the policy keeps
    /// none.
    pub fn history(&self) -> History {
        lock(&self.inner.state).history.clone()
    }

    /// The history of the tests `report` has (see [`history`](Self::history)): what a
    /// rendering of `report` shows.
    pub fn history_of(&self, report: &Report) -> History {
        lock(&self.inner.state).history.of_report(report)
    }

    /// Whether `report` passes by its tests' reported (damped) status: what the status
    /// code of an answer follows; see [`History::passes`].
    pub fn passes(&self, report: &Report) -> bool {
        self.verdict(report).passes
    }

    /// Whether the test `t` (one result of a report) passes by its reported status, after
    /// flap damping ([`History::test_passes`]).
    pub fn test_passes(&self, t: &TestReport) -> bool {
        lock(&self.inner.state).history.test_passes(t)
    }

    /// The status of `report` reported (after flap damping: what every answer's status
    /// follows) and raw; see [`Verdict`].
    pub fn verdict(&self, report: &Report) -> Verdict {
        Verdict::of(report, &lock(&self.inner.state).history)
    }

    /// Each run as it finishes, redacted (see [`crate::http::Smoke::subscribe`]).
    pub fn subscribe(&self) -> watch::Receiver<Option<Arc<Report>>> {
        self.inner.finished_runs.subscribe()
    }

    /// Starts the background schedule, if one is configured and it is not running yet.
    /// Its first run starts now.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime, when a schedule is configured.
    pub fn start_schedule(&self) {
        let Some(every) = self.inner.policy.schedule else {
            return;
        };
        if self.inner.schedule_started.swap(true, Ordering::SeqCst) {
            return;
        }
        let first = self.flight_of_all().ok();
        let weak = Arc::downgrade(&self.inner);
        tokio::spawn(schedule_loop(weak, every, first));
    }

    /// A result for `ask`: from the latest results when they are fresh enough for this
    /// caller, a run in flight, or a new run. With a cache or a schedule every selection
    /// is answered from a run of every exposed test, so the number of runs does not grow
    /// with the selections asked. `Busy` when a run would have to start and no slot is
    /// free for this caller (and, for an anonymous one, no earlier result is at hand).
    pub async fn obtain(&self, ask: Ask) -> Result<Served, Busy> {
        let policy = &self.inner.policy;
        if policy.schedule.is_some() {
            self.start_schedule();
        }
        // With a cache or a schedule, the source of every answer is a run of every test.
        let whole = policy.cache.is_some() || policy.schedule.is_some();
        // Most requests ask for every exposed test: their key is made once.
        let (key, source) = if whole || same_tests(&ask.tests, &self.inner.exposed) {
            (self.inner.all_key.clone(), &self.inner.exposed[..])
        } else {
            (state::key_of(&ask.tests), &ask.tests[..])
        };
        let max_age = self.max_age(ask.caller);
        let fresh = ask.fresh && ask.caller == Caller::Trusted;
        let stored = lock(&self.inner.state).stored(&key);
        let served = match stored {
            Some(stored) if !fresh && self.reusable(&stored, max_age, ask.caller) => {
                Ok(stored.served(max_age))
            }
            stored => match self.flight(key, ask.caller, source, Trigger::Request) {
                Ok(flight) => Ok(self.wait(flight, max_age).await),
                // An anonymous caller who finds no slot gets the latest result there is.
                Err(busy) => match stored.filter(|_| ask.caller == Caller::Anonymous) {
                    Some(stored) => Ok(stored.served(max_age)),
                    None => Err(busy),
                },
            },
        }?;
        if !whole || ask.tests.len() == self.inner.exposed.len() {
            return Ok(served);
        }
        Ok(Served {
            report: Arc::new({
                // A run of these tests runs their prerequisites too.
                let names: std::collections::BTreeSet<String> =
                    smoke_core::with_prerequisites(&ask.tests)
                        .iter()
                        .map(|t| t.full_name())
                        .collect();
                served.report.subset(|name| names.contains(name))
            }),
            ..served
        })
    }

    /// Runs the tests `ask` takes for the host: like [`obtain`](Self::obtain), but
    /// waiting for a free slot where a request would be `Busy`.
    pub async fn run(&self, tests: Vec<&'static TestDescriptor>) -> Arc<Report> {
        loop {
            let ask = Ask {
                tests: tests.clone(),
                caller: Caller::Trusted,
                fresh: false,
            };
            match self.obtain(ask).await {
                Ok(served) => return served.report,
                Err(_) => {
                    // Wait until a run ends, then try again (another may have started).
                    let _ = self.inner.permits.acquire().await;
                }
            }
        }
    }

    /// The run of every exposed test in flight, or a new one (the schedule's).
    fn flight_of_all(&self) -> Result<Flight, Busy> {
        self.flight(
            self.inner.all_key.clone(),
            Caller::Trusted,
            &self.inner.exposed,
            Trigger::Schedule,
        )
    }

    /// How old a stored result may be when served to `caller`.
    fn max_age(&self, caller: Caller) -> Option<Duration> {
        let policy = &self.inner.policy;
        let configured = policy.cache.or(policy.schedule);
        let floor = match caller {
            Caller::Anonymous | Caller::Probe => Some(policy.min_interval),
            Caller::Trusted => None,
        };
        match (configured, floor) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
        .filter(|age| !age.is_zero())
    }

    /// Whether `stored` may answer instead of a run.
    fn reusable(&self, stored: &Stored, max_age: Option<Duration>, caller: Caller) -> bool {
        let Some(max_age) = max_age else {
            return false;
        };
        let age = stored.at.elapsed();
        if age >= max_age {
            return false;
        }
        // A failure is checked again once the minimum interval has passed, by whoever
        // asks (at most once per interval, so floods stay bounded): a stale failure never
        // outlives a run someone asks for.
        // Without cached failures, only the interval's limit on runs keeps one.
        let policy = &self.inner.policy;
        stored.report.passed()
            || (age < policy.min_interval && (policy.cache_failures || caller != Caller::Trusted))
    }
}

/// Starts a run of every exposed test every `every`, the first at once (`first`, which
/// `start_schedule` started). A run that takes longer than `every` delays the next, which
/// then starts as soon as it ends (runs never overlap, missed starts are not made up).
async fn schedule_loop(inner: Weak<Inner>, every: Duration, first: Option<Flight>) {
    let mut ticks = tokio::time::interval(every.max(Duration::from_millis(1)));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks.tick().await;
    if let Some(first) = first {
        let Some(strong) = inner.upgrade() else {
            return;
        };
        Coordinator { inner: strong }.wait(first, None).await;
    }
    loop {
        ticks.tick().await;
        let Some(strong) = inner.upgrade() else {
            return;
        };
        let coordinator = Coordinator { inner: strong };
        // Busy only when other runs fill every slot: skip a turn.
        if let Ok(flight) = coordinator.flight_of_all() {
            coordinator.wait(flight, None).await;
        }
    }
}

/// Whether `a` and `b` are the same tests in the same order.
fn same_tests(a: &[&'static TestDescriptor], b: &[&'static TestDescriptor]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| std::ptr::eq(*x, *y))
}

//! What the coordinator remembers between runs: the runs in flight, the latest result of
//! each selection and of each test, how long each selection's run took, and each test's
//! recent runs (its [`History`]).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, DefaultHasher, Hash, Hasher};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::flight::Flight;
use super::Served;
use crate::report::history::History;
use crate::report::provenance::Source;
use crate::report::slots::Slots;
use crate::{Report, TestDescriptor, TestReport};

/// The tests of one run, as the single-flight and results key: their descriptors'
/// addresses, in order (registered descriptors are statics, so an address names a test;
/// comparing and hashing them costs far less than their names). Its hash is computed once,
/// when it is made: a request looks its key up several times.
#[derive(Clone, Debug, Eq)]
pub(super) struct Key {
    hash: u64,
    tests: Arc<[usize]>,
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.hash == other.hash
            && (Arc::ptr_eq(&self.tests, &other.tests) || self.tests == other.tests)
    }
}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

/// How many selections' latest results are kept; the oldest goes first. Callers who
/// may select are trusted, so this bounds memory rather than abuse.
const MAX_SELECTIONS: usize = 64;

pub(super) fn key_of(tests: &[&'static TestDescriptor]) -> Key {
    let tests: Arc<[usize]> = tests
        .iter()
        .map(|t| *t as *const TestDescriptor as usize)
        .collect();
    Key {
        hash: std::hash::BuildHasher::hash_one(
            &BuildHasherDefault::<DefaultHasher>::default(),
            &tests,
        ),
        tests,
    }
}

pub(super) fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// A run holding a slot, for `Retry-After`.
#[derive(Debug)]
pub(super) struct Running {
    pub(super) started: Instant,
    /// How long the previous run of the same selection took.
    pub(super) expected: Option<Duration>,
}

/// The latest finished run of a selection.
#[derive(Clone, Debug)]
pub struct Stored {
    /// Its report, redacted.
    pub report: Arc<Report>,
    /// When it ended.
    pub at: Instant,
    /// When it ended, Unix seconds.
    pub ended_at: f64,
    /// Who ran it: [`Source::Schedule`], or [`Source::Run`] for any other run.
    pub source: Source,
}

impl Stored {
    pub(super) fn served(&self, max_age: Option<Duration>) -> Served {
        Served {
            report: self.report.clone(),
            age: self.at.elapsed(),
            max_age,
            // Served again: a request's run is now the cache's; the schedule's stays its.
            source: match self.source {
                Source::Schedule => Source::Schedule,
                Source::Run | Source::Cache => Source::Cache,
            },
            ended_at: self.ended_at,
        }
    }
}

#[derive(Debug)]
pub(super) struct State {
    /// Runs in progress that callers may join, by the tests they run.
    pub(super) flights: HashMap<Key, Flight>,
    /// Runs holding a slot, by run number (a flight past its deadline still holds one).
    pub(super) running: HashMap<u64, Running>,
    /// The latest finished run of each selection.
    results: HashMap<Key, Stored>,
    /// How long each selection's latest run took.
    pub(super) durations: HashMap<Key, Duration>,
    /// The latest result of each test (the run's report and the test's place in it),
    /// with the Unix time its run ended (for metrics).
    latest_tests: Vec<(Arc<Report>, usize, f64)>,
    /// The place of each test's latest result in `latest_tests`.
    latest_slots: Slots,
    /// The latest finished run of every exposed test, with the Unix time it ended.
    pub(super) last_run: Option<(Arc<Report>, f64)>,
    /// The last runs of each exposed test (bounded: the exposed tests, each a ring).
    pub(super) history: History,
}

impl State {
    /// Nothing run yet; `history` is empty and says what it keeps.
    pub(super) fn new(history: History) -> Self {
        State {
            flights: HashMap::new(),
            running: HashMap::new(),
            results: HashMap::new(),
            durations: HashMap::new(),
            latest_tests: Vec::new(),
            latest_slots: Slots::default(),
            last_run: None,
            history,
        }
    }

    /// The latest result of each test, with the Unix time its run ended.
    pub(super) fn latest_tests(&self) -> Vec<(TestReport, f64)> {
        let mut latest: Vec<(TestReport, f64)> = self
            .latest_tests
            .iter()
            .map(|(report, i, at)| (report.tests[*i].clone(), *at))
            .collect();
        latest.sort_unstable_by(|(a, _), (b, _)| a.name.cmp(&b.name));
        latest
    }

    /// The latest finished run of `key`.
    pub(super) fn stored(&self, key: &Key) -> Option<Stored> {
        self.results.get(key).cloned()
    }

    /// Records a finished run of `key`.
    pub(super) fn record(
        &mut self,
        key: &Key,
        report: &Arc<Report>,
        ended: f64,
        took: Duration,
        whole: bool,
        source: Source,
    ) {
        for (i, t) in report.tests.iter().enumerate() {
            let latest = (report.clone(), i, ended);
            match self
                .latest_tests
                .get_mut(self.latest_slots.find_or_add(&t.name))
            {
                Some(slot) => *slot = latest,
                None => self.latest_tests.push(latest),
            }
        }
        // Every finished run, of any selection, whoever started it.
        self.history.record(report, ended);
        // The last-run series describe the whole set: a run of a part (`/readyz`,
        // `?tag=`) updates its tests' series only.
        if whole {
            self.last_run = Some((report.clone(), ended));
        }
        if !self.results.contains_key(key) && self.results.len() >= MAX_SELECTIONS {
            let oldest = self
                .results
                .iter()
                .min_by_key(|(_, stored)| stored.at)
                .map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                self.results.remove(&oldest);
                self.durations.remove(&oldest);
            }
        }
        self.results.insert(
            key.clone(),
            Stored {
                report: report.clone(),
                at: Instant::now(),
                ended_at: ended,
                source,
            },
        );
        self.durations.insert(key.clone(), took);
    }
}

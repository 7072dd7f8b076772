//! The run metrics: `smoke.runs`, `smoke.test.outcomes` and `smoke.test.duration`,
//! recorded once per finished run from its report (the coordinator calls [`record_run`]).

use std::sync::{Arc, PoisonError, RwLock};

use opentelemetry::metrics::{Counter, Histogram, Meter};
use opentelemetry::KeyValue;

use crate::{Outcome, Report};

/// The instruments, made from the meter of the installed [`super::Otel`].
pub(super) struct Instruments {
    runs: Counter<u64>,
    outcomes: Counter<u64>,
    duration: Histogram<f64>,
}

/// The instruments runs are recorded into: those of the latest [`super::Otel`] built, until
/// it shuts down.
static INSTALLED: RwLock<Option<Arc<Instruments>>> = RwLock::new(None);

/// Bucket bounds of `smoke.test.duration`, in seconds: smoke tests take from a few
/// milliseconds to their timeout.
const DURATION_BOUNDS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];

impl Instruments {
    pub(super) fn new(meter: &Meter) -> Self {
        Instruments {
            runs: meter
                .u64_counter("smoke.runs")
                .with_description("Smoke runs finished, by outcome (pass or fail)")
                .with_unit("{run}")
                .build(),
            outcomes: meter
                .u64_counter("smoke.test.outcomes")
                .with_description("Smoke test results, by test and outcome")
                .with_unit("{test}")
                .build(),
            duration: meter
                .f64_histogram("smoke.test.duration")
                .with_description("How long each smoke test that ran took")
                .with_unit("s")
                .with_boundaries(DURATION_BOUNDS.to_vec())
                .build(),
        }
    }
}

/// Makes `instruments` the ones runs are recorded into (`None`: record nothing).
pub(super) fn install(instruments: Option<Arc<Instruments>>) {
    *INSTALLED.write().unwrap_or_else(PoisonError::into_inner) = instruments;
}

/// Records a finished run: `smoke.runs` once (outcome `pass` or `fail`), each test's
/// outcome in `smoke.test.outcomes`, and the duration of each test that ran in
/// `smoke.test.duration`. Nothing when no [`super::Otel`] is installed.
pub(crate) fn record_run(report: &Report) {
    let installed = INSTALLED
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    let Some(instruments) = installed else {
        return;
    };
    let run_outcome = if report.passed() { "pass" } else { "fail" };
    instruments
        .runs
        .add(1, &[KeyValue::new("outcome", run_outcome)]);
    for test in &report.tests {
        let attributes = [
            KeyValue::new("outcome", test.outcome.key()),
            KeyValue::new("test", test.name.clone()),
        ];
        instruments.outcomes.add(1, &attributes);
        if test.outcome != Outcome::Skipped {
            instruments
                .duration
                .record(test.duration_ms / 1000.0, &attributes);
        }
    }
}

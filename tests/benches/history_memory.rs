//! The memory run history takes: 1,000,000 runs of 100 tests recorded through
//! `History::record` (what the coordinator calls for every finished run), with the heap
//! in use printed after 1k, 10k, 100k and 1M runs. A counting global allocator measures
//! it; the figures stay flat once every test's ring is full (50 runs).
//!
//! Run: `cargo bench -p smoke-tests --bench history_memory`.

use std::alloc::System;
use std::time::Instant;

use smoke_runtime::report::history::{History, DEFAULT_KEEP};
use smoke_runtime::{Outcome, Report, TestReport};
use stats_alloc::{StatsAlloc, INSTRUMENTED_SYSTEM};

/// The system allocator, counting what is allocated and freed.
#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The bytes in use on the heap (a reallocation counts its growth as allocated and its
/// shrinking as freed).
fn in_use() -> isize {
    let stats = GLOBAL.stats();
    stats.bytes_allocated as isize - stats.bytes_deallocated as isize
}

const TESTS: usize = 100;
const RUNS: u64 = 1_000_000;

/// Ten runs to cycle through: in run `v`, every tenth test (shifted by `v`) fails with a
/// two-line message of about 300 characters (the history keeps its first line, cut).
fn variants() -> Vec<Report> {
    (0..10)
        .map(|v| Report {
            started_at: "2026-01-01T00:00:00.000Z".into(),
            time_ms: 12.0,
            test_classes: 10,
            tests: (0..TESTS)
                .map(|i| {
                    let fails = (i + v) % 10 == 0;
                    TestReport {
                        name: format!("app::smoke::group_{}::check_{i:03}", i / 10).into(),
                        class: format!("app::smoke::group_{}", i / 10).into(),
                        file: "src/smoke.rs".into(),
                        line: i as u32,
                        tags: vec!["readiness".into()].into(),
                        outcome: if fails {
                            Outcome::Failed
                        } else {
                            Outcome::Passed
                        },
                        duration_ms: 1.5,
                        message: fails.then(|| {
                            format!(
                                "connection to db-{i}.internal:5432 refused {}\n  left: 1\n right: 2",
                                "x".repeat(250)
                            )
                        }),
                        location: None,
                    }
                })
                .collect(),
        })
        .collect()
}

fn main() {
    let reports = variants();
    let names = reports[0].tests.iter().map(|t| t.name.to_string());
    let before = in_use();
    let mut history = History::new(names, DEFAULT_KEEP);
    let started = Instant::now();
    println!(
        "{TESTS} tests, {} runs kept per test; heap held by the history:",
        history.keep()
    );
    let mut checkpoints = [1_000u64, 10_000, 100_000, 1_000_000]
        .into_iter()
        .peekable();
    for run in 1..=RUNS {
        history.record(&reports[(run % 10) as usize], run as f64);
        if checkpoints.peek() == Some(&run) {
            checkpoints.next();
            let bytes = in_use() - before;
            println!(
                "  after {run:>9} runs: {bytes:>9} bytes ({:.1} KiB)",
                bytes as f64 / 1024.0
            );
        }
    }
    let per_record = started.elapsed().as_secs_f64() * 1e9 / (RUNS as f64 * TESTS as f64);
    println!("  {per_record:.0} ns per test recorded");
    let sample = history.iter().next().expect("a test").1;
    assert_eq!(sample.runs.len(), DEFAULT_KEEP);
}

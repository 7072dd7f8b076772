//! The runner's own cost, measured through `#[smoke_test]` as users register tests:
//!
//! - the overhead per no-op test, sync and async, over 1,000 registered tests of each kind;
//! - the wall time of 20 tests that each wait 50 ms (they run concurrently, so the run
//!   should take little more than 50 ms), and of 20 sync tests that each block their
//!   thread for 50 ms (lanes spread them out as soon as one holds its lane for a tick).
//!
//! Then the comparison table of `benches/runner-vs-django.sh`: for each workload (100 and
//! 1,000 no-op sync tests, 100 no-op async tests, 20 x 50 ms waits, 20 sync tests blocking
//! 50 ms) the median µs per test through the default runner and through a plain Rust loop that calls the same bodies
//! (the limit), printed as `row WORKLOAD TESTS SMOKE_US LIMIT_US` lines.
//!
//! Run with `cargo bench -p smoke-tests --bench runner`. For instruction counts, run the
//! bench binary under `valgrind --tool=callgrind` with `SMOKE_BENCH_PROFILE=MODULE:ROUNDS`
//! (see `main`).

use std::time::{Duration, Instant};

use smoke_runtime::{Report, Runner, Selection};

/// Ten no-op tests named `t0` .. `t9`, of the kind `$kind` (`sync` or `async`).
macro_rules! ten {
    (sync) => {
        #[::smoke_runtime::smoke_test]
        fn t0() {}
        #[::smoke_runtime::smoke_test]
        fn t1() {}
        #[::smoke_runtime::smoke_test]
        fn t2() {}
        #[::smoke_runtime::smoke_test]
        fn t3() {}
        #[::smoke_runtime::smoke_test]
        fn t4() {}
        #[::smoke_runtime::smoke_test]
        fn t5() {}
        #[::smoke_runtime::smoke_test]
        fn t6() {}
        #[::smoke_runtime::smoke_test]
        fn t7() {}
        #[::smoke_runtime::smoke_test]
        fn t8() {}
        #[::smoke_runtime::smoke_test]
        fn t9() {}
    };
    (async) => {
        #[::smoke_runtime::smoke_test]
        async fn t0() {}
        #[::smoke_runtime::smoke_test]
        async fn t1() {}
        #[::smoke_runtime::smoke_test]
        async fn t2() {}
        #[::smoke_runtime::smoke_test]
        async fn t3() {}
        #[::smoke_runtime::smoke_test]
        async fn t4() {}
        #[::smoke_runtime::smoke_test]
        async fn t5() {}
        #[::smoke_runtime::smoke_test]
        async fn t6() {}
        #[::smoke_runtime::smoke_test]
        async fn t7() {}
        #[::smoke_runtime::smoke_test]
        async fn t8() {}
        #[::smoke_runtime::smoke_test]
        async fn t9() {}
    };
}

/// A hundred tests: ten modules of ten.
macro_rules! hundred {
    ($kind:tt) => {
        mod m0 {
            ten!($kind);
        }
        mod m1 {
            ten!($kind);
        }
        mod m2 {
            ten!($kind);
        }
        mod m3 {
            ten!($kind);
        }
        mod m4 {
            ten!($kind);
        }
        mod m5 {
            ten!($kind);
        }
        mod m6 {
            ten!($kind);
        }
        mod m7 {
            ten!($kind);
        }
        mod m8 {
            ten!($kind);
        }
        mod m9 {
            ten!($kind);
        }
    };
}

/// A thousand tests: ten modules of a hundred.
macro_rules! thousand {
    ($kind:tt) => {
        mod h0 {
            hundred!($kind);
        }
        mod h1 {
            hundred!($kind);
        }
        mod h2 {
            hundred!($kind);
        }
        mod h3 {
            hundred!($kind);
        }
        mod h4 {
            hundred!($kind);
        }
        mod h5 {
            hundred!($kind);
        }
        mod h6 {
            hundred!($kind);
        }
        mod h7 {
            hundred!($kind);
        }
        mod h8 {
            hundred!($kind);
        }
        mod h9 {
            hundred!($kind);
        }
    };
}

mod noop_sync {
    thousand!(sync);
}

mod noop_async {
    thousand!(async);
}

/// Twenty tests that each wait 50 ms.
mod wait50 {
    #[::smoke_runtime::smoke_test]
    async fn w00() {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    #[::smoke_runtime::smoke_test]
    async fn w01() {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    #[::smoke_runtime::smoke_test]
    async fn w02() {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    #[::smoke_runtime::smoke_test]
    async fn w03() {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    #[::smoke_runtime::smoke_test]
    async fn w04() {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    #[::smoke_runtime::smoke_test]
    async fn w05() {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    #[::smoke_runtime::smoke_test]
    async fn w06() {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    #[::smoke_runtime::smoke_test]
    async fn w07() {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    #[::smoke_runtime::smoke_test]
    async fn w08() {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    #[::smoke_runtime::smoke_test]
    async fn w09() {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    #[::smoke_runtime::smoke_test]
    async fn w10() {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    #[::smoke_runtime::smoke_test]
    async fn w11() {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    #[::smoke_runtime::smoke_test]
    async fn w12() {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    #[::smoke_runtime::smoke_test]
    async fn w13() {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    #[::smoke_runtime::smoke_test]
    async fn w14() {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    #[::smoke_runtime::smoke_test]
    async fn w15() {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    #[::smoke_runtime::smoke_test]
    async fn w16() {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    #[::smoke_runtime::smoke_test]
    async fn w17() {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    #[::smoke_runtime::smoke_test]
    async fn w18() {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    #[::smoke_runtime::smoke_test]
    async fn w19() {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Twenty sync tests that each block their thread for 50 ms: a lane spreads them over
/// more lanes once one has held it for a tick.
mod block50 {
    #[::smoke_runtime::smoke_test]
    fn b00() {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    #[::smoke_runtime::smoke_test]
    fn b01() {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    #[::smoke_runtime::smoke_test]
    fn b02() {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    #[::smoke_runtime::smoke_test]
    fn b03() {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    #[::smoke_runtime::smoke_test]
    fn b04() {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    #[::smoke_runtime::smoke_test]
    fn b05() {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    #[::smoke_runtime::smoke_test]
    fn b06() {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    #[::smoke_runtime::smoke_test]
    fn b07() {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    #[::smoke_runtime::smoke_test]
    fn b08() {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    #[::smoke_runtime::smoke_test]
    fn b09() {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    #[::smoke_runtime::smoke_test]
    fn b10() {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    #[::smoke_runtime::smoke_test]
    fn b11() {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    #[::smoke_runtime::smoke_test]
    fn b12() {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    #[::smoke_runtime::smoke_test]
    fn b13() {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    #[::smoke_runtime::smoke_test]
    fn b14() {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    #[::smoke_runtime::smoke_test]
    fn b15() {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    #[::smoke_runtime::smoke_test]
    fn b16() {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    #[::smoke_runtime::smoke_test]
    fn b17() {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    #[::smoke_runtime::smoke_test]
    fn b18() {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    #[::smoke_runtime::smoke_test]
    fn b19() {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// Runs the tests under `module` `rounds` times; gives each round's wall time.
async fn rounds(runner: &Runner, module: &str, rounds: usize, expect: usize) -> Vec<Duration> {
    let selection = Selection::all().filter(format!("runner::{module}::"));
    let mut times = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let start = Instant::now();
        let report: Report = runner.run(&selection).await;
        times.push(start.elapsed());
        assert_eq!(
            report.counts().passed,
            expect,
            "every test of {module} passes"
        );
    }
    times.sort();
    times
}

/// The bodies of the tests above, called by the plain loop.
fn noop_body() {}

async fn noop_async_body() {}

async fn wait50_body() {
    tokio::time::sleep(Duration::from_millis(50)).await;
}

/// The limit of a workload: `rounds` plain loops over its bodies; the median wall time.
async fn plain(workload: &str, tests: usize, rounds: usize) -> Duration {
    let mut times = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let start = Instant::now();
        match workload {
            "async" => {
                for _ in 0..tests {
                    std::hint::black_box(noop_async_body()).await;
                }
            }
            "block50" => {
                let blocks: Vec<_> = (0..tests)
                    .map(|_| {
                        tokio::task::spawn_blocking(|| {
                            std::thread::sleep(Duration::from_millis(50))
                        })
                    })
                    .collect();
                for b in blocks {
                    b.await.expect("a block");
                }
            }
            // The runner runs them concurrently, so the limit does too.
            "wait50" => {
                let waits: Vec<_> = (0..tests).map(|_| tokio::spawn(wait50_body())).collect();
                for w in waits {
                    w.await.expect("a wait");
                }
            }
            _ => {
                let body: fn() = std::hint::black_box(noop_body);
                for _ in 0..tests {
                    body();
                }
            }
        }
        times.push(start.elapsed());
    }
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Microseconds per test of a run of `tests` tests.
fn us_per_test(d: Duration, tests: usize) -> f64 {
    d.as_secs_f64() * 1e6 / tests as f64
}

fn main() {
    // `cargo test --benches` runs bench targets without `--bench`: one quick round then.
    let quick = !std::env::args().any(|a| a == "--bench");
    let n = if quick { 1 } else { 15 };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let default = Runner::builder().build();
    // `SMOKE_BENCH_PROFILE=noop_sync:10` runs only that module's tests, once and then that
    // many times, with the default runner: for an instruction count under callgrind (run
    // it with 0 rounds too, and divide the difference by rounds x tests).
    if let Ok(profile) = std::env::var("SMOKE_BENCH_PROFILE") {
        let (module, rounds) = profile
            .rsplit_once(':')
            .expect("SMOKE_BENCH_PROFILE=MODULE:ROUNDS");
        let rounds: usize = rounds.parse().expect("a number of rounds");
        let selection = Selection::all().filter(format!("runner::{module}::"));
        runtime.block_on(async {
            // One run first: the registry's names, the selection, the lanes' threads.
            let tests = default.run(&selection).await.counts().passed;
            for _ in 0..rounds {
                let report = default.run(&selection).await;
                assert_eq!(report.counts().passed, tests);
            }
        });
        return;
    }
    let wide = Runner::builder().concurrency(32).build();
    let one = Runner::builder().concurrency(1).build();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "runner benchmark: {} registered tests, {cores} cores, default concurrency {}, \
         {n} rounds each, min / median",
        smoke_runtime::__private_0_1::SMOKE_CORE_TESTS.len(),
        default.config().concurrency
    );
    runtime.block_on(async {
        let runners = [
            (
                format!("concurrency {} (default)", default.config().concurrency),
                &default,
            ),
            ("concurrency 32".to_owned(), &wide),
            ("concurrency 1".to_owned(), &one),
        ];
        for (label, runner) in &runners {
            for (kind, module) in [("sync", "noop_sync"), ("async", "noop_async")] {
                let times = rounds(runner, module, n, 1000).await;
                let (min, median) = (times[0], times[times.len() / 2]);
                println!(
                    "  1000 no-op {kind:5} tests, {label:26}: {:7.2} / {:7.2} ms per run, \
                     {:6.2} / {:6.2} us per test",
                    ms(min),
                    ms(median),
                    us_per_test(min, 1000),
                    us_per_test(median, 1000),
                );
            }
        }
        for (label, runner) in &runners[..2] {
            let times = rounds(runner, "wait50", n, 20).await;
            println!(
                "  20 tests waiting 50 ms each, {label:26}: {:7.2} / {:7.2} ms wall time",
                ms(times[0]),
                ms(times[times.len() / 2]),
            );
            let times = rounds(runner, "block50", n, 20).await;
            println!(
                "  20 sync tests blocking 50 ms, {label:26}: {:7.2} / {:7.2} ms wall time",
                ms(times[0]),
                ms(times[times.len() / 2]),
            );
        }
        // The comparison table's rows: the default runner against the plain loop.
        println!("# row WORKLOAD TESTS SMOKE_US_PER_TEST LIMIT_US_PER_TEST (medians)");
        for (workload, filter, kind, tests) in [
            ("noop_sync_100", "noop_sync::h0", "sync", 100),
            ("noop_sync_1000", "noop_sync", "sync", 1000),
            ("noop_async_100", "noop_async::h0", "async", 100),
            ("noop_async_1000", "noop_async", "async", 1000),
            ("sleep50ms_20", "wait50", "wait50", 20),
            ("block50ms_20", "block50", "block50", 20),
        ] {
            let times = rounds(&default, filter, n, tests).await;
            let limit = plain(kind, tests, n).await;
            println!(
                "row {workload} {tests} {:.3} {:.4}",
                us_per_test(times[times.len() / 2], tests),
                us_per_test(limit, tests),
            );
        }
    });
}

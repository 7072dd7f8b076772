//! Soak of the PostgreSQL rollback fixture: 1,000 smoke runs (4 at a time) whose test
//! writes a row and then ends in a randomly chosen way (pass, fail, error, panic, time
//! out). Counts the rows left (target 0), the connections left inside a transaction
//! (target 0) and the connections open on the server (target: the pool's idle count), and
//! exits non-zero when any misses.
//!
//! ```text
//! SMOKE_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test \
//!     cargo bench -p smoke-tests --bench rollback_soak
//! ```
//!
//! `SMOKE_SOAK_RUNS` changes the number of runs, `SMOKE_SOAK_SEED` replays a sequence.

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use smoke_runtime::prelude::*;
use smoke_runtime::rollback::drivers::sqlx::{
    self,
    postgres::{PgConnectOptions, PgPoolOptions},
    Connection, PgPool,
};
use smoke_runtime::rollback::PgRollback;
use smoke_runtime::{Outcome, Runner, Selection};

/// How the soak test ends in one run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Ending {
    Pass,
    Fail,
    Error,
    Panic,
    Timeout,
}

const ENDINGS: [Ending; 5] = [
    Ending::Pass,
    Ending::Fail,
    Ending::Error,
    Ending::Panic,
    Ending::Timeout,
];

impl Ending {
    fn expected(self) -> Outcome {
        match self {
            Ending::Pass => Outcome::Passed,
            Ending::Fail => Outcome::Failed,
            Ending::Error | Ending::Panic => Outcome::Errored,
            Ending::Timeout => Outcome::TimedOut,
        }
    }
}

/// The marker of this soak's rows.
struct Marker(String);

#[smoke_test]
async fn soak_one(
    tx: &mut PgRollback,
    ending: Resource<Ending>,
    marker: Resource<Marker>,
) -> SmokeResult {
    sqlx::query("insert into smoke_db_soak_rows(marker) values ($1)")
        .bind(&marker.0)
        .execute(tx.as_mut())
        .await?;
    match *ending {
        Ending::Pass => Ok(()),
        Ending::Fail => Err(SmokeError::failure("the chosen ending is a failure")),
        Ending::Error => {
            sqlx::query("select * from smoke_db_soak_no_such_table")
                .execute(tx.as_mut())
                .await?;
            Ok(())
        }
        Ending::Panic => panic!("the chosen ending is a panic"),
        Ending::Timeout => {
            tokio::time::sleep(Duration::from_secs(60)).await;
            Ok(())
        }
    }
}

/// xorshift64*: enough randomness to pick endings, and replayable from its seed.
struct Rng(AtomicU64);

impl Rng {
    fn next(&self) -> u64 {
        let mut x = self.0.load(Ordering::Relaxed);
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0.store(x, Ordering::Relaxed);
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

fn main() {
    let Ok(url) = std::env::var("SMOKE_TEST_POSTGRES_URL") else {
        eprintln!("note: SMOKE_TEST_POSTGRES_URL is not set; the rollback soak runs nothing");
        return;
    };
    let runs: usize = std::env::var("SMOKE_SOAK_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let seed: u64 = std::env::var("SMOKE_SOAK_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
                | 1
        });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let ok = rt.block_on(soak(&url, runs, seed));
    if !ok {
        std::process::exit(1);
    }
}

async fn soak(url: &str, runs: usize, seed: u64) -> bool {
    let app = format!("smoke-soak-{}", std::process::id());
    let options = PgConnectOptions::from_str(url)
        .expect("a valid URL")
        .application_name(&app);
    let pool: PgPool = PgPoolOptions::new()
        .max_connections(5)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options.clone())
        .await
        .unwrap_or_else(|e| panic!("SMOKE_TEST_POSTGRES_URL is set but unreachable: {e}"));
    // Concurrent `create table if not exists` can collide on PostgreSQL (a soak started
    // while the database tests run): take the same kind of lock they do.
    let mut tx = pool.begin().await.expect("begin");
    sqlx::query("select pg_advisory_xact_lock(hashtext('smoke_db_soak_rows'))")
        .execute(&mut *tx)
        .await
        .expect("lock");
    sqlx::query("create table if not exists smoke_db_soak_rows (marker text not null)")
        .execute(&mut *tx)
        .await
        .expect("create the table");
    tx.commit().await.expect("commit");
    let marker = Arc::new(Marker(format!("{app}-{seed}")));
    let rng = Arc::new(Rng(AtomicU64::new(seed)));

    let start = Instant::now();
    let workers = 4;
    let mut handles = Vec::new();
    for w in 0..workers {
        let (pool, marker, rng) = (pool.clone(), marker.clone(), rng.clone());
        let share = runs / workers + usize::from(w < runs % workers);
        handles.push(tokio::spawn(async move {
            let mut seen = Vec::with_capacity(share);
            for _ in 0..share {
                let ending = ENDINGS[(rng.next() % ENDINGS.len() as u64) as usize];
                let builder = Runner::builder()
                    .resource(pool.clone())
                    .resource(ending)
                    .default_timeout(Duration::from_millis(100))
                    .resource_arc(marker.clone());
                let began = Instant::now();
                let report = builder.build().run(&Selection::all()).await;
                let outcome = report.tests.first().map(|t| t.outcome);
                seen.push((ending, outcome, began.elapsed()));
            }
            seen
        }));
    }
    let mut results = Vec::with_capacity(runs);
    for h in handles {
        results.extend(h.await.expect("a soak worker panicked"));
    }
    let elapsed = start.elapsed();

    // Connections come back to the pool from spawned tasks: let them settle.
    for _ in 0..100 {
        if pool.num_idle() == pool.size() as usize {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut probe = sqlx::PgConnection::connect(url).await.expect("connect");
    let rows_left: i64 =
        sqlx::query_scalar("select count(*) from smoke_db_soak_rows where marker = $1")
            .bind(&marker.0)
            .fetch_one(&mut probe)
            .await
            .expect("count rows");
    let open: i64 =
        sqlx::query_scalar("select count(*) from pg_stat_activity where application_name = $1")
            .bind(&app)
            .fetch_one(&mut probe)
            .await
            .expect("count connections");
    // A tear-down that skipped its rollback leaves its connection inside the transaction,
    // with the row uncommitted: counting rows cannot see that, this can.
    let in_transaction: i64 = sqlx::query_scalar(
        "select count(*) from pg_stat_activity \
         where application_name = $1 and state like 'idle in transaction%'",
    )
    .bind(&app)
    .fetch_one(&mut probe)
    .await
    .expect("count connections in a transaction");
    probe.close().await.expect("close");

    let mut by_ending: BTreeMap<Ending, usize> = BTreeMap::new();
    let mut mismatches = Vec::new();
    let mut quick: Vec<Duration> = Vec::new();
    for (ending, outcome, took) in &results {
        *by_ending.entry(*ending).or_default() += 1;
        if *outcome != Some(ending.expected()) {
            mismatches.push((*ending, *outcome));
        }
        if *ending != Ending::Timeout {
            quick.push(*took);
        }
    }
    quick.sort();
    let pct = |p: f64| {
        quick
            .get(((quick.len() as f64 * p) as usize).min(quick.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    let idle = pool.num_idle();
    println!("rollback soak against PostgreSQL (seed {seed})");
    println!("runs: {}  in {:.1?} (4 at a time)", results.len(), elapsed);
    println!("endings: {by_ending:?}");
    println!(
        "outcome as expected: {} of {}",
        results.len() - mismatches.len(),
        results.len()
    );
    println!(
        "run time without timeouts: p50 {:.1?}, p99 {:.1?}, max {:.1?}",
        pct(0.50),
        pct(0.99),
        quick.last().copied().unwrap_or_default()
    );
    println!("rows left: {rows_left} (target 0)");
    println!("connections left inside a transaction: {in_transaction} (target 0)");
    println!(
        "connections open on the server: {open}; pool size {}, idle {idle} (target: open = idle)",
        pool.size()
    );
    for (ending, outcome) in mismatches.iter().take(10) {
        println!("mismatch: ending {ending:?} gave {outcome:?}");
    }
    let ok = rows_left == 0 && in_transaction == 0 && open == idle as i64 && mismatches.is_empty();
    println!("{}", if ok { "PASS" } else { "FAIL" });
    pool.close().await;
    ok
}

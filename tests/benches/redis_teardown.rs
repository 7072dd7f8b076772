//! The tear-down of the Redis fixture `RedisKeys` on a database without and with
//! 1,000,000 other keys: the tear-down deletes the keys `key` handed out by name, so its
//! time should not depend on the database's size; the prefix scan it also runs once the
//! test asked for `prefix` walks the whole keyspace, and is measured alongside for
//! comparison.
//!
//! ```text
//! SMOKE_TEST_REDIS_URL=redis://127.0.0.1:6379 \
//!     cargo bench -p smoke-tests --bench redis_teardown
//! ```
//!
//! Each measured test names and writes 10 keys (pipelined `SET … EX`), then is torn
//! down; the figure is the median over the rounds. The other keys are loaded with
//! pipelined `SET … EX 900` under a prefix of this run (`smoke-bench-redis:<pid>-<time>:`)
//! and `UNLINK`ed by name at the end; the expiry removes them if the bench is killed.
//! `SMOKE_BENCH_REDIS_KEYS` changes the number of other keys (default 1,000,000) and
//! `SMOKE_BENCH_REDIS_ROUNDS` the rounds per figure (default 100; 3 for the scan on the
//! loaded database).

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use smoke_runtime::rollback::drivers::redis::{self, aio::MultiplexedConnection};
use smoke_runtime::rollback::RedisKeys;
use smoke_runtime::Fixture;

/// Keys each measured test names and writes.
const NAMED: usize = 10;
/// Seconds the loaded keys live if the bench dies before removing them.
const LOAD_TTL: u64 = 900;
/// Keys per pipeline when loading and removing.
const BATCH: usize = 10_000;

fn env_usize(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|v| v.replace([',', '_'], "").parse().ok())
        .unwrap_or(default)
}

fn main() {
    let Ok(url) = std::env::var("SMOKE_TEST_REDIS_URL") else {
        eprintln!("note: SMOKE_TEST_REDIS_URL is not set; the Redis tear-down bench runs nothing");
        return;
    };
    let others = env_usize("SMOKE_BENCH_REDIS_KEYS", 1_000_000);
    let rounds = env_usize("SMOKE_BENCH_REDIS_ROUNDS", 100).max(1);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(bench(&url, others, rounds));
}

async fn bench(url: &str, others: usize, rounds: usize) {
    let client = redis::Client::open(url).expect("a valid Redis URL");
    let mut conn = client
        .get_multiplexed_async_connection()
        .await
        .unwrap_or_else(|e| panic!("SMOKE_TEST_REDIS_URL is set but unreachable: {e}"));

    let empty_size = dbsize(&mut conn).await;
    let named_empty = median_tear_down(&client, rounds, false).await;
    let scan_empty = median_tear_down(&client, rounds, true).await;

    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let prefix = format!("smoke-bench-redis:{}-{nanos:x}:", std::process::id());
    let started = Instant::now();
    for start in (0..others).step_by(BATCH) {
        let mut pipe = redis::pipe();
        for i in start..(start + BATCH).min(others) {
            pipe.set_ex(format!("{prefix}{i}"), "x", LOAD_TTL).ignore();
        }
        let () = pipe.query_async(&mut conn).await.expect("load");
    }
    let load_time = started.elapsed();
    let loaded_size = dbsize(&mut conn).await;

    let named_loaded = median_tear_down(&client, rounds, false).await;
    let scan_loaded = median_tear_down(&client, rounds.min(3), true).await;

    let started = Instant::now();
    for start in (0..others).step_by(BATCH) {
        let mut pipe = redis::pipe();
        let names: Vec<String> = (start..(start + BATCH).min(others))
            .map(|i| format!("{prefix}{i}"))
            .collect();
        pipe.cmd("UNLINK").arg(&names).ignore();
        let () = pipe.query_async(&mut conn).await.expect("remove");
    }
    let remove_time = started.elapsed();

    println!(
        "loaded {others} keys in {:.1} s (database: {empty_size} keys before, {loaded_size} \
         after), removed them in {:.1} s",
        load_time.as_secs_f64(),
        remove_time.as_secs_f64()
    );
    println!("tear-down of a test that named {NAMED} keys, median:");
    report(
        "keys named through `key`",
        named_empty,
        named_loaded,
        rounds,
        rounds,
    );
    report(
        "prefix scan (after `prefix`)",
        scan_empty,
        scan_loaded,
        rounds,
        rounds.min(3),
    );
}

fn report(what: &str, empty: Duration, loaded: Duration, rounds: usize, loaded_rounds: usize) {
    println!(
        "  {what:<30} without the keys {:>10.3} ms ({rounds} rounds)   with them {:>10.3} ms \
         ({loaded_rounds} rounds)   ratio {:.2}",
        ms(empty),
        ms(loaded),
        loaded.as_secs_f64() / empty.as_secs_f64()
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn dbsize(conn: &mut MultiplexedConnection) -> u64 {
    redis::cmd("DBSIZE")
        .query_async(conn)
        .await
        .expect("DBSIZE")
}

/// The median time of `rounds` tear-downs, each of a fresh fixture that named and wrote
/// `NAMED` keys (and asked for its prefix when `ask_prefix`); checks that they are gone.
async fn median_tear_down(client: &redis::Client, rounds: usize, ask_prefix: bool) -> Duration {
    let mut times = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let mut keys = RedisKeys::new(client, "redis_teardown_bench")
            .await
            .expect("set up");
        if ask_prefix {
            let _ = keys.prefix();
        }
        let names: Vec<String> = (0..NAMED).map(|i| keys.key(&format!("k{i}"))).collect();
        let mut pipe = redis::pipe();
        for name in &names {
            pipe.set_ex(name, "v", 300).ignore();
        }
        let () = pipe.query_async(keys.connection()).await.expect("write");
        let mut check = keys.connection().clone();
        let started = Instant::now();
        Fixture::tear_down(keys).await.expect("tear-down");
        times.push(started.elapsed());
        let left: usize = redis::cmd("EXISTS")
            .arg(&names)
            .query_async(&mut check)
            .await
            .expect("EXISTS");
        assert_eq!(left, 0, "the tear-down left {left} of the test's keys");
    }
    times.sort();
    times[times.len() / 2]
}

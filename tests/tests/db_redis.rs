//! The Redis key-prefix fixture against the server in `SMOKE_TEST_REDIS_URL`: smoke tests
//! write keys under their prefix and then pass, fail, error, panic or time out, and
//! afterwards none of their keys is left; every test run gets a prefix of its own; keys
//! outside the prefix are left alone.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use smoke_runtime::prelude::*;
use smoke_runtime::rollback::drivers::redis::{self, AsyncCommands};
use smoke_runtime::rollback::RedisKeys;
use smoke_runtime::{Outcome, Report, Runner, Selection};
use smoke_tests::db::{assert_outcome, run_marker, server_url};

/// The prefixes the tests were given, in the order they asked.
#[derive(Default)]
struct Prefixes(Mutex<Vec<String>>);

/// Writes a string, a hash and a list under the test's prefix.
async fn write_keys(redis: &mut RedisKeys, seen: &Prefixes) -> SmokeResult {
    seen.0.lock().unwrap().push(redis.prefix().to_owned());
    let (s, h, l) = (redis.key("string"), redis.key("hash"), redis.key("list"));
    let () = redis.set(&s, "ok").await?;
    let () = redis.hset(&h, "field", 1).await?;
    let _: i64 = redis.lpush(&l, "item").await?;
    Ok(())
}

#[smoke_test(tags("redis-endings"))]
async fn redis_passes(redis: &mut RedisKeys, seen: Resource<Prefixes>) -> SmokeResult {
    write_keys(redis, &seen).await?;
    let key = redis.key("string");
    let back: String = redis.get(&key).await?;
    if back != "ok" {
        return Err(SmokeError::failure(format!("read back {back:?}")));
    }
    Ok(())
}

#[smoke_test(tags("redis-endings"))]
async fn redis_fails(redis: &mut RedisKeys, seen: Resource<Prefixes>) -> SmokeResult {
    write_keys(redis, &seen).await?;
    Err(SmokeError::failure("an assertion did not hold"))
}

#[smoke_test(tags("redis-endings"))]
async fn redis_errors(redis: &mut RedisKeys, seen: Resource<Prefixes>) -> SmokeResult {
    write_keys(redis, &seen).await?;
    // WRONGTYPE: the key holds a string.
    let key = redis.key("string");
    let _: i64 = redis.lpush(&key, "x").await?;
    Ok(())
}

#[smoke_test(tags("redis-endings"))]
async fn redis_panics(redis: &mut RedisKeys, seen: Resource<Prefixes>) -> SmokeResult {
    write_keys(redis, &seen).await?;
    panic!("the test panicked after writing");
}

#[smoke_test(timeout = "300ms", tags("redis-endings"))]
async fn redis_times_out(redis: &mut RedisKeys, seen: Resource<Prefixes>) -> SmokeResult {
    write_keys(redis, &seen).await?;
    tokio::time::sleep(Duration::from_secs(30)).await;
    Ok(())
}

fn check_outcomes(report: &Report) {
    assert_outcome(report, "redis_passes", Outcome::Passed);
    assert_outcome(report, "redis_fails", Outcome::Failed);
    assert_outcome(report, "redis_errors", Outcome::Errored);
    assert_outcome(report, "redis_panics", Outcome::Errored);
    assert_outcome(report, "redis_times_out", Outcome::TimedOut);
}

/// Keys matching `pattern`, counted with SCAN on a connection of its own.
async fn keys_matching(client: &redis::Client, pattern: &str) -> usize {
    let mut conn = client
        .get_multiplexed_async_connection()
        .await
        .expect("connect");
    let mut cursor: u64 = 0;
    let mut n = 0;
    loop {
        let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
            .arg(cursor)
            .arg("MATCH")
            .arg(pattern)
            .arg("COUNT")
            .arg(1000)
            .query_async(&mut conn)
            .await
            .expect("scan");
        n += keys.len();
        if next == 0 {
            return n;
        }
        cursor = next;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_ending_deletes_the_tests_keys_on_redis() {
    let Some(url) = server_url("SMOKE_TEST_REDIS_URL") else {
        return;
    };
    let client = redis::Client::open(url.as_str()).expect("a valid Redis URL");
    let mut conn = client
        .get_multiplexed_async_connection()
        .await
        .unwrap_or_else(|e| panic!("SMOKE_TEST_REDIS_URL is set but unreachable: {e}"));
    // A key outside any test's prefix, which must survive the run.
    let outside = format!("smoke-db-redis-outside:{}", run_marker("redis"));
    let () = conn.set(&outside, "keep").await.expect("set");

    // Two runs at once: each test run gets a prefix of its own.
    let run = |seen: Arc<Prefixes>| {
        let mut builder = Runner::builder().resource(client.clone());
        builder.resources_mut().insert_arc(seen);
        let runner = builder.build();
        async move { runner.run(&Selection::all().tag("redis-endings")).await }
    };
    let (first, second) = (Arc::new(Prefixes::default()), Arc::new(Prefixes::default()));
    let (a, b) = tokio::join!(run(first.clone()), run(second.clone()));
    check_outcomes(&a);
    check_outcomes(&b);

    let mut prefixes: Vec<String> = first.0.lock().unwrap().clone();
    prefixes.extend(second.0.lock().unwrap().iter().cloned());
    assert_eq!(prefixes.len(), 10);
    let mut distinct = prefixes.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 10, "a prefix was given twice: {prefixes:?}");
    for prefix in &prefixes {
        assert_eq!(
            keys_matching(&client, &format!("{prefix}*")).await,
            0,
            "{prefix}"
        );
    }

    let kept: Option<String> = conn.get(&outside).await.expect("get");
    assert_eq!(kept.as_deref(), Some("keep"));
    let _: i64 = conn.del(&outside).await.expect("del");
}

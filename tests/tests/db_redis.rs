//! The Redis key-prefix fixture against the server in `SMOKE_TEST_REDIS_URL`: smoke tests
//! write keys under their prefix and then pass, fail, error, panic or time out, and
//! afterwards none of their keys is left; every test run gets a prefix of its own; keys
//! outside the prefix are left alone. The tear-down deletes the keys `key` handed out by
//! name, and scans the prefix only once `prefix` was asked for; the commands it sends do
//! not depend on how many other keys the database holds.
//!
//! Every key these tests write has an expiry and is deleted before the test returns: the
//! server is shared with other runs.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use smoke_runtime::prelude::*;
use smoke_runtime::rollback::drivers::redis::{self, AsyncCommands};
use smoke_runtime::rollback::RedisKeys;
use smoke_runtime::{Fixture, Outcome, Report, Runner, Selection};
use smoke_tests::db::{assert_outcome, run_marker, server_url};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Seconds the keys of these tests live if a test dies before deleting them.
const TTL: u64 = 600;

/// The prefixes the tests were given, in the order they asked.
#[derive(Default)]
struct Prefixes(Mutex<Vec<String>>);

/// Writes a string, a hash and a list under the test's prefix, with an expiry, naming
/// them through `key` only (asking for `prefix` would make the tear-down scan).
async fn write_keys(redis: &mut RedisKeys, seen: &Prefixes) -> SmokeResult {
    let (s, h, l) = (redis.key("string"), redis.key("hash"), redis.key("list"));
    let prefix = s.strip_suffix("string").expect("key appends the name");
    seen.0.lock().unwrap().push(prefix.to_owned());
    let () = redis.set_ex(&s, "ok", TTL).await?;
    let () = redis.hset(&h, "field", 1).await?;
    let _: bool = redis.expire(&h, TTL as i64).await?;
    let _: i64 = redis.lpush(&l, "item").await?;
    let _: bool = redis.expire(&l, TTL as i64).await?;
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
        let runner = Runner::builder()
            .resource(client.clone())
            .resource_arc(seen)
            .build();
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

/// The client of `SMOKE_TEST_REDIS_URL` and a connection of its own, or `None` when the
/// variable is unset. Panics when it is set and the server does not answer.
async fn redis_or_skip() -> Option<(redis::Client, redis::aio::MultiplexedConnection)> {
    let url = server_url("SMOKE_TEST_REDIS_URL")?;
    let client = redis::Client::open(url.as_str()).expect("a valid Redis URL");
    let conn = client
        .get_multiplexed_async_connection()
        .await
        .unwrap_or_else(|e| panic!("SMOKE_TEST_REDIS_URL is set but unreachable: {e}"));
    Some((client, conn))
}

/// How many of `keys` exist.
async fn existing(conn: &mut redis::aio::MultiplexedConnection, keys: &[&str]) -> usize {
    redis::cmd("EXISTS")
        .arg(keys)
        .query_async(conn)
        .await
        .expect("exists")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tear_down_deletes_the_keys_it_handed_out_and_leaves_other_keys() {
    let Some((client, mut conn)) = redis_or_skip().await else {
        return;
    };
    let mut keys = RedisKeys::new(&client, "db_redis_named")
        .await
        .expect("set up");
    let mut other = RedisKeys::new(&client, "db_redis_named")
        .await
        .expect("set up");
    let (string, hash) = (keys.key("string"), keys.key("hash"));
    let () = keys.set_ex(&string, "ok", TTL).await.expect("set");
    let () = keys.hset(&hash, "field", 1).await.expect("hset");
    let _: bool = keys.expire(&hash, TTL as i64).await.expect("expire");
    // Named twice: recorded once, deleted once.
    assert_eq!(keys.key("string"), string);

    // Left alone: a key outside any prefix, a key of another test's prefix, and a key
    // under this prefix that `key` never handed out (built from another key's name,
    // while `prefix` was never asked for).
    let outside = format!("smoke-db-redis-outside:{}", run_marker("named"));
    let others = other.key("string");
    let derived = format!("{string}:derived");
    for k in [&outside, &others, &derived] {
        let () = conn.set_ex(k, "keep", TTL).await.expect("set");
    }

    Fixture::tear_down(keys).await.expect("tear-down");

    assert_eq!(existing(&mut conn, &[&string, &hash]).await, 0);
    assert_eq!(existing(&mut conn, &[&outside, &others, &derived]).await, 3);
    let _: i64 = conn.del(&[&outside, &derived]).await.expect("del");
    assert_eq!(other.delete_all().await.expect("delete"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tear_down_scans_the_prefix_once_it_was_asked_for() {
    let Some((client, mut conn)) = redis_or_skip().await else {
        return;
    };
    let mut keys = RedisKeys::new(&client, "db_redis_shared")
        .await
        .expect("set up");
    let named = keys.key("named");
    let () = keys.set_ex(&named, "ok", TTL).await.expect("set");
    // The prefix handed to code that names keys under it, here another connection.
    let prefix = keys.prefix().to_owned();
    let unnamed = [format!("{prefix}raw"), format!("{prefix}service:1")];
    for k in &unnamed {
        let () = conn.set_ex(k, "x", TTL).await.expect("set");
    }
    // Another prefix that starts with this one's characters (`…-4:` and `…-45:`): the
    // trailing colon keeps it out of `prefix*`.
    let sibling = format!("{}5:k", prefix.strip_suffix(':').expect("ends with ':'"));
    let () = conn.set_ex(&sibling, "keep", TTL).await.expect("set");

    Fixture::tear_down(keys).await.expect("tear-down");

    assert_eq!(keys_matching(&client, &format!("{prefix}*")).await, 0);
    assert_eq!(
        existing(&mut conn, &[&named, &unnamed[0], &unnamed[1]]).await,
        0
    );
    assert_eq!(existing(&mut conn, &[&sibling]).await, 1);
    let _: i64 = conn.del(&sibling).await.expect("del");
}

/// A TCP relay to the Redis server that keeps the bytes its clients send, so that a test
/// can list the commands a fixture sent. The server's own counters (`INFO
/// commandstats`) count every client's commands, and other runs share the server.
struct Recorder {
    /// A client that connects through the relay.
    client: redis::Client,
    sent: Arc<Mutex<Vec<u8>>>,
}

impl Recorder {
    /// A relay to the server of `url` (`redis://[user:password@]host:port[/db]`).
    async fn start(url: &str) -> Recorder {
        let (scheme, rest) = url.split_once("://").expect("a URL");
        assert_eq!(scheme, "redis", "the relay reads plain RESP");
        let (auth, rest) = rest.rsplit_once('@').map_or(("", rest), |(a, r)| (a, r));
        let (server, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let server = server.to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let relay = listener.local_addr().expect("address");
        let at = if auth.is_empty() { "" } else { "@" };
        let client = redis::Client::open(format!("redis://{auth}{at}{relay}{path}").as_str())
            .expect("the relay's URL");
        let sent = Arc::new(Mutex::new(Vec::new()));
        let log = sent.clone();
        tokio::spawn(async move {
            while let Ok((inbound, _)) = listener.accept().await {
                let outbound = TcpStream::connect(server.as_str()).await.expect("connect");
                let log = log.clone();
                tokio::spawn(async move {
                    let (mut from_client, mut to_client) = inbound.into_split();
                    let (mut from_server, mut to_server) = outbound.into_split();
                    let up = async {
                        let mut buf = vec![0; 64 * 1024];
                        loop {
                            let n = from_client.read(&mut buf).await?;
                            if n == 0 {
                                return to_server.shutdown().await;
                            }
                            log.lock().unwrap().extend_from_slice(&buf[..n]);
                            to_server.write_all(&buf[..n]).await?;
                        }
                    };
                    let down = tokio::io::copy(&mut from_server, &mut to_client);
                    let _ = tokio::join!(up, down);
                });
            }
        });
        Recorder { client, sent }
    }

    /// How many bytes the clients have sent so far.
    fn mark(&self) -> usize {
        self.sent.lock().unwrap().len()
    }

    /// The commands sent since `mark`, each as its arguments.
    fn commands_since(&self, mark: usize) -> Vec<Vec<String>> {
        parse_commands(&self.sent.lock().unwrap()[mark..])
    }
}

/// The commands in `bytes`, RESP arrays of bulk strings as clients send them.
fn parse_commands(bytes: &[u8]) -> Vec<Vec<String>> {
    fn line(bytes: &[u8], at: &mut usize, kind: u8) -> usize {
        assert_eq!(bytes[*at], kind, "RESP {:?} expected", kind as char);
        let end = *at + bytes[*at..].windows(2).position(|w| w == b"\r\n").unwrap();
        let n = std::str::from_utf8(&bytes[*at + 1..end])
            .unwrap()
            .parse()
            .unwrap();
        *at = end + 2;
        n
    }
    let (mut at, mut commands) = (0, Vec::new());
    while at < bytes.len() {
        let argc = line(bytes, &mut at, b'*');
        let mut args = Vec::with_capacity(argc);
        for _ in 0..argc {
            let len = line(bytes, &mut at, b'$');
            args.push(String::from_utf8_lossy(&bytes[at..at + len]).into_owned());
            at += len + 2;
        }
        commands.push(args);
    }
    commands
}

/// The commands a fixture's tear-down sends, on a fixture that named and wrote `n`
/// keys (and asked for its prefix when `ask_prefix`).
async fn tear_down_commands(url: &str, n: usize, ask_prefix: bool) -> Vec<Vec<String>> {
    let recorder = Recorder::start(url).await;
    let mut keys = RedisKeys::new(&recorder.client, "db_redis_counted")
        .await
        .expect("set up");
    if ask_prefix {
        let _ = keys.prefix();
    }
    let mut pipe = redis::pipe();
    for i in 0..n {
        pipe.set_ex(keys.key(&format!("k{i}")), i, TTL).ignore();
    }
    if n > 0 {
        let () = pipe.query_async(keys.connection()).await.expect("set");
    }
    let mark = recorder.mark();
    Fixture::tear_down(keys).await.expect("tear-down");
    recorder.commands_since(mark)
}

/// The command names and argument counts of `commands`.
fn shape(commands: &[Vec<String>]) -> Vec<(String, usize)> {
    commands
        .iter()
        .map(|c| (c[0].to_ascii_uppercase(), c.len() - 1))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tear_down_commands_do_not_grow_with_the_database() {
    let Some((_, mut conn)) = redis_or_skip().await else {
        return;
    };
    let url = std::env::var("SMOKE_TEST_REDIS_URL").unwrap();
    let unlink = |n| ("UNLINK".to_owned(), n);

    // Proportional to the keys the test named: none, 3, and 1,200 (three batches).
    assert_eq!(shape(&tear_down_commands(&url, 0, false).await), []);
    let small = tear_down_commands(&url, 3, false).await;
    assert_eq!(shape(&small), [unlink(3)]);
    assert_eq!(
        shape(&tear_down_commands(&url, 1200, false).await),
        [unlink(512), unlink(512), unlink(176)]
    );

    // 20,000 keys of nobody's: the same commands as on a database without them.
    let bulk = format!("smoke-db-redis-bulk:{}:", run_marker("counted"));
    let names: Vec<String> = (0..20_000).map(|i| format!("{bulk}{i}")).collect();
    for batch in names.chunks(1000) {
        let mut pipe = redis::pipe();
        for name in batch {
            pipe.set_ex(name, 0, TTL).ignore();
        }
        let () = pipe.query_async(&mut conn).await.expect("load");
    }
    let loaded = tear_down_commands(&url, 3, false).await;
    // Asking for the prefix scans the whole keyspace: the relay sees the SCANs grow.
    let scanned = tear_down_commands(&url, 3, true).await;
    for batch in names.chunks(1000) {
        let _: usize = conn.unlink(batch).await.expect("unlink");
    }

    assert_eq!(shape(&loaded), shape(&small));
    let scans = scanned
        .iter()
        .filter(|c| c[0].eq_ignore_ascii_case("SCAN"))
        .count();
    assert!(
        scans >= 10,
        "{scans} SCANs over 20,000 keys: {:?}",
        shape(&scanned)
    );
}

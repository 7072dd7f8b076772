//! The Redis key-prefix fixture (feature `redis`).

use std::collections::HashSet;
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use redis::aio::MultiplexedConnection;

use crate::{Context, Fixture, SmokeError, SmokeResult};

/// How many keys one `UNLINK` of the tear-down names; the commands of one tear-down go
/// in a single pipeline, so one round trip whatever the number of keys.
const UNLINK_BATCH: usize = 512;

/// A key prefix of the test's own, unique to this run of this test, and a connection
/// to the run's Redis; after the test, whatever the outcome, the keys the test named
/// through the fixture are deleted.
///
/// # Which keys the tear-down deletes
///
/// - **Every key [`key`](Self::key) handed out.** The fixture records each name it
///   returns and the tear-down deletes exactly those, with `UNLINK` (in batches of
///   512 names, all in one pipelined round trip). Its cost follows the number of keys
///   the test named, not the size of the database; a test that named no key sends no
///   command at all.
/// - **Every key under the prefix, if the test asked for [`prefix`](Self::prefix).**
///   Once the prefix itself is out, the test (or a service it passed the prefix to) may
///   name keys under it that the fixture never saw, so the tear-down then also runs
///   `SCAN MATCH prefix* COUNT 1000` until the cursor wraps and `UNLINK`s what it finds.
///   That walks the whole keyspace: about one round trip per 1,000 keys in the
///   database, so seconds on a database of millions of keys.
///
/// A key under the prefix that neither went through `key` nor was written after
/// `prefix` was asked for is **not** deleted: for instance one built from another
/// key's name (`format!("{k}:part")` where `k = redis.key("a")`). Name it with
/// `redis.key("a:part")` instead. Keys outside the prefix are never deleted: a test
/// that writes one must remove it itself (`add_cleanup`, or a fixture).
///
/// Calling [`delete_all`](Self::delete_all) during the test does the same deletion
/// and keeps the record, so keys written again afterwards are still deleted at the
/// end.
///
/// # Interrupted runs
///
/// Redis has no rollback and the deletion is a tear-down: when it does not run (the
/// process is killed, or interrupted with Ctrl-C, mid-test), the keys stay, and the
/// record of their names goes with the process. Write them with an expiry (`set_ex`,
/// or `EXPIRE` after `HSET`/`LPUSH`/...) so that they go away by themselves then; they
/// are under `smoke:<test>:` so they can also be found and removed by hand.
///
/// The fixture dereferences to the connection, so `redis::AsyncCommands` work on it
/// directly.
///
/// ```no_run
/// use smoke_runtime::prelude::*;
/// use smoke_runtime::rollback::RedisKeys;
/// use redis::AsyncCommands;
///
/// #[smoke_test(tags("cache"))]
/// async fn cache_writable(redis: &mut RedisKeys) -> SmokeResult {
///     // Recorded: the tear-down deletes this key by name.
///     let key = redis.key("probe");
///     // Expires by itself if the tear-down never runs.
///     let () = redis.set_ex(&key, "ok", 300).await?;
///     let back: String = redis.get(&key).await?;
///     assert_equal!(back, "ok");
///     Ok(())
/// }
/// ```
pub struct RedisKeys {
    prefix: String,
    conn: MultiplexedConnection,
    /// Every name [`key`](Self::key) returned, deleted by name at tear-down.
    named: Mutex<HashSet<String>>,
    /// Whether [`prefix`](Self::prefix) was asked for: the tear-down then also scans.
    prefix_out: AtomicBool,
}

impl RedisKeys {
    /// Connects with `client` and picks a fresh prefix for the test `name`.
    pub async fn new(client: &redis::Client, name: &str) -> SmokeResult<Self> {
        let conn = client
            .get_multiplexed_async_connection()
            .await
            .map_err(|e| SmokeError::error(format!("could not connect to Redis: {e}")))?;
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let prefix = format!(
            "smoke:{name}:{}-{nanos:x}-{}:",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        Ok(RedisKeys {
            prefix,
            conn,
            named: Mutex::new(HashSet::new()),
            prefix_out: AtomicBool::new(false),
        })
    }

    /// The test's prefix, e.g. `smoke:cache_writable:4242-17f3a2c-0:`.
    ///
    /// Asking for it makes the tear-down also delete every key under the prefix with a
    /// `SCAN` of the whole keyspace (see [which keys the tear-down
    /// deletes](Self#which-keys-the-tear-down-deletes)), whose cost grows with the size
    /// of the database. Ask for it only to hand the prefix to code that names its own
    /// keys under it; name the test's own keys with [`key`](Self::key).
    pub fn prefix(&self) -> &str {
        self.prefix_out.store(true, Ordering::Relaxed);
        &self.prefix
    }

    /// The key `name` under the test's prefix; the fixture records it, and the
    /// tear-down deletes it.
    pub fn key(&self, name: &str) -> String {
        let key = format!("{}{name}", self.prefix);
        self.named
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key.clone());
        key
    }

    /// The connection (also reached through `Deref`).
    pub fn connection(&mut self) -> &mut MultiplexedConnection {
        &mut self.conn
    }

    /// Deletes the keys [`key`](Self::key) handed out and, if [`prefix`](Self::prefix)
    /// was asked for, every key under the prefix (what tear-down does); returns how many
    /// keys existed and were deleted.
    pub async fn delete_all(&mut self) -> SmokeResult<usize> {
        let mut deleted = self.unlink_named().await?;
        if self.prefix_out.load(Ordering::Relaxed) {
            deleted += self.unlink_scanned().await?;
        }
        Ok(deleted)
    }

    /// `UNLINK`s the recorded names, in batches, in one pipelined round trip.
    async fn unlink_named(&mut self) -> SmokeResult<usize> {
        let mut names: Vec<String> = self
            .named
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .cloned()
            .collect();
        if names.is_empty() {
            return Ok(0);
        }
        names.sort_unstable();
        let mut pipe = redis::pipe();
        for batch in names.chunks(UNLINK_BATCH) {
            pipe.cmd("UNLINK").arg(batch);
        }
        let counts: Vec<usize> = pipe
            .query_async(&mut self.conn)
            .await
            .map_err(|e| SmokeError::error(format!("UNLINK of the test's keys failed: {e}")))?;
        Ok(counts.iter().sum())
    }

    /// `SCAN`s the whole keyspace for the prefix and `UNLINK`s what it finds.
    async fn unlink_scanned(&mut self) -> SmokeResult<usize> {
        let pattern = format!("{}*", escape_glob(&self.prefix));
        let mut cursor: u64 = 0;
        let mut deleted = 0;
        loop {
            let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(&pattern)
                .arg("COUNT")
                .arg(1000)
                .query_async(&mut self.conn)
                .await
                .map_err(|e| SmokeError::error(format!("SCAN {pattern} failed: {e}")))?;
            if !keys.is_empty() {
                let n: usize = redis::cmd("UNLINK")
                    .arg(&keys)
                    .query_async(&mut self.conn)
                    .await
                    .map_err(|e| SmokeError::error(format!("UNLINK failed: {e}")))?;
                deleted += n;
            }
            if next == 0 {
                return Ok(deleted);
            }
            cursor = next;
        }
    }
}

/// Escapes the characters `SCAN MATCH` treats as a pattern.
fn escape_glob(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\' | '^') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl Deref for RedisKeys {
    type Target = MultiplexedConnection;
    fn deref(&self) -> &MultiplexedConnection {
        &self.conn
    }
}

impl DerefMut for RedisKeys {
    fn deref_mut(&mut self) -> &mut MultiplexedConnection {
        &mut self.conn
    }
}

impl fmt::Debug for RedisKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let named = self
            .named
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len();
        f.debug_struct("RedisKeys")
            .field("prefix", &self.prefix)
            .field("named", &named)
            .field("scans_prefix", &self.prefix_out.load(Ordering::Relaxed))
            .finish()
    }
}

impl Fixture for RedisKeys {
    async fn set_up(ctx: &Context) -> SmokeResult<Self> {
        let client = ctx.resource::<redis::Client>().ok_or_else(|| {
            SmokeError::error(
                "no Redis client is registered; register one with \
                 `.resource(redis::Client::open(url)?)`",
            )
        })?;
        RedisKeys::new(&client, ctx.name()).await
    }

    async fn tear_down(mut self) -> SmokeResult {
        self.delete_all().await.map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::escape_glob;

    #[test]
    fn glob_characters_are_escaped() {
        assert_eq!(escape_glob("smoke:a*b?[c]:"), "smoke:a\\*b\\?\\[c\\]:");
        assert_eq!(escape_glob("plain:"), "plain:");
    }
}

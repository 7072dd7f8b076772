//! The Redis key-prefix fixture (feature `redis`).

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use redis::aio::MultiplexedConnection;

use crate::{Context, Fixture, SmokeError, SmokeResult};

/// A key prefix of the test's own, unique to this run of this test, and a connection
/// to the run's Redis; after the test, every key under the prefix is deleted
/// (`SCAN MATCH prefix*` then `UNLINK`), whatever the outcome.
///
/// Redis has no rollback: only keys the test names with [`key`](Self::key) (or that start
/// with [`prefix`](Self::prefix)) are cleaned up. The fixture dereferences to the
/// connection, so `redis::AsyncCommands` work on it directly.
///
/// The deletion is a tear-down: when it does not run (the process is killed, or
/// interrupted with Ctrl-C, mid-test), the keys stay. Write them with an expiry
/// (`set_ex`, or `EXPIRE` after other writes) so that they go away by themselves then.
///
/// ```no_run
/// use smoke_runtime::prelude::*;
/// use smoke_runtime::rollback::RedisKeys;
/// use redis::AsyncCommands;
///
/// #[smoke_test(tags("cache"))]
/// async fn cache_writable(redis: &mut RedisKeys) -> SmokeResult {
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
        Ok(RedisKeys { prefix, conn })
    }

    /// The test's prefix, e.g. `smoke:cache_writable:4242-17f3a2c-0:`.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The key `name` under the test's prefix.
    pub fn key(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    /// The connection (also reached through `Deref`).
    pub fn connection(&mut self) -> &mut MultiplexedConnection {
        &mut self.conn
    }

    /// Deletes every key under the prefix (what tear-down does); returns how many.
    pub async fn delete_all(&mut self) -> SmokeResult<usize> {
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
        f.debug_struct("RedisKeys")
            .field("prefix", &self.prefix)
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

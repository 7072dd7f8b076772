//! The rollback fixture over rusqlite, the embedded default (feature `rusqlite`).

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::Connection;

use super::TransactionHook;
use crate::{Context, Fixture, SmokeError, SmokeResult};

/// An SQLite database file, registered as a resource for [`RusqliteRollback`]: each test
/// gets a connection of its own to the file, inside a transaction.
///
/// ```no_run
/// use smoke_runtime::rollback::RusqliteDb;
/// use smoke_runtime::Runner;
///
/// let runner = Runner::builder()
///     .resource(RusqliteDb::new("/var/lib/app/app.db"))
///     .build();
/// ```
#[derive(Clone, Debug)]
pub struct RusqliteDb {
    path: PathBuf,
    busy_timeout: Duration,
}

impl RusqliteDb {
    /// The database file at `path` (it must exist: a smoke test checks the real one).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        RusqliteDb {
            path: path.into(),
            busy_timeout: Duration::from_secs(5),
        }
    }

    /// How long a statement waits for another connection's lock (default 5 s).
    pub fn busy_timeout(mut self, timeout: Duration) -> Self {
        self.busy_timeout = timeout;
        self
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Opens a new connection to the file (read-write, never creating it), with the
    /// busy timeout set.
    pub fn open(&self) -> rusqlite::Result<Connection> {
        use rusqlite::OpenFlags;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&self.path, flags)?;
        conn.busy_timeout(self.busy_timeout)?;
        Ok(conn)
    }

    /// [`begin`](Self::begin) on a blocking thread: opening the file and `BEGIN` may wait
    /// for locks, which must not stall the async workers.
    async fn begin_blocking(self) -> SmokeResult<RusqliteRollback> {
        tokio::task::spawn_blocking(move || self.begin())
            .await
            .map_err(|e| SmokeError::error(format!("the set-up's thread failed: {e}")))?
    }

    /// A new connection to the file inside a transaction (what set-up does). It blocks:
    /// call it off the async threads.
    pub fn begin(&self) -> SmokeResult<RusqliteRollback> {
        let conn = self.open().map_err(|e| {
            SmokeError::error(format!(
                "could not open the SQLite database {}: {e}",
                self.path.display()
            ))
        })?;
        conn.execute_batch("BEGIN")
            .map_err(|e| SmokeError::error(format!("could not begin a transaction: {e}")))?;
        Ok(RusqliteRollback {
            conn: Some(Mutex::new(conn)),
        })
    }
}

/// A test's own connection to the run's SQLite file ([`RusqliteDb`]) inside a
/// transaction, rolled back after the test whatever its outcome.
///
/// `tx.conn()` (or `tx.as_mut()`) is the [`rusqlite::Connection`], inside the transaction;
/// use `conn().savepoint()` for nested transactions (`transaction()` would try a second
/// `BEGIN`). rusqlite's connection is not `Sync`, so it is reached through `&mut`:
/// take the fixture as `&mut RusqliteRollback`.
///
/// Tear-down sends `ROLLBACK` and closes the connection. A test that ended the
/// transaction itself (`COMMIT`) is reported as errored, since what it wrote before
/// that was kept.
///
/// ```no_run
/// use smoke_runtime::prelude::*;
/// use smoke_runtime::rollback::RusqliteRollback;
///
/// #[smoke_test(tags("db"))]
/// fn notes_writable(tx: &mut RusqliteRollback) -> SmokeResult {
///     tx.conn().execute("insert into notes(body) values ('smoke')", [])?;
///     Ok(())
/// }
/// ```
pub struct RusqliteRollback {
    conn: Option<Mutex<Connection>>,
}

impl RusqliteRollback {
    /// The connection, inside the transaction.
    pub fn conn(&mut self) -> &mut Connection {
        super::open_locked(&mut self.conn)
    }

    /// Rolls the transaction back now (what tear-down does) and closes the connection.
    pub async fn rollback(mut self) -> SmokeResult {
        let Some(conn) = self.conn.take() else {
            return Ok(());
        };
        let conn = conn
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        tokio::task::spawn_blocking(move || rollback_and_close(conn))
            .await
            .map_err(|e| SmokeError::error(format!("the rollback's thread failed: {e}")))?
    }
}

fn rollback_and_close(conn: Connection) -> SmokeResult {
    if conn.is_autocommit() {
        return Err(SmokeError::error(
            "the test ended the rollback transaction itself (COMMIT or ROLLBACK): what it \
             wrote before that was not rolled back; use savepoints inside the test",
        ));
    }
    conn.execute_batch("ROLLBACK")
        .map_err(|e| SmokeError::error(format!("the rollback failed: {e}")))?;
    conn.close()
        .map_err(|(_, e)| SmokeError::error(format!("closing the connection failed: {e}")))
}

impl AsMut<Connection> for RusqliteRollback {
    fn as_mut(&mut self) -> &mut Connection {
        self.conn()
    }
}

impl fmt::Debug for RusqliteRollback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RusqliteRollback")
            .field("open", &self.conn.is_some())
            .finish()
    }
}

impl Fixture for RusqliteRollback {
    async fn set_up(ctx: &Context) -> SmokeResult<Self> {
        let db = ctx.resource::<RusqliteDb>().ok_or_else(|| {
            SmokeError::error(
                "no SQLite database is registered; register one with \
                 `.resource(RusqliteDb::new(path))`",
            )
        })?;
        RusqliteDb::begin_blocking((*db).clone()).await
    }

    async fn tear_down(self) -> SmokeResult {
        self.rollback().await
    }
}

/// A [`RusqliteDb`] is a [`TransactionHook`], for `rollback::each_test(db)`.
impl TransactionHook for RusqliteDb {
    type Transaction = RusqliteRollback;

    async fn begin(&self, _ctx: &Context) -> SmokeResult<RusqliteRollback> {
        RusqliteDb::begin_blocking(self.clone()).await
    }

    async fn rollback(&self, tx: RusqliteRollback) -> SmokeResult {
        tx.rollback().await
    }
}

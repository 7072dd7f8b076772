//! Rollback fixtures over sqlx pools: [`PgRollback`], [`MySqlRollback`],
//! [`SqliteRollback`] (features `postgres`, `mysql`, `sqlite`).

use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::{Database, Pool};
use sqlx_core::transaction::TransactionManager as _;

use super::TransactionHook;
use crate::{Context, Fixture, SmokeError, SmokeResult};

/// How long a tear-down waits for the `ROLLBACK` to be answered before it closes the
/// connection instead (the server then rolls the transaction back itself).
///
/// The wait is long only when the test timed out while a statement was still running on
/// the server: the `ROLLBACK` is answered after that statement ends. The forced close is
/// added to the test's report.
pub const ROLLBACK_WAIT: Duration = Duration::from_secs(2);

/// A test's own transaction on a connection of the run's sqlx pool, rolled back after the
/// test whatever its outcome: passed, failed, errored, panicked or timed out.
///
/// Set-up takes the [`Pool`] the host registered as a resource (`Pool<Postgres>`, that
/// is `PgPool`, for [`PgRollback`]), checks out a connection and begins a transaction.
/// The test uses it wherever sqlx takes an executor: `tx.as_mut()` or `&mut **tx` is
/// the connection (`&mut PgConnection`), inside the transaction. Nested
/// `Connection::begin` calls on it make savepoints, so code under test that opens and
/// commits its own transaction commits only a savepoint of this one.
///
/// Tear-down first checks that the transaction is still open (PostgreSQL and
/// MySQL/MariaDB): a test that ended it itself, with a raw `COMMIT` or a statement that
/// commits implicitly, is reported as errored, since its writes were kept. Then it sends
/// `ROLLBACK`. When that fails, the test is reported as errored with
/// the reason, and the connection is closed rather than returned to the pool; when the
/// fixture is dropped without its tear-down (the runner gave up waiting), the connection
/// is closed too, which makes the server roll the transaction back.
///
/// ```no_run
/// use smoke_runtime::prelude::*;
/// use smoke_runtime::rollback::PgRollback;
///
/// #[smoke_test(tags("db"))]
/// async fn users_writable(tx: &mut PgRollback) -> SmokeResult {
///     sqlx::query("insert into users(name) values ('smoke')")
///         .execute(tx.as_mut())
///         .await?;
///     Ok(())
/// }
/// ```
pub struct SqlxRollback<DB: Database> {
    conn: Option<PoolConnection<DB>>,
    database: PhantomData<fn() -> DB>,
}

/// A transaction on the run's `PgPool`, rolled back after the test (feature `postgres`).
#[cfg(feature = "postgres")]
pub type PgRollback = SqlxRollback<sqlx::Postgres>;

/// A transaction on the run's `MySqlPool`, rolled back after the test (feature `mysql`).
/// MySQL and MariaDB commit implicitly before DDL (`CREATE`, `ALTER`, `DROP`, ...): keep
/// DDL out of smoke tests (a test that runs DDL is reported as errored).
#[cfg(feature = "mysql")]
pub type MySqlRollback = SqlxRollback<sqlx::MySql>;

/// A transaction on the run's `SqlitePool`, rolled back after the test (feature
/// `sqlite`).
#[cfg(feature = "sqlite")]
pub type SqliteRollback = SqlxRollback<sqlx::Sqlite>;

impl<DB: Database> SqlxRollback<DB> {
    /// Checks out a connection of `pool` and begins a transaction on it.
    pub async fn begin(pool: &Pool<DB>) -> SmokeResult<Self> {
        let mut conn = pool.acquire().await.map_err(|e| {
            SmokeError::error(format!("could not get a connection from the pool: {e}"))
        })?;
        DB::TransactionManager::begin(&mut conn, None)
            .await
            .map_err(|e| SmokeError::error(format!("could not begin a transaction: {e}")))?;
        mark_transaction::<DB>(&mut conn).await.map_err(|e| {
            SmokeError::error(format!("could not mark the transaction as the test's: {e}"))
        })?;
        Ok(SqlxRollback {
            conn: Some(conn),
            database: PhantomData,
        })
    }

    /// The connection, inside the transaction.
    pub fn connection(&mut self) -> &mut DB::Connection {
        super::open_mut::<PoolConnection<DB>>(&mut self.conn)
    }

    /// Rolls the transaction back now (what tear-down does), returning the connection to
    /// the pool; on failure the connection is closed and the error returned.
    pub async fn rollback(mut self) -> SmokeResult {
        let Some(mut conn) = self.conn.take() else {
            return Ok(());
        };
        let checked_rollback = async {
            let open = still_open::<DB>(&mut conn).await;
            rollback_all::<DB>(&mut conn).await.map(|()| open)
        };
        match tokio::time::timeout(ROLLBACK_WAIT, checked_rollback).await {
            Ok(Ok(true)) => Ok(()),
            Ok(Ok(false)) => Err(SmokeError::error(ENDED_BY_THE_TEST)),
            Ok(Err(e)) => {
                drop(conn.detach());
                Err(SmokeError::error(format!(
                    "the rollback failed: {e}; the connection was closed instead"
                )))
            }
            // A statement of the test is still running on the server; closing the
            // connection ends the transaction without a commit.
            Err(_) => {
                drop(conn.detach());
                Err(SmokeError::error(format!(
                    "the ROLLBACK was not answered within {ROLLBACK_WAIT:?} (a statement of \
                     the test was still running): the connection was closed instead, which \
                     ends the transaction without a commit"
                )))
            }
        }
    }
}

/// What a tear-down reports when the test's transaction was no longer open.
const ENDED_BY_THE_TEST: &str = "the transaction was committed or ended by the test (a COMMIT, \
     or on MySQL/MariaDB a statement that commits implicitly, such as DDL); its writes were \
     NOT rolled back";

/// Marks the transaction just begun, so that [`still_open`] can tell whether the test
/// ended it: on PostgreSQL a transaction-local setting, which a `COMMIT` or `ROLLBACK`
/// discards. Nothing to do on MySQL (`@@in_transaction`) or SQLite.
async fn mark_transaction<DB: Database>(conn: &mut DB::Connection) -> Result<(), sqlx::Error> {
    #[cfg(feature = "postgres")]
    if let Some(pg) = (conn as &mut dyn std::any::Any).downcast_mut::<sqlx::PgConnection>() {
        sqlx::query("select set_config('smoke.tx', '1', true)")
            .execute(pg)
            .await?;
    }
    let _ = conn;
    Ok(())
}

/// Whether the transaction begun by set-up is still open on the server (PostgreSQL and
/// MySQL/MariaDB; assumed on SQLite). A check that cannot be made (PostgreSQL refuses every
/// statement in a transaction a failed statement aborted, which is still open) counts as
/// open: the rollback that follows reports any real trouble.
async fn still_open<DB: Database>(conn: &mut DB::Connection) -> bool {
    #[cfg(feature = "postgres")]
    if let Some(pg) = (conn as &mut dyn std::any::Any).downcast_mut::<sqlx::PgConnection>() {
        return sqlx::query_scalar::<_, bool>(
            "select coalesce(current_setting('smoke.tx', true), '') = '1'",
        )
        .fetch_one(pg)
        .await
        .unwrap_or(true);
    }
    #[cfg(feature = "mysql")]
    if let Some(my) = (conn as &mut dyn std::any::Any).downcast_mut::<sqlx::MySqlConnection>() {
        return sqlx::query_scalar::<_, i64>("select cast(@@in_transaction as signed)")
            .fetch_one(my)
            .await
            .map_or(true, |n| n != 0);
    }
    let _ = conn;
    true
}

/// Rolls back every savepoint the test left open, then the transaction.
async fn rollback_all<DB: Database>(conn: &mut DB::Connection) -> Result<(), sqlx::Error> {
    while DB::TransactionManager::get_transaction_depth(conn) > 0 {
        DB::TransactionManager::rollback(conn).await?;
    }
    Ok(())
}

impl<DB: Database> Drop for SqlxRollback<DB> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            // Not torn down: close the connection, which ends the transaction on the
            // server, rather than hand a connection in an unknown state to the pool.
            drop(conn.detach());
        }
    }
}

impl<DB: Database> Deref for SqlxRollback<DB> {
    type Target = DB::Connection;
    fn deref(&self) -> &DB::Connection {
        super::open::<PoolConnection<DB>>(&self.conn)
    }
}

impl<DB: Database> DerefMut for SqlxRollback<DB> {
    fn deref_mut(&mut self) -> &mut DB::Connection {
        self.connection()
    }
}

impl<DB: Database> AsMut<DB::Connection> for SqlxRollback<DB> {
    fn as_mut(&mut self) -> &mut DB::Connection {
        self.connection()
    }
}

impl<DB: Database> fmt::Debug for SqlxRollback<DB> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqlxRollback")
            .field("database", &DB::NAME)
            .field("open", &self.conn.is_some())
            .finish()
    }
}

impl<DB: Database> Fixture for SqlxRollback<DB>
where
    DB::Connection: Sync,
{
    async fn set_up(ctx: &Context) -> SmokeResult<Self> {
        let pool = ctx.resource::<Pool<DB>>().ok_or_else(|| {
            SmokeError::error(format!(
                "no {} pool is registered; register one with `.resource(pool)`",
                DB::NAME
            ))
        })?;
        Self::begin(&pool).await
    }

    async fn tear_down(self) -> SmokeResult {
        self.rollback().await
    }
}

/// A pool is a [`TransactionHook`]: each transaction is a [`SqlxRollback`] on one of its
/// connections. This is what `rollback::each_test(pool)` uses.
impl<DB: Database> TransactionHook for Pool<DB>
where
    DB::Connection: Sync,
{
    type Transaction = SqlxRollback<DB>;

    async fn begin(&self, _ctx: &Context) -> SmokeResult<SqlxRollback<DB>> {
        SqlxRollback::begin(self).await
    }

    async fn rollback(&self, tx: SqlxRollback<DB>) -> SmokeResult {
        tx.rollback().await
    }
}

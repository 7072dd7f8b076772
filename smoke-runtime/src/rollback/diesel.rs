//! The rollback fixture over diesel's r2d2 pools (feature `diesel`).

use std::fmt;
use std::sync::{Mutex, PoisonError};

use diesel::connection::TransactionManager;
use diesel::r2d2::{ConnectionManager, Pool, PooledConnection, R2D2Connection};

use super::TransactionHook;
use crate::{Context, Fixture, SmokeError, SmokeResult};

type Pooled<C> = PooledConnection<ConnectionManager<C>>;

/// A test's own transaction on a connection of the run's diesel pool
/// (`diesel::r2d2::Pool<ConnectionManager<C>>`, registered as a resource), rolled back
/// after the test whatever its outcome.
///
/// `tx.conn()` (or `tx.as_mut()`) is the connection `&mut C`, inside the transaction;
/// `conn.transaction(...)` in code under test makes a savepoint, so its commit stays
/// inside the test's transaction. diesel's connections are not `Sync`, so the fixture is
/// reached through `&mut`: take it as `&mut DieselRollback<C>`.
///
/// Which databases: whatever backend features you enable on your own `diesel`
/// dependency (`sqlite`, `postgres`, `mysql`); this crate only enables `r2d2`.
///
/// ```ignore
/// use diesel::prelude::*;
/// use smoke_runtime::prelude::*;
/// use smoke_runtime::rollback::DieselRollback;
///
/// #[smoke_test(tags("db"))]
/// fn orders_writable(tx: &mut DieselRollback<SqliteConnection>) -> SmokeResult {
///     diesel::sql_query("insert into orders(reference) values ('smoke')")
///         .execute(tx.conn())?;
///     Ok(())
/// }
/// ```
pub struct DieselRollback<C: R2D2Connection + Send + 'static> {
    conn: Option<Mutex<Pooled<C>>>,
}

impl<C: R2D2Connection + Send + 'static> DieselRollback<C> {
    /// Checks a connection out of `pool` and begins a transaction on it (blocking: call
    /// it off the async threads, as set-up does).
    pub fn begin(pool: &Pool<ConnectionManager<C>>) -> SmokeResult<Self> {
        let mut conn = pool.get().map_err(|e| {
            SmokeError::error(format!("could not get a connection from the pool: {e}"))
        })?;
        C::TransactionManager::begin_transaction(&mut *conn)
            .map_err(|e| SmokeError::error(format!("could not begin a transaction: {e}")))?;
        Ok(DieselRollback {
            conn: Some(Mutex::new(conn)),
        })
    }

    /// The connection, inside the transaction.
    pub fn conn(&mut self) -> &mut C {
        super::open_locked::<Pooled<C>>(&mut self.conn)
    }

    /// Rolls the transaction back now (what tear-down does) and returns the connection to
    /// the pool.
    pub async fn rollback(mut self) -> SmokeResult {
        let Some(conn) = self.conn.take() else {
            return Ok(());
        };
        let conn = conn.into_inner().unwrap_or_else(PoisonError::into_inner);
        tokio::task::spawn_blocking(move || rollback_all::<C>(conn))
            .await
            .map_err(|e| SmokeError::error(format!("the rollback's thread failed: {e}")))?
    }
}

/// Rolls back every savepoint the test left open, then the transaction.
fn rollback_all<C: R2D2Connection + Send + 'static>(mut conn: Pooled<C>) -> SmokeResult {
    loop {
        let depth = C::TransactionManager::transaction_manager_status_mut(&mut *conn)
            .transaction_depth()
            .map_err(|e| SmokeError::error(format!("the rollback failed: {e}")))?;
        if depth.is_none() {
            return Ok(());
        }
        C::TransactionManager::rollback_transaction(&mut *conn)
            .map_err(|e| SmokeError::error(format!("the rollback failed: {e}")))?;
    }
}

impl<C: R2D2Connection + Send + 'static> Drop for DieselRollback<C> {
    fn drop(&mut self) {
        // Not torn down (the fixture may be dropped on an async worker, where a blocking
        // ROLLBACK must not run). The connection is still inside the test's transaction,
        // which diesel counts as broken: r2d2 closes it instead of taking it back, and
        // closing it ends the transaction without a commit.
        drop(self.conn.take());
    }
}

impl<C: R2D2Connection + Send + 'static> AsMut<C> for DieselRollback<C> {
    fn as_mut(&mut self) -> &mut C {
        self.conn()
    }
}

impl<C: R2D2Connection + Send + 'static> fmt::Debug for DieselRollback<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DieselRollback")
            .field("connection", &std::any::type_name::<C>())
            .field("open", &self.conn.is_some())
            .finish()
    }
}

async fn begin_blocking<C: R2D2Connection + Send + 'static>(
    pool: Pool<ConnectionManager<C>>,
) -> SmokeResult<DieselRollback<C>> {
    tokio::task::spawn_blocking(move || DieselRollback::begin(&pool))
        .await
        .map_err(|e| SmokeError::error(format!("the set-up's thread failed: {e}")))?
}

impl<C: R2D2Connection + Send + 'static> Fixture for DieselRollback<C> {
    async fn set_up(ctx: &Context) -> SmokeResult<Self> {
        let pool = ctx
            .resource::<Pool<ConnectionManager<C>>>()
            .ok_or_else(|| {
                SmokeError::error(format!(
                    "no diesel pool of {} is registered; register one with `.resource(pool)`",
                    std::any::type_name::<C>()
                ))
            })?;
        begin_blocking((*pool).clone()).await
    }

    async fn tear_down(self) -> SmokeResult {
        self.rollback().await
    }
}

/// A diesel pool is a [`TransactionHook`], for `rollback::each_test(pool)`.
impl<C: R2D2Connection + Send + 'static> TransactionHook for Pool<ConnectionManager<C>> {
    type Transaction = DieselRollback<C>;

    async fn begin(&self, _ctx: &Context) -> SmokeResult<DieselRollback<C>> {
        begin_blocking(self.clone()).await
    }

    async fn rollback(&self, tx: DieselRollback<C>) -> SmokeResult {
        tx.rollback().await
    }
}

//! Writes a test can make and leave nothing behind: transaction rollback fixtures, a
//! generic [`TransactionHook`] for any other driver, a run-wide mode that wraps every
//! test of a run in a transaction ([`each_test`]), and a Redis key-prefix fixture.
//!
//! | fixture | feature | resource it needs |
//! |---|---|---|
//! | `PgRollback` | `postgres` | `sqlx::PgPool` |
//! | `MySqlRollback` | `mysql` | `sqlx::MySqlPool` |
//! | `SqliteRollback` | `sqlite` | `sqlx::SqlitePool` |
//! | `RusqliteRollback` | `rusqlite` | `RusqliteDb` |
//! | `DieselRollback<C>` | `diesel` | `diesel::r2d2::Pool<ConnectionManager<C>>` |
//! | `RedisKeys` | `redis` | `redis::Client` |
//! | [`Rollback<H>`] | (none) | your `H: TransactionHook` |
//! | [`RunWideTx<T>`] | (none) | [`each_test`] configured on the runner |
//!
//! Each is a [`Fixture`]: set up before the test, torn down after it whatever the
//! outcome (passed, failed, errored, panicked or timed out), so the rollback runs in
//! every case; a rollback that itself fails is reported on that test.
//!
//! What a rollback cannot undo: side effects outside the database (files, HTTP calls,
//! e-mail, messages on a queue), sequences/auto-increment counters, and on MySQL and
//! MariaDB any DDL, which commits implicitly. Undo those with [`add_cleanup`] or a
//! fixture of your own with a `tear_down`.
//!
//! [`add_cleanup`]: crate::add_cleanup

use std::any::type_name;
use std::fmt;
use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::sync::{Mutex, PoisonError};

use smoke_core::{AroundEach, BoxFuture, TestDescriptor};

use crate::{Context, Fixture, Resources, SmokeError, SmokeResult};

#[cfg(any(feature = "postgres", feature = "mysql", feature = "sqlite"))]
mod sqlx;
#[cfg(feature = "mysql")]
pub use self::sqlx::MySqlRollback;
#[cfg(feature = "postgres")]
pub use self::sqlx::PgRollback;
#[cfg(feature = "sqlite")]
pub use self::sqlx::SqliteRollback;
#[cfg(any(feature = "postgres", feature = "mysql", feature = "sqlite"))]
pub use self::sqlx::{SqlxRollback, ROLLBACK_WAIT};

#[cfg(feature = "rusqlite")]
mod rusqlite;
#[cfg(feature = "rusqlite")]
pub use self::rusqlite::{RusqliteDb, RusqliteRollback};

#[cfg(feature = "diesel")]
mod diesel;
#[cfg(feature = "diesel")]
pub use self::diesel::DieselRollback;

#[cfg(feature = "redis")]
mod redis;
#[cfg(feature = "redis")]
pub use self::redis::RedisKeys;

/// The driver crates the fixtures are built on, at the versions they use.
pub mod drivers {
    #[cfg(feature = "diesel")]
    pub use ::diesel;
    #[cfg(feature = "redis")]
    pub use ::redis;
    #[cfg(feature = "rusqlite")]
    pub use ::rusqlite;
    #[cfg(any(feature = "postgres", feature = "mysql", feature = "sqlite"))]
    pub use ::sqlx;
}

/// How to begin and roll back a transaction, for a driver without a ready-made fixture.
///
/// Register the hook as a resource and take [`&mut Rollback<H>`](Rollback) in a test for
/// a transaction of its own, or configure it run-wide with [`each_test`] so every test
/// of the run gets one. sqlx pools implement it (`PgPool`, `MySqlPool`, `SqlitePool`),
/// and so does `RusqliteDb`.
///
/// ```
/// use smoke_runtime::prelude::*;
/// use smoke_runtime::rollback::TransactionHook;
/// use std::sync::Mutex;
///
/// /// A toy key-value store with staged writes.
/// #[derive(Default)]
/// struct Store { committed: Mutex<Vec<String>> }
///
/// /// The writes of one transaction, discarded unless committed.
/// #[derive(Default)]
/// struct Staged(Vec<String>);
///
/// impl TransactionHook for Store {
///     type Transaction = Staged;
///     async fn begin(&self, _ctx: &Context) -> SmokeResult<Staged> {
///         Ok(Staged::default())
///     }
///     async fn rollback(&self, tx: Staged) -> SmokeResult {
///         drop(tx); // nothing reached `committed`
///         Ok(())
///     }
/// }
/// ```
pub trait TransactionHook: Send + Sync + 'static {
    /// The open transaction the test works in.
    type Transaction: Send + Sync + 'static;

    /// Begins a transaction for the test `ctx` describes. An `Err` errors the test,
    /// which does not run.
    fn begin(&self, ctx: &Context) -> impl Future<Output = SmokeResult<Self::Transaction>> + Send;

    /// Rolls `tx` back. An `Err` is reported on the test.
    fn rollback(&self, tx: Self::Transaction) -> impl Future<Output = SmokeResult> + Send;
}

/// A test's own transaction from the [`TransactionHook`] `H` the host registered as a
/// resource, rolled back after the test. Dereferences to `H::Transaction`.
///
/// ```no_run
/// use smoke_runtime::prelude::*;
/// use smoke_runtime::rollback::Rollback;
/// # use smoke_runtime::rollback::TransactionHook;
/// # struct MyDb;
/// # impl MyDb { fn put(&mut self, _: &str) {} }
/// # impl TransactionHook for MyDb {
/// #     type Transaction = MyDb;
/// #     async fn begin(&self, _: &Context) -> SmokeResult<MyDb> { Ok(MyDb) }
/// #     async fn rollback(&self, _: MyDb) -> SmokeResult { Ok(()) }
/// # }
///
/// #[smoke_test]
/// async fn writes(tx: &mut Rollback<MyDb>) -> SmokeResult {
///     tx.put("smoke"); // through Deref to the transaction
///     Ok(())
/// }
/// ```
pub struct Rollback<H: TransactionHook> {
    hook: crate::Resource<H>,
    tx: Option<H::Transaction>,
}

/// What a rollback fixture holds from set-up until tear-down takes it: its transaction,
/// or the connection inside one.
#[track_caller]
pub(crate) fn open<T>(held: &Option<T>) -> &T {
    held.as_ref().expect(OPEN)
}

/// [`open`], mutably.
#[track_caller]
pub(crate) fn open_mut<T>(held: &mut Option<T>) -> &mut T {
    held.as_mut().expect(OPEN)
}

/// [`open_mut`] of a connection behind a mutex (which makes a `!Sync` connection a
/// fixture); a poisoned mutex still gives the connection, which tear-down rolls back.
#[cfg(any(feature = "rusqlite", feature = "diesel"))]
#[track_caller]
pub(crate) fn open_locked<T>(held: &mut Option<Mutex<T>>) -> &mut T {
    open_mut(held)
        .get_mut()
        .unwrap_or_else(PoisonError::into_inner)
}

/// The panic of a fixture used after its tear-down.
const OPEN: &str = "the transaction is open until tear-down";

impl<H: TransactionHook> Deref for Rollback<H> {
    type Target = H::Transaction;
    fn deref(&self) -> &H::Transaction {
        open(&self.tx)
    }
}

impl<H: TransactionHook> DerefMut for Rollback<H> {
    fn deref_mut(&mut self) -> &mut H::Transaction {
        open_mut(&mut self.tx)
    }
}

impl<H: TransactionHook> fmt::Debug for Rollback<H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rollback")
            .field("hook", &type_name::<H>())
            .field("open", &self.tx.is_some())
            .finish()
    }
}

impl<H: TransactionHook> Fixture for Rollback<H> {
    async fn set_up(ctx: &Context) -> SmokeResult<Self> {
        let hook = ctx.resource::<H>().ok_or_else(|| {
            SmokeError::error(format!(
                "no transaction hook of type {} is registered; register it with \
                 `.resource(hook)`",
                type_name::<H>()
            ))
        })?;
        let tx = hook.begin(ctx).await?;
        Ok(Rollback { hook, tx: Some(tx) })
    }

    async fn tear_down(mut self) -> SmokeResult {
        match self.tx.take() {
            Some(tx) => self.hook.rollback(tx).await,
            None => Ok(()),
        }
    }
}

/// The run-wide mode: every test of the run gets a transaction from `hook`, begun before
/// its fixtures are set up and rolled back after its tear-downs, whatever the outcome.
/// django-smoketest does this for every smoke test.
///
/// A test reaches the transaction by taking [`&mut RunWideTx<H::Transaction>`](RunWideTx);
/// tests that don't ask for it still run inside one.
///
/// ```no_run
/// # #[cfg(feature = "postgres")]
/// # mod example {
/// use smoke_runtime::prelude::*;
/// use smoke_runtime::rollback::{each_test, PgRollback, RunWideTx};
/// use smoke_runtime::Runner;
///
/// # async fn host(pool: sqlx::PgPool) {
/// let runner = Runner::builder().around_each(each_test(pool)).build();
/// # }
///
/// #[smoke_test]
/// async fn orders_writable(tx: &mut RunWideTx<PgRollback>) -> SmokeResult {
///     sqlx::query("insert into orders(ref) values ('smoke')")
///         .execute(tx.as_mut())
///         .await?;
///     Ok(())
/// }
/// # }
/// # fn main() {}
/// ```
pub fn each_test<H: TransactionHook>(hook: H) -> EachTest<H> {
    EachTest { hook }
}

/// The [`AroundEach`] hook [`each_test`] returns.
pub struct EachTest<H: TransactionHook> {
    hook: H,
}

impl<H: TransactionHook> fmt::Debug for EachTest<H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EachTest")
            .field("hook", &type_name::<H>())
            .finish()
    }
}

/// Where the run-wide transaction of one test waits between the hook and the fixture.
struct Slot<T>(Mutex<SlotState<T>>);

enum SlotState<T> {
    /// Not begun (or already rolled back).
    Empty,
    /// Begun, not lent to a fixture.
    Ready(T),
    /// Lent to a [`RunWideTx`] fixture.
    Lent,
}

impl<T> Slot<T> {
    fn replace(&self, state: SlotState<T>) -> SlotState<T> {
        let mut guard = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        std::mem::replace(&mut *guard, state)
    }
}

impl<H: TransactionHook> AroundEach for EachTest<H> {
    fn prepare(&self, _test: &'static TestDescriptor, resources: &mut Resources) {
        resources.insert(Slot::<H::Transaction>(Mutex::new(SlotState::Empty)));
    }

    fn before<'a>(&'a self, ctx: &'a Context) -> BoxFuture<'a, SmokeResult> {
        Box::pin(async move {
            let slot = slot_of::<H::Transaction>(ctx)?;
            let tx = self.hook.begin(ctx).await?;
            slot.replace(SlotState::Ready(tx));
            Ok(())
        })
    }

    fn after<'a>(&'a self, ctx: &'a Context) -> BoxFuture<'a, SmokeResult> {
        Box::pin(async move {
            let slot = slot_of::<H::Transaction>(ctx)?;
            match slot.replace(SlotState::Empty) {
                SlotState::Ready(tx) => self.hook.rollback(tx).await,
                SlotState::Empty => Ok(()),
                SlotState::Lent => Err(SmokeError::error(format!(
                    "the run-wide transaction ({}) was still lent to the test when the \
                     run-wide hook ended (a sync test that timed out still runs on its \
                     thread, or its fixtures were not torn down): it is dropped, not rolled \
                     back by the hook; the fixtures of this crate then close the connection, \
                     which ends the transaction without a commit",
                    type_name::<H::Transaction>()
                ))),
            }
        })
    }
}

fn slot_of<T: Send + Sync + 'static>(ctx: &Context) -> SmokeResult<crate::Resource<Slot<T>>> {
    ctx.resource::<Slot<T>>().ok_or_else(|| {
        SmokeError::error(format!(
            "no run-wide transaction of type {} in this run; configure one with \
             `.around_each(smoke_runtime::rollback::each_test(hook))`",
            type_name::<T>()
        ))
    })
}

/// The run-wide transaction of the test (see [`each_test`]), lent to the test for its
/// duration and given back to the hook, which rolls it back, after it. Dereferences to
/// the transaction; `as_mut()` reaches what the transaction itself gives (the connection,
/// for sqlx).
pub struct RunWideTx<T: Send + Sync + 'static> {
    slot: crate::Resource<Slot<T>>,
    tx: Option<T>,
}

impl<T: Send + Sync + 'static> Deref for RunWideTx<T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.tx
            .as_ref()
            .expect("the transaction is lent until tear-down")
    }
}

impl<T: Send + Sync + 'static> DerefMut for RunWideTx<T> {
    fn deref_mut(&mut self) -> &mut T {
        self.tx
            .as_mut()
            .expect("the transaction is lent until tear-down")
    }
}

impl<T: Send + Sync + 'static + AsMut<C>, C: ?Sized> AsMut<C> for RunWideTx<T> {
    fn as_mut(&mut self) -> &mut C {
        (**self).as_mut()
    }
}

impl<T: Send + Sync + 'static> fmt::Debug for RunWideTx<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunWideTx")
            .field("transaction", &type_name::<T>())
            .finish()
    }
}

impl<T: Send + Sync + 'static> Fixture for RunWideTx<T> {
    async fn set_up(ctx: &Context) -> SmokeResult<Self> {
        let slot = slot_of::<T>(ctx)?;
        match slot.replace(SlotState::Lent) {
            SlotState::Ready(tx) => Ok(RunWideTx { slot, tx: Some(tx) }),
            SlotState::Lent => Err(SmokeError::error(
                "the run-wide transaction is already lent to another parameter of this test",
            )),
            SlotState::Empty => {
                slot.replace(SlotState::Empty);
                Err(SmokeError::error("the run-wide transaction was not begun"))
            }
        }
    }

    async fn tear_down(mut self) -> SmokeResult {
        if let Some(tx) = self.tx.take() {
            self.slot.replace(SlotState::Ready(tx));
        }
        Ok(())
    }
}

//! SQLite rollback fixtures on database files in a temporary directory: sqlx's
//! `SqliteRollback` and rusqlite's `RusqliteRollback` (sync and async tests, and the
//! run-wide mode). Smoke tests write rows and then pass, fail, error, panic or time out;
//! afterwards not one of their rows is left, counted on a connection of its own.

use std::path::{Path, PathBuf};
use std::time::Duration;

use smoke_runtime::prelude::*;
use smoke_runtime::rollback::drivers::rusqlite::{self, Connection};
use smoke_runtime::rollback::drivers::sqlx::{
    self,
    sqlite::{SqliteConnectOptions, SqlitePoolOptions},
    SqliteConnection, SqlitePool,
};
use smoke_runtime::rollback::{each_test, RunWideTx, RusqliteDb, RusqliteRollback, SqliteRollback};
use smoke_runtime::{Outcome, Runner, Selection};
use smoke_tests::db::{assert_outcome, result_of, run_marker};

/// A fresh directory with a database file holding the rows table, removed on drop.
struct TempDb {
    dir: PathBuf,
}

impl TempDb {
    fn new(label: &str) -> Self {
        let dir = std::env::temp_dir().join(run_marker(&format!("smoke-db-sqlite-{label}")));
        std::fs::create_dir_all(&dir).expect("create the temp dir");
        let conn = Connection::open(dir.join("app.db")).expect("create the database");
        conn.execute_batch(
            "pragma journal_mode = wal;
             create table smoke_db_sqlite_rows (label text not null);",
        )
        .expect("create the table");
        TempDb { dir }
    }

    fn path(&self) -> PathBuf {
        self.dir.join("app.db")
    }

    /// Rows left, once no transaction holds the write lock any more (a sync test that
    /// timed out is torn down when its thread returns).
    fn rows_left(&self) -> i64 {
        let conn = Connection::open(self.path()).expect("open");
        conn.busy_timeout(Duration::from_secs(10)).expect("busy");
        conn.execute_batch("begin immediate; rollback;")
            .expect("the write lock is released");
        conn.query_row("select count(*) from smoke_db_sqlite_rows", [], |r| {
            r.get(0)
        })
        .expect("count")
    }
}

impl TempDb {
    /// Whether SQLite's write lock is free right now (`begin immediate` with no busy
    /// wait). A pool connection left inside a write transaction by a tear-down that
    /// skipped its rollback holds it: its rows are uncommitted, so counting rows cannot
    /// see it.
    fn write_lock_free(&self) -> bool {
        let conn = Connection::open(self.path()).expect("open");
        conn.busy_timeout(Duration::ZERO).expect("busy");
        let free = conn.execute_batch("begin immediate").is_ok();
        if free {
            conn.execute_batch("rollback").expect("rollback");
        }
        free
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

// ---- sqlx ----

async fn sx_insert(conn: &mut SqliteConnection, label: &str) -> SmokeResult {
    sqlx::query("insert into smoke_db_sqlite_rows(label) values (?)")
        .bind(label)
        .execute(conn)
        .await?;
    Ok(())
}

#[smoke_test(tags("sx-endings"))]
async fn sx_passes(tx: &mut SqliteRollback) -> SmokeResult {
    sx_insert(tx.as_mut(), "passes").await?;
    let seen: i64 = sqlx::query_scalar("select count(*) from smoke_db_sqlite_rows")
        .fetch_one(tx.as_mut())
        .await?;
    if seen != 1 {
        return Err(SmokeError::failure(format!("saw {seen} rows, expected 1")));
    }
    Ok(())
}

#[smoke_test(tags("sx-endings"))]
async fn sx_fails(tx: &mut SqliteRollback) -> SmokeResult {
    sx_insert(tx.as_mut(), "fails").await?;
    Err(SmokeError::failure("an assertion did not hold"))
}

#[smoke_test(tags("sx-endings"))]
async fn sx_errors(tx: &mut SqliteRollback) -> SmokeResult {
    sx_insert(tx.as_mut(), "errors").await?;
    sqlx::query("select * from smoke_db_sqlite_no_such_table")
        .execute(tx.as_mut())
        .await?;
    Ok(())
}

#[smoke_test(tags("sx-endings"))]
async fn sx_panics(tx: &mut SqliteRollback) -> SmokeResult {
    sx_insert(tx.as_mut(), "panics").await?;
    panic!("the test panicked after writing");
}

#[smoke_test(timeout = "300ms", tags("sx-endings"))]
async fn sx_times_out(tx: &mut SqliteRollback) -> SmokeResult {
    sx_insert(tx.as_mut(), "times out").await?;
    tokio::time::sleep(Duration::from_secs(30)).await;
    Ok(())
}

async fn sqlx_pool(path: &Path) -> SqlitePool {
    SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(SqliteConnectOptions::new().filename(path))
        .await
        .expect("open the SQLite pool")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_ending_is_rolled_back_on_sqlite_with_sqlx() {
    let db = TempDb::new("sqlx");
    let pool = sqlx_pool(&db.path()).await;
    // SQLite has one writer at a time: the tests take turns.
    let runner = Runner::builder()
        .resource(pool.clone())
        .concurrency(1)
        .build();
    let report = runner.run(&Selection::all().tag("sx-endings")).await;
    assert!(
        db.write_lock_free(),
        "a connection of the pool was left inside a write transaction"
    );
    assert_outcome(&report, "sx_passes", Outcome::Passed);
    assert_outcome(&report, "sx_fails", Outcome::Failed);
    assert_outcome(&report, "sx_errors", Outcome::Errored);
    assert_outcome(&report, "sx_panics", Outcome::Errored);
    assert_outcome(&report, "sx_times_out", Outcome::TimedOut);
    pool.close().await;
    assert_eq!(db.rows_left(), 0);
}

// ---- rusqlite ----

fn rs_insert(tx: &mut RusqliteRollback, label: &str) -> SmokeResult {
    tx.conn().execute(
        "insert into smoke_db_sqlite_rows(label) values (?1)",
        [label],
    )?;
    Ok(())
}

#[smoke_test(tags("rs-endings"))]
fn rs_passes(tx: &mut RusqliteRollback) -> SmokeResult {
    rs_insert(tx, "passes")?;
    let seen: i64 = tx
        .conn()
        .query_row("select count(*) from smoke_db_sqlite_rows", [], |r| {
            r.get(0)
        })?;
    if seen != 1 {
        return Err(SmokeError::failure(format!("saw {seen} rows, expected 1")));
    }
    Ok(())
}

#[smoke_test(tags("rs-endings"))]
fn rs_fails(tx: &mut RusqliteRollback) -> SmokeResult {
    rs_insert(tx, "fails")?;
    Err(SmokeError::failure("an assertion did not hold"))
}

#[smoke_test(tags("rs-endings"))]
fn rs_errors(tx: &mut RusqliteRollback) -> SmokeResult {
    rs_insert(tx, "errors")?;
    tx.conn()
        .execute("insert into smoke_db_sqlite_no_such_table values (1)", [])?;
    Ok(())
}

#[smoke_test(tags("rs-endings"))]
fn rs_panics(tx: &mut RusqliteRollback) -> SmokeResult {
    rs_insert(tx, "panics")?;
    panic!("the test panicked after writing");
}

#[smoke_test(timeout = "200ms", tags("rs-endings"))]
fn rs_times_out(tx: &mut RusqliteRollback) -> SmokeResult {
    rs_insert(tx, "times out")?;
    std::thread::sleep(Duration::from_millis(800));
    Ok(())
}

#[smoke_test(tags("rs-endings"))]
async fn rs_async_panics(tx: &mut RusqliteRollback) -> SmokeResult {
    rs_insert(tx, "async panics")?;
    tokio::task::yield_now().await;
    panic!("the test panicked after writing");
}

#[smoke_test(tags("rs-endings"))]
fn rs_commits_itself(tx: &mut RusqliteRollback) -> SmokeResult {
    tx.conn().execute_batch("commit")?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_ending_is_rolled_back_on_sqlite_with_rusqlite() {
    let db = TempDb::new("rusqlite");
    let runner = Runner::builder()
        .resource(RusqliteDb::new(db.path()))
        .concurrency(1)
        .build();
    let report = runner.run(&Selection::all().tag("rs-endings")).await;
    assert_outcome(&report, "rs_passes", Outcome::Passed);
    assert_outcome(&report, "rs_fails", Outcome::Failed);
    assert_outcome(&report, "rs_errors", Outcome::Errored);
    assert_outcome(&report, "rs_panics", Outcome::Errored);
    assert_outcome(&report, "rs_times_out", Outcome::TimedOut);
    assert_outcome(&report, "rs_async_panics", Outcome::Errored);
    assert_outcome(&report, "rs_commits_itself", Outcome::Errored);
    let message = result_of(&report, "rs_commits_itself").message.clone();
    assert!(
        message
            .as_deref()
            .unwrap_or("")
            .contains("ended the rollback transaction itself"),
        "{message:?}"
    );
    assert_eq!(db.rows_left(), 0);
}

#[smoke_test(tags("rs-isolation"))]
fn rs_writer(tx: &mut RusqliteRollback, both: Resource<std::sync::Barrier>) -> SmokeResult {
    rs_insert(tx, "uncommitted")?;
    both.wait(); // written
    both.wait(); // the reader has looked
    Ok(())
}

#[smoke_test(tags("rs-isolation"))]
fn rs_reader(tx: &mut RusqliteRollback, both: Resource<std::sync::Barrier>) -> SmokeResult {
    both.wait(); // the writer has written
    let seen: rusqlite::Result<i64> =
        tx.conn()
            .query_row("select count(*) from smoke_db_sqlite_rows", [], |r| {
                r.get(0)
            });
    both.wait();
    match seen? {
        0 => Ok(()),
        n => Err(SmokeError::failure(format!(
            "saw {n} uncommitted rows of another test"
        ))),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_tests_do_not_see_each_others_rows_on_sqlite() {
    let db = TempDb::new("isolation");
    let runner = Runner::builder()
        .resource(RusqliteDb::new(db.path()))
        .resource(std::sync::Barrier::new(2))
        .default_timeout(Duration::from_secs(10))
        .build();
    let report = runner.run(&Selection::all().tag("rs-isolation")).await;
    assert_outcome(&report, "rs_writer", Outcome::Passed);
    assert_outcome(&report, "rs_reader", Outcome::Passed);
    assert_eq!(db.rows_left(), 0);
}

#[smoke_test(tags("rs-run-wide"))]
fn rs_run_wide_writes(tx: &mut RunWideTx<RusqliteRollback>) -> SmokeResult {
    rs_insert(tx, "run-wide")?;
    Ok(())
}

#[smoke_test(tags("rs-run-wide"))]
fn rs_run_wide_fails(tx: &mut RunWideTx<RusqliteRollback>) -> SmokeResult {
    rs_insert(tx, "run-wide fails")?;
    Err(SmokeError::failure("an assertion did not hold"))
}

#[smoke_test(timeout = "200ms", tags("rs-run-wide"))]
fn rs_run_wide_times_out(tx: &mut RunWideTx<RusqliteRollback>) -> SmokeResult {
    rs_insert(tx, "run-wide times out")?;
    std::thread::sleep(Duration::from_millis(800));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_run_wide_mode_rolls_back_every_test_on_sqlite() {
    let db = TempDb::new("run-wide");
    let runner = Runner::builder()
        .around_each(each_test(RusqliteDb::new(db.path())))
        .concurrency(1)
        .build();
    let report = runner.run(&Selection::all().tag("rs-run-wide")).await;
    assert_outcome(&report, "rs_run_wide_writes", Outcome::Passed);
    assert_outcome(&report, "rs_run_wide_fails", Outcome::Failed);
    // The thread of a sync test that timed out still holds the transaction when the
    // run-wide hook ends: it is dropped (the connection closed) when the thread returns.
    assert_outcome(&report, "rs_run_wide_times_out", Outcome::TimedOut);
    let message = result_of(&report, "rs_run_wide_times_out").message.clone();
    assert!(
        message
            .as_deref()
            .unwrap_or("")
            .contains("still lent to the test"),
        "{message:?}"
    );
    assert_eq!(db.rows_left(), 0);
}

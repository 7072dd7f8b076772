//! diesel's rollback fixture on an SQLite file in a temporary directory: smoke tests
//! write rows and then pass, fail, error, panic or time out, or commit through
//! `Connection::transaction` (a savepoint of the test's transaction); afterwards not one
//! of their rows is left, counted on a connection of its own.

use std::path::PathBuf;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, Pool};
use diesel::sql_types::BigInt;
use diesel::{Connection, RunQueryDsl, SqliteConnection};
use smoke_runtime::prelude::*;
use smoke_runtime::rollback::{each_test, DieselRollback, RunWideTx};
use smoke_runtime::{Outcome, Runner, Selection};
use smoke_tests::db::{assert_outcome, run_marker};

type Tx = DieselRollback<SqliteConnection>;

fn insert(conn: &mut SqliteConnection, label: &str) -> SmokeResult {
    diesel::sql_query("insert into smoke_db_diesel_rows(label) values (?)")
        .bind::<diesel::sql_types::Text, _>(label)
        .execute(conn)?;
    Ok(())
}

fn count(conn: &mut SqliteConnection) -> SmokeResult<i64> {
    Ok(diesel::select(diesel::dsl::sql::<BigInt>(
        "(select count(*) from smoke_db_diesel_rows)",
    ))
    .get_result(conn)?)
}

#[smoke_test(tags("dz-endings"))]
fn dz_passes(tx: &mut Tx) -> SmokeResult {
    insert(tx.conn(), "passes")?;
    assert_equal!(count(tx.conn())?, 1);
    Ok(())
}

#[smoke_test(tags("dz-endings"))]
fn dz_fails(tx: &mut Tx) -> SmokeResult {
    insert(tx.conn(), "fails")?;
    Err(SmokeError::failure("an assertion did not hold"))
}

#[smoke_test(tags("dz-endings"))]
fn dz_errors(tx: &mut Tx) -> SmokeResult {
    insert(tx.conn(), "errors")?;
    diesel::sql_query("insert into smoke_db_diesel_no_such_table values (1)").execute(tx.conn())?;
    Ok(())
}

#[smoke_test(tags("dz-endings"))]
fn dz_panics(tx: &mut Tx) -> SmokeResult {
    insert(tx.conn(), "panics")?;
    panic!("the test panicked after writing");
}

#[smoke_test(timeout = "200ms", tags("dz-endings"))]
fn dz_times_out(tx: &mut Tx) -> SmokeResult {
    insert(tx.conn(), "times out")?;
    std::thread::sleep(Duration::from_millis(800));
    Ok(())
}

#[smoke_test(tags("dz-endings"))]
fn dz_code_that_commits(tx: &mut Tx) -> SmokeResult {
    // Code under test that commits its own transaction commits a savepoint only.
    tx.conn()
        .transaction(|conn| insert(conn, "committed by the code under test"))?;
    Ok(())
}

#[smoke_test(tags("dz-run-wide"))]
fn dz_run_wide(tx: &mut RunWideTx<Tx>) -> SmokeResult {
    insert(tx.conn(), "run-wide")?;
    Ok(())
}

struct TempDb(PathBuf);

impl TempDb {
    fn new(label: &str) -> TempDb {
        let dir = std::env::temp_dir().join(run_marker(&format!("smoke-db-diesel-{label}")));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let db = TempDb(dir);
        let mut conn = SqliteConnection::establish(&db.url()).expect("create the database");
        conn.batch_execute(
            "pragma journal_mode = wal;
             create table smoke_db_diesel_rows (label text not null);",
        )
        .expect("create the table");
        db
    }

    fn url(&self) -> String {
        self.0.join("app.db").display().to_string()
    }

    fn pool(&self) -> Pool<ConnectionManager<SqliteConnection>> {
        Pool::builder()
            .max_size(3)
            .build(ConnectionManager::new(self.url()))
            .expect("pool")
    }

    /// Rows left, once no transaction holds the write lock.
    fn rows_left(&self) -> i64 {
        let mut conn = SqliteConnection::establish(&self.url()).expect("open");
        conn.batch_execute("pragma busy_timeout = 10000; begin immediate; rollback;")
            .expect("the write lock is released");
        count(&mut conn).expect("count")
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_ending_is_rolled_back_with_diesel() {
    let db = TempDb::new("endings");
    let runner = Runner::builder().resource(db.pool()).concurrency(1).build();
    let report = runner.run(&Selection::all().tag("dz-endings")).await;
    assert_outcome(&report, "dz_passes", Outcome::Passed);
    assert_outcome(&report, "dz_fails", Outcome::Failed);
    assert_outcome(&report, "dz_errors", Outcome::Errored);
    assert_outcome(&report, "dz_panics", Outcome::Errored);
    assert_outcome(&report, "dz_times_out", Outcome::TimedOut);
    assert_outcome(&report, "dz_code_that_commits", Outcome::Passed);
    assert_eq!(db.rows_left(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_run_wide_mode_rolls_back_with_diesel() {
    let db = TempDb::new("run-wide");
    let runner = Runner::builder().around_each(each_test(db.pool())).build();
    let report = runner.run(&Selection::all().tag("dz-run-wide")).await;
    assert_outcome(&report, "dz_run_wide", Outcome::Passed);
    assert_eq!(db.rows_left(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fixture_dropped_without_tear_down_leaves_nothing_in_the_pool() {
    let db = TempDb::new("dropped");
    let pool = Pool::builder()
        .max_size(1)
        .build(ConnectionManager::<SqliteConnection>::new(db.url()))
        .expect("pool");
    let mut tx = tokio::task::spawn_blocking({
        let pool = pool.clone();
        move || Tx::begin(&pool).expect("begin")
    })
    .await
    .expect("begin's thread");
    insert(tx.conn(), "dropped without tear-down").expect("insert");
    // Dropped here, on an async worker, as when a runner gives up on a tear-down.
    drop(tx);
    let left = tokio::task::spawn_blocking(move || {
        // The pool's one connection: not the dropped one, still inside its transaction.
        let mut conn = pool.get().expect("a connection");
        conn.batch_execute("begin immediate; rollback;")
            .expect("no transaction holds the write lock");
        count(&mut conn).expect("count")
    })
    .await
    .expect("the check's thread");
    assert_eq!(left, 0);
    assert_eq!(db.rows_left(), 0);
}

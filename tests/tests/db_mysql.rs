//! MySQL/MariaDB rollback fixtures against the server in `SMOKE_TEST_MYSQL_URL`: smoke
//! tests write rows and then pass, fail, error, panic or time out, and afterwards not one
//! of their rows is left; concurrent tests do not see each other's uncommitted rows; a
//! rollback that fails is reported.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use smoke_runtime::prelude::*;
use smoke_runtime::rollback::drivers::sqlx::{
    self, mysql::MySqlPoolOptions, Connection, MySql, MySqlConnection, MySqlPool,
};
use smoke_runtime::rollback::MySqlRollback;
use smoke_runtime::{Outcome, Report, Runner, Selection};
use smoke_tests::db::{
    all_returned, assert_outcome, count_on_own_connection, result_of, run_marker, server_url,
};
use tokio::sync::Barrier;

/// Tags the rows one run of this file writes.
struct Marker(String);

async fn insert(conn: &mut MySqlConnection, marker: &Marker, label: &str) -> SmokeResult {
    sqlx::query("insert into smoke_db_mysql_rows(marker, label) values (?, ?)")
        .bind(&marker.0)
        .bind(label)
        .execute(conn)
        .await?;
    Ok(())
}

async fn count(conn: &mut MySqlConnection, marker: &Marker) -> SmokeResult<i64> {
    Ok(
        sqlx::query_scalar("select count(*) from smoke_db_mysql_rows where marker = ?")
            .bind(&marker.0)
            .fetch_one(conn)
            .await?,
    )
}

#[smoke_test(tags("my-endings"))]
async fn my_passes(tx: &mut MySqlRollback, marker: Resource<Marker>) -> SmokeResult {
    insert(tx.as_mut(), &marker, "passes").await?;
    insert(tx.as_mut(), &marker, "passes again").await?;
    let seen = count(tx.as_mut(), &marker).await?;
    if seen < 2 {
        return Err(SmokeError::failure(format!(
            "the test's own rows are not visible in its transaction: {seen}"
        )));
    }
    Ok(())
}

#[smoke_test(tags("my-endings"))]
async fn my_fails(tx: &mut MySqlRollback, marker: Resource<Marker>) -> SmokeResult {
    insert(tx.as_mut(), &marker, "fails").await?;
    Err(SmokeError::failure("an assertion did not hold"))
}

#[smoke_test(tags("my-endings"))]
async fn my_errors(tx: &mut MySqlRollback, marker: Resource<Marker>) -> SmokeResult {
    insert(tx.as_mut(), &marker, "errors").await?;
    sqlx::query("select * from smoke_db_mysql_no_such_table")
        .execute(tx.as_mut())
        .await?;
    Ok(())
}

#[smoke_test(tags("my-endings"))]
async fn my_panics(tx: &mut MySqlRollback, marker: Resource<Marker>) -> SmokeResult {
    insert(tx.as_mut(), &marker, "panics").await?;
    panic!("the test panicked after writing");
}

#[smoke_test(timeout = "300ms", tags("my-endings"))]
async fn my_times_out(tx: &mut MySqlRollback, marker: Resource<Marker>) -> SmokeResult {
    insert(tx.as_mut(), &marker, "times out").await?;
    tokio::time::sleep(Duration::from_secs(30)).await;
    Ok(())
}

#[smoke_test(timeout = "300ms", tags("my-endings"))]
async fn my_times_out_mid_statement(
    tx: &mut MySqlRollback,
    marker: Resource<Marker>,
) -> SmokeResult {
    insert(tx.as_mut(), &marker, "times out mid-statement").await?;
    // Still running on the server when the body is dropped.
    sqlx::query("select sleep(1)").execute(tx.as_mut()).await?;
    Ok(())
}

#[smoke_test(tags("my-endings"))]
async fn my_code_that_commits(tx: &mut MySqlRollback, marker: Resource<Marker>) -> SmokeResult {
    // Code under test that opens and commits a transaction of its own commits only a
    // savepoint of the test's transaction.
    let mut inner = tx.as_mut().begin().await?;
    insert(&mut inner, &marker, "committed by the code under test").await?;
    inner.commit().await?;
    Ok(())
}

#[smoke_test(tags("my-isolation"))]
async fn my_isolated_a(
    tx: &mut MySqlRollback,
    marker: Resource<Marker>,
    both: Resource<Barrier>,
) -> SmokeResult {
    isolated(tx, &marker, &both).await
}

#[smoke_test(tags("my-isolation"))]
async fn my_isolated_b(
    tx: &mut MySqlRollback,
    marker: Resource<Marker>,
    both: Resource<Barrier>,
) -> SmokeResult {
    isolated(tx, &marker, &both).await
}

/// Writes a row, waits until the other test has written its own, and sees only its own.
async fn isolated(tx: &mut MySqlRollback, marker: &Marker, both: &Barrier) -> SmokeResult {
    insert(tx.as_mut(), marker, "isolated").await?;
    both.wait().await;
    let seen = count(tx.as_mut(), marker).await?;
    both.wait().await;
    if seen != 1 {
        return Err(SmokeError::failure(format!(
            "expected to see only this test's row, saw {seen}"
        )));
    }
    Ok(())
}

#[smoke_test(tags("my-broken"))]
async fn my_rollback_fails(tx: &mut MySqlRollback, marker: Resource<Marker>) -> SmokeResult {
    insert(tx.as_mut(), &marker, "connection killed").await?;
    // The server ends this connection: the tear-down's ROLLBACK cannot be sent.
    let _ = sqlx::query("kill connection connection_id()")
        .execute(tx.as_mut())
        .await;
    Ok(())
}

#[smoke_test(tags("my-ddl"))]
async fn my_ddl_commits_implicitly(
    tx: &mut MySqlRollback,
    marker: Resource<Marker>,
) -> SmokeResult {
    insert(tx.as_mut(), &marker, "before DDL").await?;
    // MySQL and MariaDB commit the open transaction before any DDL statement.
    sqlx::query("create table if not exists smoke_db_mysql_ddl_probe (id int)")
        .execute(tx.as_mut())
        .await?;
    Ok(())
}

/// The server's ids of every connection a pool opened.
type ConnIds = Arc<Mutex<Vec<u64>>>;

/// The pool of the run and the ids of its connections; a URL that is set but unreachable
/// fails here.
async fn pool(url: &str) -> (MySqlPool, ConnIds) {
    let ids = ConnIds::default();
    let recorded = ids.clone();
    let pool = MySqlPoolOptions::new()
        .max_connections(8)
        .acquire_timeout(Duration::from_secs(10))
        .after_connect(move |conn, _| {
            let recorded = recorded.clone();
            Box::pin(async move {
                let id: u64 = sqlx::query_scalar("select connection_id()")
                    .fetch_one(conn)
                    .await?;
                recorded.lock().expect("ids").push(id);
                Ok(())
            })
        })
        .connect(url)
        .await
        .unwrap_or_else(|e| panic!("SMOKE_TEST_MYSQL_URL is set but unreachable: {e}"));
    sqlx::query(
        "create table if not exists smoke_db_mysql_rows \
         (marker varchar(100) not null, label varchar(100) not null) engine = InnoDB",
    )
    .execute(&pool)
    .await
    .expect("create the table");
    (pool, ids)
}

/// InnoDB transactions still open on connections of the pool, seen from a connection of
/// its own. A tear-down that skipped its rollback leaves one: its rows are uncommitted, so
/// counting rows cannot see it.
async fn open_transactions(url: &str, ids: &ConnIds) -> i64 {
    let ids: Vec<String> = ids
        .lock()
        .expect("ids")
        .iter()
        .map(u64::to_string)
        .collect();
    assert!(!ids.is_empty(), "the pool opened no connection");
    count_on_own_connection::<MySql>(
        url,
        "select count(*) from information_schema.innodb_trx \
         where find_in_set(trx_mysql_thread_id, ?)",
        &ids.join(","),
    )
    .await
}

/// Asserts that no connection of the pool is left inside a transaction.
///
/// InnoDB serves `information_schema.innodb_trx` from a cache it refreshes at most every
/// 100 ms, so a transaction rolled back a moment ago may still be listed: ask again for up
/// to two seconds. A transaction really left open stays listed and fails the test.
async fn assert_no_open_transaction(url: &str, ids: &ConnIds) {
    let mut open = open_transactions(url, ids).await;
    for _ in 0..20 {
        if open == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        open = open_transactions(url, ids).await;
    }
    assert_eq!(open, 0, "a connection was left inside a transaction");
}

/// Runs the tests tagged `tag` with the pool and a `Marker` of `marker` as resources.
async fn run_tagged(pool: &MySqlPool, marker: &str, tag: &str) -> Report {
    let runner = Runner::builder()
        .resource(pool.clone())
        .resource(Marker(marker.to_owned()))
        .build();
    runner.run(&Selection::all().tag(tag)).await
}

/// Rows with `marker`, counted on a connection of its own (outside any pool).
async fn rows_left(url: &str, marker: &str) -> i64 {
    count_on_own_connection::<MySql>(
        url,
        "select count(*) from smoke_db_mysql_rows where marker = ?",
        marker,
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_ending_is_rolled_back_on_mysql() {
    let Some(url) = server_url("SMOKE_TEST_MYSQL_URL") else {
        return;
    };
    let (pool, ids) = pool(&url).await;
    let marker = run_marker("endings");
    let report = run_tagged(&pool, &marker, "my-endings").await;

    assert_outcome(&report, "my_passes", Outcome::Passed);
    assert_outcome(&report, "my_fails", Outcome::Failed);
    assert_outcome(&report, "my_errors", Outcome::Errored);
    assert_outcome(&report, "my_panics", Outcome::Errored);
    assert_outcome(&report, "my_times_out", Outcome::TimedOut);
    assert_outcome(&report, "my_times_out_mid_statement", Outcome::TimedOut);
    assert_outcome(&report, "my_code_that_commits", Outcome::Passed);
    assert_eq!(report.tests.len(), 7);

    assert_eq!(rows_left(&url, &marker).await, 0, "rows left behind");
    assert_no_open_transaction(&url, &ids).await;
    assert!(
        all_returned(&pool).await,
        "a connection did not come back to the pool"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_tests_do_not_see_each_others_rows_on_mysql() {
    let Some(url) = server_url("SMOKE_TEST_MYSQL_URL") else {
        return;
    };
    let (pool, ids) = pool(&url).await;
    let marker = run_marker("isolation");
    let runner = Runner::builder()
        .resource(pool.clone())
        .resource(Marker(marker.clone()))
        .resource(Barrier::new(2))
        .default_timeout(Duration::from_secs(10))
        .build();
    let report = runner.run(&Selection::all().tag("my-isolation")).await;
    assert_outcome(&report, "my_isolated_a", Outcome::Passed);
    assert_outcome(&report, "my_isolated_b", Outcome::Passed);
    assert_eq!(rows_left(&url, &marker).await, 0);
    assert_no_open_transaction(&url, &ids).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_rollback_is_reported_on_the_test_on_mysql() {
    let Some(url) = server_url("SMOKE_TEST_MYSQL_URL") else {
        return;
    };
    let (pool, ids) = pool(&url).await;
    let marker = run_marker("broken");
    let report = run_tagged(&pool, &marker, "my-broken").await;
    assert_outcome(&report, "my_rollback_fails", Outcome::Errored);
    let message = result_of(&report, "my_rollback_fails")
        .message
        .clone()
        .unwrap_or_default();
    assert!(
        message.contains("tear-down of fixture") && message.contains("the rollback failed"),
        "{message}"
    );
    // The server ended the connection, and with it the transaction.
    assert_eq!(rows_left(&url, &marker).await, 0);
    assert_no_open_transaction(&url, &ids).await;
}

/// The documented limit, shown: DDL inside the test's transaction commits what the test
/// wrote before it, and the rollback cannot undo that; the test is reported as errored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ddl_commits_implicitly_on_mysql() {
    let Some(url) = server_url("SMOKE_TEST_MYSQL_URL") else {
        return;
    };
    let (pool, ids) = pool(&url).await;
    let marker = run_marker("ddl");
    let report = run_tagged(&pool, &marker, "my-ddl").await;
    // The tear-down finds the transaction gone and says so on the test.
    assert_outcome(&report, "my_ddl_commits_implicitly", Outcome::Errored);
    let message = result_of(&report, "my_ddl_commits_implicitly")
        .message
        .clone()
        .unwrap_or_default();
    let left = rows_left(&url, &marker).await;
    sqlx::query("delete from smoke_db_mysql_rows where marker = ?")
        .bind(&marker)
        .execute(&pool)
        .await
        .expect("delete");
    sqlx::query("drop table if exists smoke_db_mysql_ddl_probe")
        .execute(&pool)
        .await
        .expect("drop");
    assert!(
        message.contains("the transaction was committed or ended by the test")
            && message.contains("NOT rolled back"),
        "{message}"
    );
    assert_eq!(left, 1, "the row written before the DDL was committed");
    assert_no_open_transaction(&url, &ids).await;
}

//! PostgreSQL rollback fixtures against the server in `SMOKE_TEST_POSTGRES_URL`: smoke
//! tests write rows and then pass, fail, error, panic or time out, and afterwards not one
//! of their rows is left; concurrent tests do not see each other's uncommitted rows; a
//! rollback that fails is reported; the run-wide mode rolls back every test.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use smoke_runtime::prelude::*;
use smoke_runtime::rollback::drivers::sqlx::{
    self,
    postgres::{PgConnectOptions, PgPoolOptions},
    Connection, PgConnection, PgPool, Postgres,
};
use smoke_runtime::rollback::{each_test, PgRollback, RunWideTx};
use smoke_runtime::{Outcome, Report, Runner, Selection};
use smoke_tests::db::{
    all_returned, assert_outcome, count_on_own_connection, result_of, run_marker, server_url,
};
use tokio::sync::Barrier;

/// Tags the rows one run of this file writes.
struct Marker(String);

async fn insert(conn: &mut PgConnection, marker: &Marker, label: &str) -> SmokeResult {
    sqlx::query("insert into smoke_db_postgres_rows(marker, label) values ($1, $2)")
        .bind(&marker.0)
        .bind(label)
        .execute(conn)
        .await?;
    Ok(())
}

async fn count(conn: &mut PgConnection, marker: &Marker) -> SmokeResult<i64> {
    Ok(
        sqlx::query_scalar("select count(*) from smoke_db_postgres_rows where marker = $1")
            .bind(&marker.0)
            .fetch_one(conn)
            .await?,
    )
}

#[smoke_test(tags("pg-endings"))]
async fn pg_passes(tx: &mut PgRollback, marker: Resource<Marker>) -> SmokeResult {
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

#[smoke_test(tags("pg-endings"))]
async fn pg_fails(tx: &mut PgRollback, marker: Resource<Marker>) -> SmokeResult {
    insert(tx.as_mut(), &marker, "fails").await?;
    Err(SmokeError::failure("an assertion did not hold"))
}

#[smoke_test(tags("pg-endings"))]
async fn pg_errors(tx: &mut PgRollback, marker: Resource<Marker>) -> SmokeResult {
    insert(tx.as_mut(), &marker, "errors").await?;
    // A failed statement aborts the transaction on PostgreSQL; the rollback still works.
    sqlx::query("select * from smoke_db_postgres_no_such_table")
        .execute(tx.as_mut())
        .await?;
    Ok(())
}

#[smoke_test(tags("pg-endings"))]
async fn pg_panics(tx: &mut PgRollback, marker: Resource<Marker>) -> SmokeResult {
    insert(tx.as_mut(), &marker, "panics").await?;
    panic!("the test panicked after writing");
}

#[smoke_test(timeout = "300ms", tags("pg-endings"))]
async fn pg_times_out(tx: &mut PgRollback, marker: Resource<Marker>) -> SmokeResult {
    insert(tx.as_mut(), &marker, "times out").await?;
    tokio::time::sleep(Duration::from_secs(30)).await;
    Ok(())
}

#[smoke_test(timeout = "300ms", tags("pg-endings"))]
async fn pg_times_out_mid_statement(tx: &mut PgRollback, marker: Resource<Marker>) -> SmokeResult {
    insert(tx.as_mut(), &marker, "times out mid-statement").await?;
    // Still running on the server when the body is dropped.
    sqlx::query("select pg_sleep(1)")
        .execute(tx.as_mut())
        .await?;
    Ok(())
}

#[smoke_test(tags("pg-endings"))]
async fn pg_code_that_commits(tx: &mut PgRollback, marker: Resource<Marker>) -> SmokeResult {
    // Code under test that opens and commits a transaction of its own commits only a
    // savepoint of the test's transaction.
    let mut inner = tx.as_mut().begin().await?;
    insert(&mut inner, &marker, "committed by the code under test").await?;
    inner.commit().await?;
    Ok(())
}

#[smoke_test(tags("pg-isolation"))]
async fn pg_isolated_a(
    tx: &mut PgRollback,
    marker: Resource<Marker>,
    both: Resource<Barrier>,
) -> SmokeResult {
    isolated(tx, &marker, &both).await
}

#[smoke_test(tags("pg-isolation"))]
async fn pg_isolated_b(
    tx: &mut PgRollback,
    marker: Resource<Marker>,
    both: Resource<Barrier>,
) -> SmokeResult {
    isolated(tx, &marker, &both).await
}

/// Writes a row, waits until the other test has written its own, and sees only its own.
async fn isolated(tx: &mut PgRollback, marker: &Marker, both: &Barrier) -> SmokeResult {
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

#[smoke_test(tags("pg-broken"))]
async fn pg_rollback_fails(tx: &mut PgRollback, marker: Resource<Marker>) -> SmokeResult {
    insert(tx.as_mut(), &marker, "connection killed").await?;
    // The server ends this connection: the tear-down's ROLLBACK cannot be sent.
    let _ = sqlx::query("select pg_terminate_backend(pg_backend_pid())")
        .execute(tx.as_mut())
        .await;
    Ok(())
}

#[smoke_test(timeout = "200ms", tags("pg-unanswered"))]
async fn pg_statement_outlasts_the_rollback_wait(
    tx: &mut PgRollback,
    marker: Resource<Marker>,
) -> SmokeResult {
    insert(tx.as_mut(), &marker, "statement outlasts the rollback wait").await?;
    // Runs on the server longer than the tear-down waits for its ROLLBACK to be answered.
    sqlx::query("select pg_sleep(5)")
        .execute(tx.as_mut())
        .await?;
    Ok(())
}

#[smoke_test(tags("pg-deadline"))]
async fn pg_outlives_the_run_deadline(
    tx: &mut PgRollback,
    marker: Resource<Marker>,
) -> SmokeResult {
    insert(tx.as_mut(), &marker, "outlives the run's deadline").await?;
    tokio::time::sleep(Duration::from_secs(30)).await;
    Ok(())
}

#[smoke_test(tags("pg-ended"))]
async fn pg_commits_itself(tx: &mut PgRollback, marker: Resource<Marker>) -> SmokeResult {
    insert(tx.as_mut(), &marker, "committed by a raw COMMIT").await?;
    // Ends the fixture's transaction behind sqlx's back: the row is kept.
    sqlx::raw_sql("commit").execute(tx.as_mut()).await?;
    Ok(())
}

#[smoke_test(tags("pg-run-wide"))]
async fn pg_run_wide_writes(
    tx: &mut RunWideTx<PgRollback>,
    marker: Resource<Marker>,
) -> SmokeResult {
    insert(tx.as_mut(), &marker, "run-wide").await?;
    let seen = count(tx.as_mut(), &marker).await?;
    if seen != 1 {
        return Err(SmokeError::failure(format!("saw {seen} rows, expected 1")));
    }
    Ok(())
}

#[smoke_test(tags("pg-run-wide"))]
async fn pg_run_wide_panics(
    tx: &mut RunWideTx<PgRollback>,
    marker: Resource<Marker>,
) -> SmokeResult {
    insert(tx.as_mut(), &marker, "run-wide panics").await?;
    panic!("the test panicked after writing");
}

#[smoke_test(timeout = "300ms", tags("pg-run-wide"))]
async fn pg_run_wide_times_out(
    tx: &mut RunWideTx<PgRollback>,
    marker: Resource<Marker>,
) -> SmokeResult {
    insert(tx.as_mut(), &marker, "run-wide times out").await?;
    tokio::time::sleep(Duration::from_secs(30)).await;
    Ok(())
}

#[smoke_test(tags("pg-run-wide"))]
fn pg_run_wide_without_the_transaction() -> SmokeResult {
    Ok(())
}

/// The pool of the run; a URL that is set but unreachable fails here.
async fn pool(url: &str) -> PgPool {
    // A name of this pool's own, to find its connections in `pg_stat_activity`.
    let options = PgConnectOptions::from_str(url)
        .expect("a PostgreSQL URL")
        .application_name(&run_marker("smoke-db-postgres"));
    let pool = PgPoolOptions::new()
        .max_connections(8)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await
        .unwrap_or_else(|e| panic!("SMOKE_TEST_POSTGRES_URL is set but unreachable: {e}"));
    // Concurrent `create table if not exists` can collide on PostgreSQL: take a lock.
    let mut tx = pool.begin().await.expect("begin");
    sqlx::query("select pg_advisory_xact_lock(hashtext('smoke_db_postgres_rows'))")
        .execute(&mut *tx)
        .await
        .expect("lock");
    sqlx::query(
        "create table if not exists smoke_db_postgres_rows \
         (marker text not null, label text not null)",
    )
    .execute(&mut *tx)
    .await
    .expect("create the table");
    tx.commit().await.expect("commit");
    pool
}

/// Rows with `marker`, counted on a connection of its own (outside any pool).
async fn rows_left(url: &str, marker: &str) -> i64 {
    count_on_own_connection::<Postgres>(
        url,
        "select count(*) from smoke_db_postgres_rows where marker = $1",
        marker,
    )
    .await
}

/// Connections of `pool` left inside an open transaction (`idle in transaction`, or
/// `(aborted)`), seen from a connection of its own. A tear-down that skipped its rollback
/// leaves its connection so: its rows are uncommitted, so counting rows cannot see it.
async fn open_transactions(url: &str, pool: &PgPool) -> i64 {
    let name = pool
        .connect_options()
        .get_application_name()
        .expect("the pool has an application_name")
        .to_owned();
    count_on_own_connection::<Postgres>(
        url,
        "select count(*) from pg_stat_activity \
         where application_name = $1 and state like 'idle in transaction%'",
        &name,
    )
    .await
}

/// Asserts that no connection of `pool` is left inside a transaction.
async fn assert_no_open_transaction(url: &str, pool: &PgPool) {
    assert_eq!(
        open_transactions(url, pool).await,
        0,
        "a connection was left inside a transaction"
    );
}

/// Asserts that every connection of `pool` came back to it.
async fn assert_all_returned(pool: &PgPool) {
    assert!(
        all_returned(pool).await,
        "a connection did not come back to the pool"
    );
}

/// Runs the tests tagged `tag` with `pool` and a `Marker` of `marker` as resources.
async fn run_tagged(pool: &PgPool, marker: &str, tag: &str) -> Report {
    let runner = Runner::builder()
        .resource(pool.clone())
        .resource(Marker(marker.to_owned()))
        .build();
    runner.run(&Selection::all().tag(tag)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_ending_is_rolled_back_on_postgres() {
    let Some(url) = server_url("SMOKE_TEST_POSTGRES_URL") else {
        return;
    };
    let pool = pool(&url).await;
    let marker = run_marker("endings");
    let report = run_tagged(&pool, &marker, "pg-endings").await;

    assert_outcome(&report, "pg_passes", Outcome::Passed);
    assert_outcome(&report, "pg_fails", Outcome::Failed);
    assert_outcome(&report, "pg_errors", Outcome::Errored);
    assert_outcome(&report, "pg_panics", Outcome::Errored);
    assert_outcome(&report, "pg_times_out", Outcome::TimedOut);
    assert_outcome(&report, "pg_times_out_mid_statement", Outcome::TimedOut);
    assert_outcome(&report, "pg_code_that_commits", Outcome::Passed);
    assert_eq!(report.tests.len(), 7);

    assert_eq!(rows_left(&url, &marker).await, 0, "rows left behind");
    assert_no_open_transaction(&url, &pool).await;
    assert_all_returned(&pool).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_runs_do_not_see_each_others_rows_on_postgres() {
    let Some(url) = server_url("SMOKE_TEST_POSTGRES_URL") else {
        return;
    };
    let pool = pool(&url).await;
    let marker = run_marker("isolation");
    let marker_arc = Arc::new(Marker(marker.clone()));
    let both = Arc::new(Barrier::new(2));
    // Two runs at once, one test each, meeting at the barrier while both hold rows.
    let run = |test: &'static str| {
        let runner = Runner::builder()
            .resource(pool.clone())
            .default_timeout(Duration::from_secs(10))
            .resource_arc(marker_arc.clone())
            .resource_arc(both.clone())
            .build();
        async move {
            runner
                .run(&Selection::all().tag("pg-isolation").filter(test))
                .await
        }
    };
    let (a, b) = tokio::join!(run("pg_isolated_a"), run("pg_isolated_b"));
    assert_eq!((a.tests.len(), b.tests.len()), (1, 1));
    assert_outcome(&a, "pg_isolated_a", Outcome::Passed);
    assert_outcome(&b, "pg_isolated_b", Outcome::Passed);
    assert_eq!(rows_left(&url, &marker).await, 0);
    assert_no_open_transaction(&url, &pool).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_rollback_is_reported_on_the_test() {
    let Some(url) = server_url("SMOKE_TEST_POSTGRES_URL") else {
        return;
    };
    let pool = pool(&url).await;
    let marker = run_marker("broken");
    let report = run_tagged(&pool, &marker, "pg-broken").await;
    assert_outcome(&report, "pg_rollback_fails", Outcome::Errored);
    let message = result_of(&report, "pg_rollback_fails")
        .message
        .clone()
        .unwrap_or_default();
    eprintln!("the report says: {message}");
    assert!(
        message.contains("tear-down of fixture") && message.contains("the rollback failed"),
        "{message}"
    );
    // The server ended the connection, and with it the transaction.
    assert_eq!(rows_left(&url, &marker).await, 0);
    assert_no_open_transaction(&url, &pool).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_run_wide_mode_rolls_back_every_test_on_postgres() {
    let Some(url) = server_url("SMOKE_TEST_POSTGRES_URL") else {
        return;
    };
    let pool = pool(&url).await;
    let marker = run_marker("run-wide");
    let runner = Runner::builder()
        .resource(Marker(marker.clone()))
        .around_each(each_test(pool.clone()))
        .build();
    let report = runner.run(&Selection::all().tag("pg-run-wide")).await;
    assert_outcome(&report, "pg_run_wide_writes", Outcome::Passed);
    assert_outcome(&report, "pg_run_wide_panics", Outcome::Errored);
    assert_outcome(&report, "pg_run_wide_times_out", Outcome::TimedOut);
    assert_outcome(
        &report,
        "pg_run_wide_without_the_transaction",
        Outcome::Passed,
    );
    assert_eq!(rows_left(&url, &marker).await, 0);
    assert_no_open_transaction(&url, &pool).await;
    assert_all_returned(&pool).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_test_that_ends_the_transaction_itself_is_reported_on_postgres() {
    let Some(url) = server_url("SMOKE_TEST_POSTGRES_URL") else {
        return;
    };
    let pool = pool(&url).await;
    let marker = run_marker("ended");
    let report = run_tagged(&pool, &marker, "pg-ended").await;
    let message = result_of(&report, "pg_commits_itself")
        .message
        .clone()
        .unwrap_or_default();
    let left = rows_left(&url, &marker).await;
    sqlx::query("delete from smoke_db_postgres_rows where marker = $1")
        .bind(&marker)
        .execute(&pool)
        .await
        .expect("delete");
    assert_outcome(&report, "pg_commits_itself", Outcome::Errored);
    assert!(
        message.contains("the transaction was committed or ended by the test")
            && message.contains("NOT rolled back"),
        "{message}"
    );
    assert_eq!(left, 1, "the committed row is kept, as the report says");
    assert_no_open_transaction(&url, &pool).await;
    assert_all_returned(&pool).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unanswered_rollback_closes_the_connection_on_postgres() {
    let Some(url) = server_url("SMOKE_TEST_POSTGRES_URL") else {
        return;
    };
    let pool = pool(&url).await;
    let marker = run_marker("unanswered");
    let report = run_tagged(&pool, &marker, "pg-unanswered").await;
    assert_outcome(
        &report,
        "pg_statement_outlasts_the_rollback_wait",
        Outcome::TimedOut,
    );
    let message = result_of(&report, "pg_statement_outlasts_the_rollback_wait")
        .message
        .clone()
        .unwrap_or_default();
    assert!(
        message.contains("timed out") && message.contains("the connection was closed instead"),
        "{message}"
    );
    assert_eq!(rows_left(&url, &marker).await, 0, "rows left behind");
    assert_no_open_transaction(&url, &pool).await;
    // The closed connection left the pool; the pool still serves.
    assert_all_returned(&pool).await;
    let one: i32 = sqlx::query_scalar("select 1")
        .fetch_one(&pool)
        .await
        .expect("the pool serves after the forced close");
    assert_eq!(one, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_run_deadline_rolls_back_on_postgres() {
    let Some(url) = server_url("SMOKE_TEST_POSTGRES_URL") else {
        return;
    };
    let pool = pool(&url).await;
    let marker = run_marker("deadline");
    let runner = Runner::builder()
        .resource(pool.clone())
        .resource(Marker(marker.clone()))
        .deadline(Duration::from_millis(300))
        .build();
    let report = runner.run(&Selection::all().tag("pg-deadline")).await;
    assert_outcome(&report, "pg_outlives_the_run_deadline", Outcome::TimedOut);
    assert_eq!(rows_left(&url, &marker).await, 0, "rows left behind");
    assert_no_open_transaction(&url, &pool).await;
    assert_all_returned(&pool).await;
}

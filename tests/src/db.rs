//! Helpers of the database tests: server URLs from the environment, run markers, and
//! looking up a test's result in a report.

use std::io::Write as _;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use smoke_runtime::rollback::drivers::sqlx::{
    self, ColumnIndex, Connection, Database, Decode, Encode, Executor, IntoArguments, Pool, Type,
};
use smoke_runtime::{Outcome, Report, TestReport};

/// The URL in the environment variable `var`, or `None` after writing a note to the
/// process's standard error when it is not set (the test then returns without checking
/// anything). The note goes to the stderr file descriptor itself, which the test harness
/// does not capture, so it shows in `cargo test` output even for a passing test.
///
/// Panics when the variable is unset while `CI` is set (a CI run must never skip a
/// database silently), and when it is set to blanks only (a configuration mistake). A URL
/// that is set but whose server does not answer must fail the test too: callers `expect`
/// the connection.
pub fn server_url(var: &str) -> Option<String> {
    let ci = std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"));
    match url_from(var, std::env::var(var).ok(), ci) {
        Ok(url) => url,
        Err(UrlProblem::Unset(note)) => {
            let _ = std::io::stderr().write_all(format!("{note}\n").as_bytes());
            None
        }
        Err(UrlProblem::Invalid(message)) => panic!("{message}"),
    }
}

/// Why [`url_from`] has no URL.
#[derive(Debug, PartialEq)]
enum UrlProblem {
    /// Not set: the test checks nothing and says so.
    Unset(String),
    /// Set wrongly, or unset where it must be set: the test fails.
    Invalid(String),
}

/// The decision of [`server_url`], from the variable's value and whether this is CI.
fn url_from(var: &str, value: Option<String>, ci: bool) -> Result<Option<String>, UrlProblem> {
    match value {
        Some(url) if !url.trim().is_empty() => Ok(Some(url)),
        Some(url) if !url.is_empty() => Err(UrlProblem::Invalid(format!(
            "{var} is set to blanks ({url:?}); set it to the server's URL or unset it"
        ))),
        _ if ci => Err(UrlProblem::Invalid(format!(
            "{var} is not set, and CI is: a CI run must test against the server; set {var}"
        ))),
        _ => Err(UrlProblem::Unset(format!(
            "note: {var} is not set; this database test checks nothing"
        ))),
    }
}

/// A value unique to this run of this test process, to tag the rows a run writes.
pub fn run_marker(label: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{label}-{}-{nanos:x}", std::process::id())
}

/// The report of the test whose name ends with `::name`; panics listing the names when
/// there is none.
pub fn result_of<'a>(report: &'a Report, name: &str) -> &'a TestReport {
    let suffix = format!("::{name}");
    report
        .tests
        .iter()
        .find(|t| t.name.ends_with(&suffix))
        .unwrap_or_else(|| {
            let names: Vec<&str> = report.tests.iter().map(|t| &*t.name).collect();
            panic!("no test named {name} in the report: {names:?}")
        })
}

/// Asserts the outcome of the test `name`, showing its message when it differs.
pub fn assert_outcome(report: &Report, name: &str, expected: Outcome) {
    let test = result_of(report, name);
    assert_eq!(
        test.outcome, expected,
        "{name}: expected {expected:?}, got {:?} ({:?})",
        test.outcome, test.message
    );
}

/// The count that `sql` (a `select count(*)` with one parameter, `bind`) finds, run on a
/// connection of its own to `url`, outside any pool, so that it sees only what other
/// connections committed. Panics when the server cannot be reached or the query fails.
pub async fn count_on_own_connection<DB>(url: &str, sql: &'static str, bind: &str) -> i64
where
    DB: Database,
    i64: Type<DB> + for<'r> Decode<'r, DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    DB::Arguments: IntoArguments<DB>,
    usize: ColumnIndex<DB::Row>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
{
    let mut conn = DB::Connection::connect(url).await.expect("connect");
    let n = sqlx::query_scalar(sql)
        .bind(bind)
        .fetch_one(&mut conn)
        .await
        .expect("count");
    conn.close().await.expect("close");
    n
}

/// Whether every connection of `pool` is back in it, waiting up to two seconds for them.
pub async fn all_returned<DB: Database>(pool: &Pool<DB>) -> bool {
    for _ in 0..100 {
        if pool.num_idle() == pool.size() as usize {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

#[cfg(test)]
mod tests {
    use std::process::Command;

    use super::*;

    /// The variable the probe below asks for; never set.
    const PROBE_VAR: &str = "SMOKE_TEST_NOTE_PROBE_URL";

    /// Runs only as the child of the tests below (`SMOKE_TEST_NOTE_PROBE` set): asks
    /// for an unset URL, as a database test does.
    #[test]
    fn unset_url_probe() {
        if std::env::var_os("SMOKE_TEST_NOTE_PROBE").is_some() {
            assert_eq!(server_url(PROBE_VAR), None);
        }
    }

    /// This test binary run again for the probe alone, with output captured as usual.
    fn run_probe(ci: Option<&str>) -> std::process::Output {
        let mut command = Command::new(std::env::current_exe().expect("the test binary"));
        command
            .args(["--exact", "db::tests::unset_url_probe", "--test-threads=1"])
            .env("SMOKE_TEST_NOTE_PROBE", "1")
            .env_remove(PROBE_VAR)
            .env_remove("CI");
        if let Some(ci) = ci {
            command.env("CI", ci);
        }
        command.output().expect("run the test binary")
    }

    #[test]
    fn the_unset_note_shows_although_the_harness_captures_output() {
        let out = run_probe(None);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stdout}{stderr}");
        assert!(stdout.contains("1 passed"), "{stdout}");
        assert!(
            stderr.contains(&format!("note: {PROBE_VAR} is not set")),
            "stdout: {stdout}\nstderr: {stderr}"
        );
    }

    #[test]
    fn an_unset_url_fails_the_test_on_ci() {
        let out = run_probe(Some("true"));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(!out.status.success(), "{stdout}");
        assert!(
            stdout.contains(&format!("{PROBE_VAR} is not set, and CI is")),
            "{stdout}"
        );
    }

    #[test]
    fn blanks_are_a_mistake_not_unset() {
        assert_eq!(
            url_from("V", Some("postgres://h/db".into()), true),
            Ok(Some("postgres://h/db".into()))
        );
        assert!(matches!(
            url_from("V", Some("  ".into()), false),
            Err(UrlProblem::Invalid(m)) if m.contains("blanks")
        ));
        assert!(matches!(
            url_from("V", Some(String::new()), false),
            Err(UrlProblem::Unset(_))
        ));
        assert!(matches!(
            url_from("V", None, false),
            Err(UrlProblem::Unset(_))
        ));
        assert!(matches!(
            url_from("V", None, true),
            Err(UrlProblem::Invalid(_))
        ));
    }
}

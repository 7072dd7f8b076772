//! `--min-tests`: a report that ran too few tests does not pass the gate.

use crate::common::{cargo_smoke, exits, stderr, stdout};

use super::{cargo_smoke_retrying, server};

#[tokio::test]
async fn a_report_that_ran_no_tests_does_not_pass_the_gate() {
    let server = server().await;
    let url = server.url("/empty");
    let output = cargo_smoke(&["--url", &url]).await;
    exits(&output, 1);
    assert!(stdout(&output).starts_with("PASS\n"), "{}", stdout(&output));
    let err = stderr(&output);
    assert!(
        err.contains(&format!(
            "cargo smoke: {url}: 0 tests ran, fewer than --min-tests 1"
        )),
        "{err}"
    );

    let output = cargo_smoke(&["--url", &url, "--format", "nagios"]).await;
    exits(&output, 2);
    assert!(
        stdout(&output).starts_with("SMOKE CRITICAL - 0 tests ran, fewer than --min-tests 1"),
        "{}",
        stdout(&output)
    );
    assert!(
        stdout(&output).contains(" | tests=0;;; "),
        "{}",
        stdout(&output)
    );

    let output = cargo_smoke(&["--url", &url, "--min-tests", "0", "--format", "nagios"]).await;
    exits(&output, 0);

    let output = cargo_smoke(&["--url", &server.url("/pass"), "--min-tests", "6"]).await;
    exits(&output, 1);
    assert!(stderr(&output).contains("5 tests ran, fewer than --min-tests 6"));

    // --retry-for keeps asking while too few tests ran.
    let output = cargo_smoke_retrying(&url, "300ms").await;
    exits(&output, 1);
    assert!(
        stderr(&output)
            .contains("attempt 1: PASS but too few tests (HTTP 200, 0 run, --min-tests 1)"),
        "{}",
        stderr(&output)
    );
}

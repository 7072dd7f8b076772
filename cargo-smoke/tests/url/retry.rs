//! `--retry-for`: asking again while the service starts, giving up with the last answer,
//! and no attempt past the end of the window.

use crate::common::{cargo_smoke, exits, stderr, stdout};

use super::{cargo_smoke_retrying, server};

#[tokio::test]
async fn retry_for_waits_for_a_service_that_is_still_starting() {
    let server = server().await;
    let output = cargo_smoke_retrying(&server.url("/warming"), "30s").await;
    exits(&output, 0);
    let err = stderr(&output);
    assert!(
        err.contains("attempt 1: ") && err.contains("answered HTTP 503"),
        "{err}"
    );
    assert!(err.contains("attempt 2: "), "{err}");
    assert!(!err.contains("attempt 3: "), "{err}");
    assert!(stdout(&output).starts_with("PASS\n"));
}

#[tokio::test]
async fn retry_for_gives_up_with_the_last_answer() {
    let server = server().await;
    let output = cargo_smoke_retrying(&server.url("/fail"), "300ms").await;
    exits(&output, 1);
    let err = stderr(&output);
    assert!(
        err.contains("attempt 1: FAIL (HTTP 500, 1 failed, 1 errored of 5)"),
        "{err}"
    );
    assert!(err.contains("still not passing after"), "{err}");
    assert!(stdout(&output).starts_with("FAIL\n"));
}

#[tokio::test]
async fn no_attempt_runs_past_the_end_of_retry_for() {
    let server = server().await;
    let url = server.url("/hang");
    let output = cargo_smoke(&["--url", &url, "--retry-for", "1s", "--timeout", "50s"]).await;
    exits(&output, 2);
    let err = stderr(&output);
    assert!(
        err.contains(&format!("GET {url} got no complete answer within 1s")),
        "{err}"
    );
}

//! No report: an endpoint that cannot be reached, or that answers something other than
//! a smoke report.

use crate::common::{cargo_smoke, exits, stderr, stdout};

use smoke_tests::port::free_port;

use super::server;

#[tokio::test]
async fn an_unreachable_endpoint_is_no_report() {
    let url = format!("http://127.0.0.1:{}/smoketest", free_port());

    let output = cargo_smoke(&["--url", &url]).await;
    exits(&output, 2);
    assert!(stdout(&output).is_empty());
    assert!(
        stderr(&output).contains(&format!("cargo smoke: GET {url}: could not connect to")),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("Connection refused"),
        "{}",
        stderr(&output)
    );

    let output = cargo_smoke(&["--url", &url, "--format", "nagios"]).await;
    exits(&output, 3);
    assert!(stdout(&output).starts_with(&format!("SMOKE UNKNOWN - GET {url}: could not connect")));

    let output = cargo_smoke(&["--url", &url, "--format", "junit"]).await;
    exits(&output, 2);
    let xml = stdout(&output);
    assert!(xml.contains(r#"errors="1""#), "{xml}");
    assert!(
        xml.contains(r#"<error message="GET http://127.0.0.1:"#),
        "{xml}"
    );
}

#[tokio::test]
async fn something_that_is_not_a_smoke_report_is_no_report() {
    let server = server().await;
    let output = cargo_smoke(&["--url", &server.url("/garbage")]).await;
    exits(&output, 2);
    let err = stderr(&output);
    assert!(
        err.contains("answered HTTP 200 with something that is not a smoke report: not JSON"),
        "{err}"
    );
    assert!(err.contains("it answered HTML"), "{err}");

    let output = cargo_smoke(&["--url", &server.url("/other-json")]).await;
    exits(&output, 2);
    assert!(
        stderr(&output).contains(r#"whose "status" is "ok""#),
        "{}",
        stderr(&output)
    );
}

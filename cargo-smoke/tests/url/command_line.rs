//! The command line with `--url`: tags and exact names asked of the endpoint, options it
//! cannot honour refused, and a bad command line under Nagios.

use smoke_tests::http_responder::{Responder, Response};

use crate::common::{cargo_smoke, exits, stderr, stdout, stdout_json};

#[tokio::test]
async fn tags_and_exact_names_are_asked_of_the_endpoint() {
    // The endpoint answers a report whose hostname is the request's path and query.
    let server = Responder::start(|request| {
        let report =
            serde_json::json!({"status": "PASS", "tests_run": 1, "hostname": request.path});
        Response::json(200, &report.to_string())
    })
    .await;
    let output = cargo_smoke(&[
        "--url",
        &server.url("/smoketest"),
        "--tag",
        "config",
        "--tag",
        "db",
        "--exact",
        "app::smoke::db_up",
        "--format",
        "json",
    ])
    .await;
    exits(&output, 0);
    let printed: serde_json::Value = stdout_json(&output);
    assert_eq!(
        printed["hostname"],
        "/smoketest?tag=config&tag=db&test=app%3A%3Asmoke%3A%3Adb_up"
    );
}

#[tokio::test]
async fn options_the_endpoint_cannot_honour_are_refused() {
    for args in [
        &["--skip", "slow"][..],
        &["--fail-fast"],
        &["--list"],
        &["-p", "api"],
        &["--release"],
        &["--", "--test-threads", "1"],
    ] {
        let mut all = vec!["--url", "http://127.0.0.1:9/smoketest"];
        all.extend_from_slice(args);
        let output = cargo_smoke(&all).await;
        exits(&output, 2);
        let err = stderr(&output);
        assert!(err.contains("cannot be used with"), "{args:?}: {err}");
        assert!(err.contains("--url"), "{args:?}: {err}");
    }
    let output = cargo_smoke(&["--url", "http://127.0.0.1:9/smoketest", "db_"]).await;
    exits(&output, 2);
    let err = stderr(&output);
    assert!(
        err.contains("the filter 'db_' cannot be used with '--url'"),
        "{err}"
    );
    assert!(err.contains("--exact"), "{err}");
}

#[tokio::test]
async fn with_nagios_a_bad_command_line_is_unknown_not_critical() {
    for args in [
        &[
            "--url",
            "http://127.0.0.1:9/smoketest",
            "--format",
            "nagios",
            "--skip",
            "x",
        ][..],
        &[
            "--url",
            "http://127.0.0.1:9/smoketest",
            "--format=nagios",
            "--timeout",
            "soon",
        ],
        &[
            "--format",
            "nagios",
            "--url",
            "http://127.0.0.1:9/smoketest",
            "--frobnicate",
        ],
        &[
            "--url",
            "http://127.0.0.1:9/smoketest",
            "--format",
            "nagios",
            "db_",
        ],
    ] {
        let output = cargo_smoke(args).await;
        exits(&output, 3);
        let out = stdout(&output);
        assert!(
            out.starts_with("SMOKE UNKNOWN - cargo smoke: bad command line: "),
            "{args:?}: {out}"
        );
        assert!(stderr(&output).contains("error:"), "{}", stderr(&output));
    }
    let output = cargo_smoke(&[
        "--url",
        "http://127.0.0.1:9/smoketest",
        "--format",
        "nagios",
        "--header",
        "no colon",
    ])
    .await;
    exits(&output, 3);
    assert!(
        stdout(&output).starts_with("SMOKE UNKNOWN - cargo smoke: --header \"no colon\""),
        "{}",
        stdout(&output)
    );
    // Without nagios a usage error keeps clap's status 2.
    let output = cargo_smoke(&["--url", "http://127.0.0.1:9/smoketest", "--skip", "x"]).await;
    exits(&output, 2);
    // Help is not an error.
    let output = cargo_smoke(&["--format", "nagios", "--help"]).await;
    exits(&output, 0);
}

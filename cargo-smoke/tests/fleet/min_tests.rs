//! `--min-tests`: every target must run at least that many tests.

use serde_json::Value;

use crate::common::{exits, stderr, stdout, stdout_json};

use super::{fleet, junitparser, server, Arrivals};

#[tokio::test]
async fn every_target_must_run_min_tests() {
    let server = server(Arrivals::default()).await;
    let (pass, ours) = (server.url("/pass"), server.url("/ours"));
    let output = fleet(&[&pass, &ours], &["--min-tests", "3"]).await;
    exits(&output, 1);
    let out = stdout(&output);
    assert!(out.contains(&format!("== {pass}: PASS\n")), "{out}");
    assert!(
        out.contains(&format!(
            "== {ours}: FAIL (2 tests ran, fewer than --min-tests 3)\n"
        )),
        "{out}"
    );
    assert!(
        stderr(&output).contains(&format!("cargo smoke: {ours}: 2 tests ran, fewer than")),
        "{}",
        stderr(&output)
    );

    let output = fleet(&[&pass, &ours], &["--min-tests", "3", "--format", "json"]).await;
    exits(&output, 1);
    let json: Value = stdout_json(&output);
    assert_eq!(json["status"], "FAIL");
    assert_eq!(json["targets"][1]["status"], "FAIL");
    assert!(json["targets"][1]["too_few_tests"]
        .as_str()
        .unwrap()
        .starts_with("2 tests ran, fewer than --min-tests 3"));

    let output = fleet(&[&pass, &ours], &["--min-tests", "3", "--format", "junit"]).await;
    exits(&output, 1);
    let xml = stdout(&output);
    let Some(parsed) = junitparser(&xml) else {
        return;
    };
    let cases = parsed["suites"][1]["cases"].as_array().unwrap();
    let last = cases.last().unwrap();
    assert_eq!(last["name"], "min-tests");
    assert_eq!(last["results"][0]["kind"], "Failure");
    assert_eq!(parsed["failures"], 1);
}

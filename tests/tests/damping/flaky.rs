//! The flaky mark: a test that flips too often is flaky in every format.

use std::path::Path;

use serde_json::Value;
use smoke_runtime::report::damping::Damping;
use smoke_tests::http_client::get;
use smoke_tests::junit::junitparser;

use super::{run, serve, test, BEARER};

#[tokio::test]
async fn a_test_that_flips_too_often_is_flaky_in_every_format() {
    let addr = serve("damp-c", Damping::new()).await;
    // passed, failed, passed, failed: 3 flips, not more than the default 3.
    for _ in 0..4 {
        run(addr, "c_flaky").await;
    }
    let (_, t) = run(addr, "c_flaky").await; // passed: the fourth flip
    assert_eq!(t["outcome"], "passed", "{t}");
    assert_eq!(t["flaky"], true, "{t}");
    let reply = get(addr, "/?format=json", &[BEARER]).await; // failed: the fifth flip
    let report = reply.json();
    assert_eq!(test(&report, "c_flaky")["flaky"], true);
    assert_eq!(test(&report, "c_steady")["flaky"], false);
    assert_eq!(test(&report, "c_steady")["status"], "passing");

    let page = get(addr, "/?format=html", &[BEARER]).await.body;
    assert_eq!(page.matches(">flaky</span>").count(), 1, "{page}");
    let text = get(addr, "/?format=text", &[BEARER]).await.body;
    assert!(text.contains("damping::c_flaky: flaky ("), "{text}");
    assert!(!text.contains("c_steady: flaky"), "{text}");
    let metrics = get(addr, "/metrics", &[BEARER]).await.body;
    let id = |name: &str| format!("{{test=\"damping::{name}\",class=\"damping\"}}");
    assert!(
        metrics.contains(&format!("smoke_test_flaky{} 1\n", id("c_flaky"))),
        "{metrics}"
    );
    assert!(
        metrics.contains(&format!("smoke_test_flaky{} 0\n", id("c_steady"))),
        "{metrics}"
    );
    assert!(
        metrics.contains(&format!(
            "smoke_test_reported_passing{} 1\n",
            id("c_steady")
        )),
        "{metrics}"
    );
    // health+json: each check carries `flaky`.
    let health = get(addr, "/?format=health", &[BEARER]).await.json();
    let check = |name: &str| health["checks"][format!("damping::{name}")][0].clone();
    assert_eq!(check("c_flaky")["flaky"], true, "{health}");
    assert_eq!(check("c_steady")["flaky"], false, "{health}");
    // JUnit: each test case's properties, as a third-party reader (junitparser) reads them.
    let xml = get(addr, "/?format=junit", &[BEARER]).await.body;
    if let Some(parsed) = junitparser(&xml, Path::new(env!("CARGO_TARGET_TMPDIR"))) {
        let cases: Vec<&Value> = parsed["suites"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|suite| suite["cases"].as_array().unwrap())
            .collect();
        let case = |name: &str| {
            cases
                .iter()
                .find(|c| c["name"] == name)
                .unwrap_or_else(|| panic!("no case {name} in {xml}"))["properties"]
                .clone()
        };
        assert_eq!(case("c_flaky")["smoke.flaky"], "true", "{xml}");
        assert_eq!(case("c_steady")["smoke.flaky"], "false", "{xml}");
        assert_eq!(case("c_steady")["smoke.status"], "passing", "{xml}");
    }
    // Without the token, nothing per test.
    let anonymous = get(addr, "/metrics", &[]).await.body;
    assert!(!anonymous.contains("smoke_test_flaky"), "{anonymous}");
    let anonymous = get(addr, "/?format=junit", &[]).await.body;
    assert!(!anonymous.contains("smoke.flaky"), "{anonymous}");
    let anonymous = get(addr, "/?format=health", &[]).await.body;
    assert!(!anonymous.contains("flaky"), "{anonymous}");
}

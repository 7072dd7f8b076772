//! Safety: the run deadline, panicking tests, and the service's other routes during a run.

use std::time::Duration;

use hyper::StatusCode;
use smoke_runtime::http::Details;
use smoke_runtime::Runner;
use smoke_tests::http_client::get;

use super::{app, get_json_report_in_time, only, MOD};

// ---- safety: deadline, panics, other routes -----------------------------------------------

#[tokio::test]
async fn a_hung_test_does_not_hold_the_request_past_the_deadline() {
    let smoke = only("hang")
        .details(Details::Always)
        .runner(Runner::builder().deadline(Duration::from_millis(800)))
        .build();
    let addr = app(smoke).await;
    let r = get_json_report_in_time(addr).await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    let v = r.json();
    assert_eq!(v["status"], "FAIL");
    let tests = v["tests"].as_array().unwrap();
    let hung = tests
        .iter()
        .find(|t| t["name"] == format!("{MOD}::hangs_forever"))
        .unwrap();
    assert_eq!(hung["outcome"], "timed_out", "{hung}");
    let quick = tests
        .iter()
        .find(|t| t["name"] == format!("{MOD}::quick_beside_the_hang"))
        .unwrap();
    assert_eq!(quick["outcome"], "passed");
}

#[tokio::test]
async fn what_finished_before_the_deadline_is_redacted_too() {
    let smoke = only("unfinished")
        .details(Details::Always)
        .runner(
            Runner::builder()
                .secret("SECRET-VALUE-456")
                .deadline(Duration::from_millis(600)),
        )
        .build();
    let addr = app(smoke).await;
    let r = get_json_report_in_time(addr).await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    let v = r.json();
    let message = |name: &str| {
        v["tests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == format!("{MOD}::{name}"))
            .unwrap_or_else(|| panic!("{name} missing: {v}"))["message"]
            .as_str()
            .unwrap_or("")
            .to_owned()
    };
    assert!(
        message("never_torn_down").contains("still running when the run's deadline"),
        "{v}"
    );
    assert_eq!(
        message("leaks_before_the_deadline"),
        "connect to mysql://app:***@db:3306/app failed; key ***"
    );
    assert!(
        !r.body.contains("w0rd") && !r.body.contains("SECRET-VALUE"),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn a_deadline_too_far_to_represent_is_no_deadline() {
    let smoke = only("ok")
        .runner(Runner::builder().deadline(Duration::MAX))
        .build();
    let addr = app(smoke.clone()).await;
    let r = get(addr, "/smoketest", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.starts_with("PASS\n"), "{}", r.body);
    assert_eq!(smoke.runs(), 1);
    // Far, but representable: some 35,000 years.
    let smoke = only("ok")
        .runner(Runner::builder().deadline(Duration::from_secs(1 << 40)))
        .build();
    let r = get(app(smoke).await, "/smoketest", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn a_panicking_test_errors_and_the_host_keeps_serving() {
    let addr = app(only("panics").details(Details::Always).build()).await;
    for _ in 0..3 {
        let r = get(addr, "/smoketest?format=json", &[]).await;
        assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
        let v = r.json();
        assert_eq!(v["tests_errored"], 1, "{v}");
        assert!(
            v["tests"][0]["message"]
                .as_str()
                .unwrap()
                .contains("index out of bounds"),
            "{v}"
        );
    }
    assert_eq!(get(addr, "/", &[]).await.status, StatusCode::OK);
    assert_eq!(
        get(addr, "/smoketest/livez", &[]).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_service_answers_other_routes_while_tests_run() {
    let smoke = only("slow").build();
    let addr = app(smoke).await;
    let slow = tokio::spawn(async move { get(addr, "/smoketest", &[]).await });
    tokio::time::sleep(Duration::from_millis(50)).await;
    let own = get(addr, "/", &[]).await;
    let live = get(addr, "/smoketest/livez", &[]).await;
    assert_eq!(own.status, StatusCode::OK);
    assert_eq!(live.status, StatusCode::OK);
    assert!(
        !slow.is_finished(),
        "the smoke run ended before the other routes answered"
    );
    assert_eq!(slow.await.unwrap().status, StatusCode::OK);
}

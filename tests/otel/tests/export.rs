//! Spans and metrics of smoke runs, exported over OTLP/HTTP to a real receiver that
//! decodes them with the OpenTelemetry project's Python bindings (`opentelemetry-proto`).
//!
//! A run asked of the endpoint (trigger `request`) runs three tests: an async one and a
//! sync one that each open a span of their own, and one that errors with a configured
//! secret in its message; then a bare runner runs the sync one (trigger `direct`). The
//! receiver must get the run -> test -> the test's own span structure (by ids), the
//! attributes, the error status with the secret masked (and the secret nowhere in what
//! it got), and the run metrics with the right counts.

use std::time::Duration;

use serde_json::Value;
use smoke_otel::{array, int_attribute, metrics, spans, string_attribute, Receiver};
use smoke_runtime::http::Smoke;
use smoke_runtime::otel::Otel;
use smoke_runtime::prelude::*;
use smoke_runtime::{Runner, Selection};
use tracing::Instrument;

const SECRET: &str = "hunter2-otel-secret";

#[smoke_test(tags("otel", "async"))]
async fn async_opens_a_span() -> SmokeResult {
    let span = tracing::info_span!("user.async_work", user.step = "fetch");
    async { tokio::time::sleep(Duration::from_millis(5)).await }
        .instrument(span)
        .await;
    Ok(())
}

#[smoke_test(tags("otel", "sync"))]
fn sync_opens_a_span() -> SmokeResult {
    let _work = tracing::info_span!("user.sync_work").entered();
    std::thread::sleep(Duration::from_millis(2));
    Ok(())
}

#[smoke_test(tags("otel"))]
async fn errors_with_a_secret() -> SmokeResult {
    Err(SmokeError::error(format!(
        "cannot log in as admin with password {SECRET}"
    )))
}

/// The span named `name` whose attribute `key` is `value`.
fn span_with<'a>(spans: &'a [Value], name: &str, key: &str, value: &str) -> &'a Value {
    spans
        .iter()
        .find(|s| s["name"] == name && string_attribute(s, key) == Some(value))
        .unwrap_or_else(|| panic!("no span {name} with {key} = {value} in {spans:#?}"))
}

/// The spans whose parent is `parent`.
fn children<'a>(spans: &'a [Value], parent: &Value) -> Vec<&'a Value> {
    spans
        .iter()
        .filter(|s| s["parentSpanId"] == parent["spanId"] && s["traceId"] == parent["traceId"])
        .collect()
}

/// The test span among `tests` whose name ends with `::short`.
fn test_named<'a>(tests: &[&'a Value], short: &str) -> &'a Value {
    tests
        .iter()
        .copied()
        .find(|s| {
            string_attribute(s, "smoke.test.name")
                .is_some_and(|n| n.ends_with(&format!("::{short}")))
        })
        .unwrap_or_else(|| panic!("no test span of {short} in {tests:#?}"))
}

/// The metric named `name` in the latest metrics request that has it.
fn metric(requests: &[Value], name: &str) -> Value {
    requests
        .iter()
        .rev()
        .flat_map(|r| metrics(std::slice::from_ref(r)))
        .find(|m| m["name"] == name)
        .unwrap_or_else(|| panic!("no metric {name} in {requests:#?}"))
}

/// A data point's 64-bit integer (`MessageToDict` writes them as strings).
fn int(value: &Value) -> i64 {
    value
        .as_str()
        .and_then(|s| s.parse().ok())
        .or_else(|| value.as_i64())
        .unwrap_or_else(|| panic!("not an integer: {value}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spans_and_metrics_reach_an_otlp_receiver() {
    let tmp = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let Some(python) = smoke_otel::python(tmp) else {
        return;
    };
    let receiver = Receiver::start(&python, &tmp.join("otlp-received"));
    let otel = Otel::builder()
        .service_name("smoke-otel-test")
        .endpoint(&receiver.url)
        .install()
        .expect("export set up, the subscriber installed");

    // A run asked of the endpoint, then one of a bare runner.
    let smoke = Smoke::builder()
        .only(Selection::all().tag("otel"))
        .runner(Runner::builder().secret(SECRET))
        .build();
    let answer = smoke
        .handle(http::Request::get("/").body(()).expect("a request"))
        .await;
    assert!(
        !answer.status().is_success(),
        "a test errors, so the run fails: {answer:?}"
    );
    let direct = Runner::builder()
        .secret(SECRET)
        .build()
        .run(&Selection::all().tag("sync"))
        .await;
    assert_eq!(direct.tests.len(), 1);

    // Both runs' spans end with their runs; flush until the receiver has them.
    let flushed = {
        let mut tries = 0;
        loop {
            let otel_ref = &otel;
            let _ = tokio::task::block_in_place(|| otel_ref.flush());
            let got = spans(&receiver.received("traces"));
            if got.iter().filter(|s| s["name"] == "smoke.run").count() >= 2 || tries == 50 {
                break got.len();
            }
            tries += 1;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    assert!(flushed > 0, "no span reached the receiver");
    tokio::task::spawn_blocking(move || otel.shutdown())
        .await
        .expect("the shutdown thread")
        .expect("a clean shutdown: the last export went through");

    let spans = spans(&receiver.received("traces"));

    // The endpoint's run, its three tests, and the spans the tests opened.
    let run = span_with(&spans, "smoke.run", "smoke.trigger", "request");
    assert_eq!(array(run, "parentSpanId").len(), 0);
    assert!(run["parentSpanId"].as_str().is_none_or(str::is_empty));
    assert_eq!(string_attribute(run, "smoke.selection"), Some("all"));
    assert_eq!(int_attribute(run, "smoke.tests"), Some(3));
    assert_eq!(int_attribute(run, "smoke.passed"), Some(2));
    assert_eq!(int_attribute(run, "smoke.failed"), Some(0));
    assert_eq!(int_attribute(run, "smoke.errored"), Some(1));
    assert_eq!(int_attribute(run, "smoke.timed_out"), Some(0));
    assert_eq!(int_attribute(run, "smoke.skipped"), Some(0));
    let tests = children(&spans, run);
    assert_eq!(tests.len(), 3, "three test spans under the run: {tests:#?}");
    assert!(tests.iter().all(|t| t["name"] == "smoke.test"));

    let async_test = test_named(&tests, "async_opens_a_span");
    assert_eq!(
        string_attribute(async_test, "smoke.test.outcome"),
        Some("passed")
    );
    assert_eq!(
        string_attribute(async_test, "smoke.test.tags"),
        Some("otel,async")
    );
    assert_eq!(
        string_attribute(async_test, "smoke.test.class"),
        Some("export")
    );
    assert!(async_test["status"]["code"]
        .as_str()
        .is_none_or(|c| c != "STATUS_CODE_ERROR"));
    let own = children(&spans, async_test);
    assert_eq!(own.len(), 1, "the async body's span: {own:#?}");
    assert_eq!(own[0]["name"], "user.async_work");
    assert_eq!(string_attribute(own[0], "user.step"), Some("fetch"));

    let sync_test = test_named(&tests, "sync_opens_a_span");
    assert_eq!(
        string_attribute(sync_test, "smoke.test.outcome"),
        Some("passed")
    );
    assert_eq!(
        string_attribute(sync_test, "smoke.test.tags"),
        Some("otel,sync")
    );
    let own = children(&spans, sync_test);
    assert_eq!(
        own.len(),
        1,
        "the sync body's span, opened on its blocking thread: {own:#?}"
    );
    assert_eq!(own[0]["name"], "user.sync_work");

    let erring = test_named(&tests, "errors_with_a_secret");
    assert_eq!(
        string_attribute(erring, "smoke.test.outcome"),
        Some("errored")
    );
    assert!(
        attribute_f64(erring, "smoke.test.duration_ms").is_some(),
        "a duration: {erring:#}"
    );
    assert_eq!(erring["status"]["code"], "STATUS_CODE_ERROR", "{erring:#}");
    let message = erring["status"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("cannot log in as admin with password ***"),
        "the message, redacted: {message:?}"
    );

    // The bare runner's run.
    let direct = span_with(&spans, "smoke.run", "smoke.trigger", "direct");
    assert_eq!(
        string_attribute(direct, "smoke.selection"),
        Some("tags=sync")
    );
    assert_eq!(int_attribute(direct, "smoke.passed"), Some(1));
    let direct_tests = children(&spans, direct);
    assert_eq!(direct_tests.len(), 1);
    assert_eq!(
        children(&spans, direct_tests[0])[0]["name"],
        "user.sync_work"
    );

    // Metrics, recorded from the coordinator's run only.
    let requests = receiver.received("metrics");
    let runs = metric(&requests, "smoke.runs");
    let points = array(&runs["sum"], "dataPoints");
    assert_eq!(points.len(), 1, "one run, failed: {runs:#}");
    assert_eq!(string_attribute(&points[0], "outcome"), Some("fail"));
    assert_eq!(int(&points[0]["asInt"]), 1);

    let outcomes = metric(&requests, "smoke.test.outcomes");
    let points = array(&outcomes["sum"], "dataPoints");
    assert_eq!(points.len(), 3, "one point a test: {outcomes:#}");
    for point in points {
        let test = string_attribute(point, "test").expect("a test name");
        let expected = if test.ends_with("::errors_with_a_secret") {
            "errored"
        } else {
            "passed"
        };
        assert_eq!(string_attribute(point, "outcome"), Some(expected), "{test}");
        assert_eq!(int(&point["asInt"]), 1, "{test}");
    }

    let duration = metric(&requests, "smoke.test.duration");
    assert_eq!(duration["unit"], "s");
    let points = array(&duration["histogram"], "dataPoints");
    assert_eq!(points.len(), 3, "{duration:#}");
    let count: i64 = points.iter().map(|p| int(&p["count"])).sum();
    assert_eq!(count, 3);
    let async_point = points
        .iter()
        .find(|p| string_attribute(p, "test").is_some_and(|t| t.ends_with("::async_opens_a_span")))
        .expect("the async test's durations");
    assert!(
        async_point["sum"].as_f64().is_some_and(|s| s >= 0.005),
        "it slept 5 ms: {async_point:#}"
    );

    let everything = receiver.everything();
    assert!(
        !everything.contains(SECRET),
        "the secret reached the collector"
    );
}

/// A double attribute's value.
fn attribute_f64(item: &Value, key: &str) -> Option<f64> {
    smoke_otel::attribute(item, key)?["doubleValue"].as_f64()
}

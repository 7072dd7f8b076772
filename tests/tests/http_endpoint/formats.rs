//! Status codes and formats: 200 and 5xx, Accept and `?format=`, selection, HEAD.

use hyper::{Method, StatusCode};
use smoke_runtime::http::Details;
use smoke_tests::http_client::{get, Client};

use super::{app, only, MOD};

// ---- status codes and formats -------------------------------------------------------------

#[tokio::test]
async fn all_passing_is_200_with_the_django_smoketest_text() {
    let smoke = only("ok").details(Details::Always).build();
    let addr = app(smoke.clone()).await;
    let r = get(addr, "/smoketest", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.header("content-type"), "text/plain; charset=utf-8");
    assert_eq!(r.header("cache-control"), "no-store");
    assert_eq!(r.header("x-smoke-status"), "PASS");
    assert_eq!(r.header("x-content-type-options"), "nosniff");
    assert!(
        r.body
            .starts_with("PASS\ntest classes: 1\ntests run: 2\ntests passed: 2\n"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("no object store in this environment"),
        "{}",
        r.body
    );
    assert_eq!(smoke.runs(), 1);
    // The service's own routes are untouched.
    let own = get(addr, "/", &[]).await;
    assert_eq!(own.body, "the service's own page");
}

#[tokio::test]
async fn a_failure_is_500_or_the_configured_5xx() {
    let addr = app(only("broken").build()).await;
    let r = get(addr, "/smoketest", &[]).await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(r.body.starts_with("FAIL\n"), "{}", r.body);
    assert_eq!(r.header("x-smoke-status"), "FAIL");

    let addr = app(only("broken")
        .failure_status(StatusCode::SERVICE_UNAVAILABLE)
        .build())
    .await;
    assert_eq!(
        get(addr, "/smoketest", &[]).await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    // Selecting only the passing test of the same endpoint passes.
    let addr = app(only("broken")
        .failure_status(StatusCode::SERVICE_UNAVAILABLE)
        .details(Details::Always)
        .build())
    .await;
    let r = get(addr, "/smoketest?tag=ok2", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn every_format_by_accept_and_by_query() {
    let addr = app(only("broken").details(Details::Always).build()).await;
    let mut c = Client::connect(addr).await;

    let json = c.get("/smoketest", &[("accept", "application/json")]).await;
    assert_eq!(json.header("content-type"), "application/json");
    let v = json.json();
    assert_eq!(v["status"], "FAIL");
    assert_eq!(v["tests_run"], 2);
    assert_eq!(v["tests_failed"], 1);
    assert!(v["failed_tests"][0]
        .as_str()
        .unwrap()
        .starts_with(&format!("{MOD}::payments_reachable")));
    assert!(v["time"].is_number());

    let health = c
        .get("/smoketest", &[("accept", "application/health+json")])
        .await;
    assert_eq!(health.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(health.header("content-type"), "application/health+json");
    let v = health.json();
    assert_eq!(v["status"], "fail");
    let check = &v["checks"][format!("{MOD}::payments_reachable")][0];
    assert_eq!(check["status"], "fail");
    assert_eq!(check["observedUnit"], "ms");
    assert!(check["time"].as_str().unwrap().ends_with('Z'));
    assert!(check["output"].as_str().unwrap().contains("connect to"));
    assert_eq!(
        v["checks"][format!("{MOD}::queue_reachable")][0]["status"],
        "pass"
    );

    let html = c
        .get(
            "/smoketest",
            &[(
                "accept",
                "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            )],
        )
        .await;
    assert_eq!(html.header("content-type"), "text/html; charset=utf-8");
    assert!(
        html.body.contains(r#"<div id="status">FAIL</div>"#),
        "{}",
        html.body
    );
    assert!(html.body.contains("queue_reachable"));

    let junit = c.get("/smoketest", &[("accept", "application/xml")]).await;
    assert_eq!(
        junit.header("content-type"),
        "application/xml; charset=utf-8"
    );
    assert!(junit.body.contains("<testsuite"), "{}", junit.body);
    assert!(junit.body.contains("<failure"), "{}", junit.body);

    // q-values: text is the least wanted here.
    let r = c
        .get(
            "/smoketest",
            &[("accept", "text/plain;q=0.2, application/json;q=0.9")],
        )
        .await;
    assert_eq!(r.header("content-type"), "application/json");
    // `?format=` overrides Accept.
    for (name, content_type) in [
        ("text", "text/plain; charset=utf-8"),
        ("json", "application/json"),
        ("health", "application/health+json"),
        ("html", "text/html; charset=utf-8"),
        ("junit", "application/xml; charset=utf-8"),
    ] {
        let r = c
            .get(
                &format!("/smoketest?format={name}"),
                &[("accept", "image/png")],
            )
            .await;
        assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "{name}");
        assert_eq!(r.header("content-type"), content_type, "{name}");
    }
    // No Accept, or */*: text.
    let r = c.get("/smoketest", &[("accept", "*/*")]).await;
    assert!(r.body.starts_with("FAIL\n"));
}

#[tokio::test]
async fn selection_by_tag_and_test() {
    let smoke = only("ok").details(Details::Always).build();
    let addr = app(smoke.clone()).await;
    let v = get(addr, "/smoketest?tag=db&format=json", &[]).await.json();
    assert_eq!(v["tests_run"], 1);
    let name = format!("{MOD}::cache_answers");
    let v = get(addr, &format!("/smoketest?test={name}&format=json"), &[])
        .await
        .json();
    assert_eq!(v["tests_run"], 1);
    assert_eq!(v["tests"][0]["name"], name);
    let both = format!("/smoketest?test={name}&test={MOD}::database_answers&format=json");
    assert_eq!(get(addr, &both, &[]).await.json()["tests_run"], 2);
}

#[tokio::test]
async fn head_answers_the_status_without_a_body() {
    let addr = app(only("broken").build()).await;
    let r = Client::connect(addr)
        .await
        .send(Method::HEAD, "/smoketest", &[])
        .await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(r.header("x-smoke-status"), "FAIL");
    assert!(r.body.is_empty());
}

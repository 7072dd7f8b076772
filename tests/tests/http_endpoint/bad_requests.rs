//! The 4xx answers: bad formats, queries, headers and methods; none runs a test.

use hyper::{Method, StatusCode};
use smoke_runtime::http::Details;
use smoke_tests::http_client::{raw, Client};

use super::{app, only, Headers, MOD};

// ---- 4xx ----------------------------------------------------------------------------------

#[tokio::test]
async fn bad_requests_are_4xx_with_a_clear_message_and_run_nothing() {
    let smoke = only("ok").details(Details::Always).build();
    let addr = app(smoke.clone()).await;
    let mut c = Client::connect(addr).await;

    let r = c.get("/smoketest", &[("accept", "image/png")]).await;
    assert_eq!(r.status, StatusCode::NOT_ACCEPTABLE);
    for media in [
        "text/plain",
        "application/json",
        "application/health+json",
        "text/html",
        "application/xml",
    ] {
        assert!(r.body.contains(media), "{media} missing from {}", r.body);
    }

    let cases: &[(&str, Headers, &str)] = &[
        (
            "/smoketest?tag=nope",
            &[],
            "unknown tag(s): nope; known tags: db, ok",
        ),
        ("/smoketest?test=nope::x", &[], "unknown test(s): nope::x"),
        (
            "/smoketest?colour=red",
            &[],
            "unknown query parameter `colour`",
        ),
        (
            "/smoketest?tag=%zz",
            &[],
            "`%zz` has a `%` that is not followed by two hex digits",
        ),
        ("/smoketest?tag=%ff", &[], "does not decode to UTF-8"),
        ("/smoketest?tag=", &[], "`tag` needs a value"),
        (
            "/smoketest?format=pdf",
            &[],
            "unknown format `pdf`; formats: text, json, health, html, junit",
        ),
        (
            "/smoketest?format=json&format=text",
            &[],
            "`format` is given more than once",
        ),
        (
            "/smoketest",
            &[("accept", "text/html;q=7")],
            "malformed Accept header: q=7",
        ),
        (
            "/smoketest",
            &[("accept", "html")],
            "malformed Accept header: `html` is not a media range",
        ),
        (
            "/smoketest/readyz?tag=ok",
            &[],
            "unknown query parameter `tag`; this route takes: format",
        ),
        (
            "/smoketest/metrics?format=json",
            &[],
            "unknown query parameter `format`; this route takes: none",
        ),
        (
            "/smoketest/livez?verbose=1",
            &[],
            "unknown query parameter `verbose`; this route takes: none",
        ),
        (
            "/smoketest/livez?%zz",
            &[],
            "has a `%` that is not followed",
        ),
    ];
    for (path, headers, message) in cases {
        let r = c.get(path, headers).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}: {}", r.body);
        assert_eq!(r.header("x-smoke-status"), "", "{path}");
        assert_eq!(r.header("x-content-type-options"), "nosniff");
        assert!(
            r.body.contains(message),
            "{path}: {:?} does not contain {message:?}",
            r.body
        );
    }

    let r = c.send(Method::POST, "/smoketest", &[]).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.header("allow"), "GET, HEAD");
    let r = c.send(Method::DELETE, "/smoketest/metrics", &[]).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);

    // Unknown values are quoted cut short, however long they are.
    let long = "z".repeat(3000);
    for key in ["tag", "test"] {
        let r = c
            .get(&format!("/smoketest?{key}={long}&{key}=a{long}"), &[])
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert!(
            r.body.contains(&format!("{}…", "z".repeat(80))),
            "{}",
            r.body
        );
        assert!(!r.body.contains(&"z".repeat(81)), "{key}: {}", r.body);
    }

    // Known tag and known test, but no test has both: nothing to run is not a PASS.
    let r = c
        .get(&format!("/smoketest?tag=db&test={MOD}::cache_answers"), &[])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("the selection takes no test"), "{}", r.body);
    assert_eq!(r.header("x-smoke-status"), "");

    // A header value that is not ASCII text.
    let reply = raw(
        addr,
        b"GET /smoketest HTTP/1.1\r\nhost: x\r\naccept: text/\xffplain\r\nconnection: close\r\n\r\n",
    )
    .await;
    assert!(reply.starts_with("HTTP/1.1 400"), "{reply}");

    assert_eq!(smoke.runs(), 0, "a bad request started a run");
    // After all that, a good request still runs.
    assert_eq!(c.get("/smoketest?tag=db", &[]).await.status, StatusCode::OK);
    assert_eq!(smoke.runs(), 1);
}

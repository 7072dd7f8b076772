//! Details and bearer-token auth, and the redaction of secrets in every format.

use hyper::StatusCode;
use smoke_runtime::http::Details;
use smoke_runtime::Runner;
use smoke_tests::http_client::Client;

use super::{app, only, MOD};

// ---- details and auth ---------------------------------------------------------------------

#[tokio::test]
async fn without_details_no_name_or_message_leaves() {
    let smoke = only("broken").build();
    let addr = app(smoke.clone()).await;
    let mut c = Client::connect(addr).await;
    for format in ["text", "json", "health", "html", "junit"] {
        let r = c.get(&format!("/smoketest?format={format}"), &[]).await;
        assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "{format}");
        for leak in ["payments_reachable", "queue_reachable", "connect to"] {
            assert!(!r.body.contains(leak), "{format} shows {leak}: {}", r.body);
        }
    }
    let text = c.get("/smoketest", &[]).await.body;
    assert!(text.contains("tests failed: 1"), "{text}");
    let metrics = c.get("/smoketest/metrics", &[]).await.body;
    assert!(!metrics.contains("payments_reachable"), "{metrics}");
    // Such callers may not select: the same 403 for a known and an unknown name or tag,
    // so the answers tell nothing of which tests exist, and nothing runs.
    let runs = smoke.runs();
    let mut bodies = Vec::new();
    for path in [
        "/smoketest?tag=nope".to_owned(),
        "/smoketest?tag=broken".to_owned(),
        "/smoketest?test=nope::x".to_owned(),
        format!("/smoketest?test={MOD}::payments_reachable"),
    ] {
        let r = c.get(&path, &[]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        bodies.push(r.body);
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]), "{bodies:?}");
    assert!(!bodies[0].contains("broken"), "{}", bodies[0]);
    assert_eq!(smoke.runs(), runs, "a refused selection ran");
}

#[tokio::test]
async fn bearer_token_gates_details_and_a_wrong_one_is_401_before_any_run() {
    let smoke = only("broken")
        .details(Details::WhenAuthorized("tok-3141".into()))
        .build();
    let addr = app(smoke.clone()).await;
    let mut c = Client::connect(addr).await;

    for bad in [
        "Bearer tok-3142",
        "Bearer tok-314",
        "Basic dG9rLTMxNDE=",
        "tok-3141",
        "Bearer ",
    ] {
        for path in ["/smoketest", "/smoketest/metrics", "/smoketest/readyz"] {
            let r = c.get(path, &[("authorization", bad)]).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{bad} on {path}");
            assert!(r.header("www-authenticate").starts_with("Bearer"), "{bad}");
        }
    }
    assert_eq!(
        smoke.runs(),
        0,
        "a request with a wrong token started a run"
    );

    let anonymous = c.get("/smoketest", &[]).await;
    assert_eq!(anonymous.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!anonymous.body.contains("payments_reachable"));
    assert!(anonymous.header("cache-control").contains("no-store"));

    let authorized = c
        .get("/smoketest", &[("authorization", "Bearer tok-3141")])
        .await;
    assert_eq!(authorized.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        authorized.body.contains("payments_reachable"),
        "{}",
        authorized.body
    );
    let lower = c
        .get("/smoketest", &[("authorization", "bearer tok-3141")])
        .await;
    assert!(lower.body.contains("payments_reachable"));
    let metrics = c
        .get(
            "/smoketest/metrics",
            &[("authorization", "Bearer tok-3141")],
        )
        .await;
    assert!(
        metrics.body.contains("payments_reachable"),
        "{}",
        metrics.body
    );
}

// ---- redaction ----------------------------------------------------------------------------

#[tokio::test]
async fn secrets_are_scrubbed_and_messages_capped_in_every_format() {
    let addr = app(only("broken")
        .details(Details::Always)
        .runner(Runner::builder().secret("SECRET-VALUE-123"))
        .max_message_len(300)
        .build())
    .await;
    let mut c = Client::connect(addr).await;
    for format in ["text", "json", "health", "html", "junit"] {
        let r = c.get(&format!("/smoketest?format={format}"), &[]).await;
        assert!(
            !r.body.contains("hunter2"),
            "{format} leaks the URL password: {}",
            r.body
        );
        assert!(
            !r.body.contains("SECRET-VALUE-123"),
            "{format} leaks the secret"
        );
        assert!(
            r.body.contains("postgres://app:***@db.internal:5432/pay"),
            "{format}: {}",
            r.body
        );
        assert!(
            r.body.contains("more characters)"),
            "{format} is not capped"
        );
        assert!(!r.body.contains(&"x".repeat(400)), "{format} is not capped");
    }
}

//! Every surface (status codes, headers, each format's status, `/gate`, `/startupz`) follows the reported status.

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::time::Duration;

use hyper::StatusCode;
use serde_json::Value;
use smoke_runtime::http::{Details, Smoke};
use smoke_runtime::report::damping::Damping;
use smoke_runtime::Selection;
use smoke_tests::http_client::{get, serve_axum};

use super::{test, BEARER, E_DOWN, TOKEN};

/// What every surface of the endpoint says of the stored run, without running again:
/// the status code and `X-Smoke-Status` / `X-Smoke-Raw-Status` of each format, each
/// document's own status, `/gate` for Argo and for Flagger.
struct Surfaces {
    codes: Vec<(String, u16, String, String)>,
    json: Value,
    anonymous_json: Value,
    text: String,
    page: String,
    health: Value,
    argo: Value,
    flagger: (u16, String),
}

impl Surfaces {
    /// Asserts that every status code, status header and JSON document says `status`
    /// (`PASS` or `FAIL`), with `raw` beside it, and that the counts say what ran (one
    /// failure).
    fn say(&self, status: &str, raw: &str) {
        let passes = status == "PASS";
        for (surface, code, reported, raw_header) in &self.codes {
            // Argo reads `passed` from a 200, whatever the outcome.
            let expected = if passes || surface == "gate" {
                200
            } else {
                500
            };
            assert_eq!(
                (*code, reported.as_str(), raw_header.as_str()),
                (expected, status, raw),
                "{surface}"
            );
        }
        for json in [&self.json, &self.anonymous_json, &self.argo] {
            assert_eq!(
                (&json["status"], &json["raw_status"]),
                (&status.into(), &raw.into())
            );
            assert_eq!(
                (&json["tests_run"], &json["tests_failed"]),
                (&1.into(), &1.into())
            );
        }
        assert_eq!(self.argo["passed"], passes);
    }
}

async fn surfaces(addr: SocketAddr) -> Surfaces {
    let mut codes = Vec::new();
    let mut bodies = Vec::new();
    for (format, headers) in [
        ("json", &[BEARER][..]),
        ("json", &[][..]),
        ("text", &[BEARER][..]),
        ("html", &[BEARER][..]),
        ("health", &[BEARER][..]),
    ] {
        let reply = get(addr, &format!("/?format={format}"), headers).await;
        codes.push((
            format!(
                "{format}{}",
                if headers.is_empty() { " anonymous" } else { "" }
            ),
            reply.status.as_u16(),
            reply.header("x-smoke-status").to_owned(),
            reply.header("x-smoke-raw-status").to_owned(),
        ));
        bodies.push(reply.body);
    }
    let argo = get(addr, "/gate", &[BEARER]).await;
    codes.push((
        "gate".into(),
        argo.status.as_u16(),
        argo.header("x-smoke-status").to_owned(),
        argo.header("x-smoke-raw-status").to_owned(),
    ));
    // Flagger's POST, sent by the HTTP check's client.
    let flagger = smoke_runtime::checks::HttpCheck::new(format!("http://{addr}/gate"))
        .post(r#"{"name":"podinfo","namespace":"test","phase":"Progressing","checksum":"1"}"#)
        .header("Content-Type", "application/json")
        .fetch()
        .await
        .expect("the gate answers");
    let json = |body: &str| serde_json::from_str::<Value>(body).expect("JSON");
    Surfaces {
        codes,
        json: json(&bodies[0]),
        anonymous_json: json(&bodies[1]),
        text: bodies[2].clone(),
        page: bodies[3].clone(),
        health: json(&bodies[4]),
        argo: argo.json(),
        flagger: (flagger.status, flagger.text()),
    }
}

/// With `fail_after(2)`, one failure after a pass leaves every surface saying the run
/// passes (the raw status beside it says this run failed); the second failure makes
/// every surface say it fails. `/startupz` is never passing before a first pass.
#[tokio::test]
async fn every_surface_follows_the_reported_status() {
    // Answers come from the stored run (a cache, and failures kept for a minute), so
    // every surface looks at the same run; a fresh run is asked for with the token.
    let smoke = Smoke::builder()
        .details(Details::WhenAuthorized(TOKEN.into()))
        .cache(Duration::from_secs(60))
        .min_interval(Duration::from_secs(60))
        .startup_tags(["damp-e"])
        .damping(Damping::new().fail_after(2))
        .only(Selection::all().tag("damp-e"))
        .build();
    let addr = serve_axum(smoke_runtime::axum::router(smoke.clone())).await;
    let fresh = || async { get(addr, "/?format=json&fresh=1", &[BEARER]).await };

    // Start-up: failed once, never passed: pending, so not started, whatever damping.
    assert_eq!(fresh().await.status, StatusCode::INTERNAL_SERVER_ERROR);
    let startup = get(addr, "/startupz", &[]).await;
    assert_eq!(
        startup.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        startup.body
    );
    assert!(startup.body.starts_with("FAIL\n"), "{}", startup.body);
    E_DOWN.store(false, Ordering::SeqCst);
    assert_eq!(fresh().await.status, StatusCode::OK);
    let startup = get(addr, "/startupz", &[]).await;
    assert_eq!(startup.status, StatusCode::OK, "{}", startup.body);
    assert_eq!(get(addr, "/startupz", &[]).await.body, "started\n");

    // One failure: damped. Every surface passes, the raw status says this run failed.
    E_DOWN.store(true, Ordering::SeqCst);
    let reply = fresh().await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let runs = smoke.runs();
    let seen = surfaces(addr).await;
    assert_eq!(
        smoke.runs(),
        runs,
        "the surfaces were served the stored run"
    );
    seen.say("PASS", "FAIL");
    assert_eq!(test(&seen.json, "e_upstream")["outcome"], "failed");
    assert_eq!(test(&seen.json, "e_upstream")["status"], "passing");
    assert!(
        seen.text
            .starts_with("PASS\ntest classes: 1\ntests run: 1\n"),
        "{}",
        seen.text
    );
    assert!(
        seen.text
            .contains("\nraw status: FAIL (this run; reported PASS after flap damping)\n"),
        "{}",
        seen.text
    );
    assert!(
        seen.page.contains("<title>PASS · smoke tests</title>"),
        "{}",
        seen.page
    );
    assert!(seen
        .page
        .contains("<header class=\"pass\"><div id=\"status\">PASS</div>"));
    assert!(seen
        .page
        .contains("<div id=\"raw-status\" class=\"raw\">this run: <b>FAIL</b>"));
    // health+json: passing with a concern (the draft's `warn`), the raw outcome beside.
    assert_eq!(seen.health["status"], "warn", "{}", seen.health);
    let check = &seen.health["checks"]["damping::e_upstream"][0];
    assert_eq!(
        (&check["status"], &check["outcome"]),
        (&"warn".into(), &"failed".into())
    );
    assert_eq!(seen.flagger.0, 200, "{}", seen.flagger.1);
    assert!(
        seen.flagger
            .1
            .starts_with("PASS (this run FAIL, damped): 1 run, 0 passed, 1 failed"),
        "{}",
        seen.flagger.1
    );

    // The second failure: reported failing, and every surface says so.
    let reply = fresh().await;
    assert_eq!(
        reply.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        reply.body
    );
    let seen = surfaces(addr).await;
    seen.say("FAIL", "FAIL");
    assert!(seen.text.starts_with("FAIL\n"), "{}", seen.text);
    assert!(!seen.text.contains("raw status:"), "{}", seen.text);
    assert!(seen
        .page
        .contains("<header class=\"fail\"><div id=\"status\">FAIL</div>"));
    assert!(!seen.page.contains("id=\"raw-status\""));
    assert_eq!(seen.health["status"], "fail");
    assert_eq!(
        seen.health["checks"]["damping::e_upstream"][0]["status"],
        "fail"
    );
    assert_eq!(seen.flagger.0, 412, "{}", seen.flagger.1);
    assert!(
        seen.flagger
            .1
            .starts_with("FAIL: 1 run, 0 passed, 1 failed"),
        "{}",
        seen.flagger.1
    );
}

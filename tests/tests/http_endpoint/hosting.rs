//! Plain hyper with a base path, resources, and the programmatic API with a shared cache.

use std::time::Duration;

use hyper::{Method, StatusCode};
use smoke_runtime::http::{Details, Smoke};
use smoke_runtime::{Runner, Selection};
use smoke_tests::http_client::{get, serve_hyper, Client};

use super::{app, only, Greeting, MOD};

// ---- plain hyper, base path ---------------------------------------------------------------

#[tokio::test]
async fn plain_hyper_with_a_base_path() {
    let smoke = only("ok")
        .base_path("/ops/smoke/")
        .details(Details::Always)
        .build();
    let addr = serve_hyper(smoke.clone()).await;
    let mut c = Client::connect(addr).await;
    assert_eq!(c.get("/ops/smoke", &[]).await.status, StatusCode::OK);
    assert_eq!(c.get("/ops/smoke/", &[]).await.status, StatusCode::OK);
    assert_eq!(c.get("/ops/smoke/livez", &[]).await.body, "ok\n");
    assert!(c
        .get("/ops/smoke/metrics", &[])
        .await
        .body
        .contains("smoke_runs_total 2\n"));
    let r = c.get("/ops/smoke/readyz?format=health", &[]).await;
    assert_eq!(r.json()["status"], "pass");
    assert_eq!(
        c.get("/ops/smokes", &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(c.get("/elsewhere", &[]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        c.send(Method::PUT, "/ops/smoke", &[]).await.status,
        StatusCode::METHOD_NOT_ALLOWED
    );
}

// ---- resources and the programmatic API ---------------------------------------------------

#[tokio::test]
async fn resources_reach_the_tests_and_run_shares_the_endpoint_state() {
    let runner = Runner::builder().resource(Greeting("hello"));
    let smoke = Smoke::builder()
        .runner(runner)
        .only(Selection::all().tag("resource"))
        .build();
    let report = smoke.run(&Selection::all()).await;
    assert!(report.passed(), "{report:?}");
    assert_eq!(report.tests.len(), 1);
    assert_eq!(smoke.runs(), 1);
    assert_eq!(
        smoke.latest().unwrap().tests[0].name,
        format!("{MOD}::uses_a_resource")
    );

    // Without the resource the test errors, and says what is missing.
    let smoke = only("resource").details(Details::Always).build();
    let addr = app(smoke).await;
    let r = get(addr, "/smoketest?format=json", &[]).await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        r.json()["tests"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Greeting"),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn one_cached_run_answers_anonymous_and_authorized_callers_each_their_way() {
    let smoke = Smoke::builder()
        .only(Selection::all().tag("broken"))
        .details(Details::WhenAuthorized("k".into()))
        .cache(Duration::from_secs(60))
        .build();
    let addr = app(smoke.clone()).await;
    let anonymous = get(addr, "/smoketest", &[]).await;
    let authorized = get(addr, "/smoketest", &[("authorization", "Bearer k")]).await;
    assert_eq!(smoke.runs(), 1);
    assert!(!anonymous.body.contains("payments_reachable"));
    assert!(authorized.body.contains("payments_reachable"));
    assert_eq!(authorized.header("cache-control"), "private, max-age=60");
    assert_eq!(authorized.header("vary"), "Accept, Authorization");
}

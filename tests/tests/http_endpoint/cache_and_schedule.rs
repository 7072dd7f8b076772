//! The result cache and its age, and the background schedule and its pace.

use std::sync::atomic::Ordering;
use std::time::Duration;

use hyper::{Method, StatusCode};
use smoke_runtime::http::Details;
use smoke_tests::http_client::{get, Client};

use super::{app, only, MOD, SCHEDULED_RUNS};

#[tokio::test]
async fn the_cache_serves_a_result_with_its_age() {
    let smoke = only("ok")
        .details(Details::Always)
        .cache(Duration::from_secs(60))
        .build();
    let addr = app(smoke.clone()).await;
    let first = get(addr, "/smoketest", &[]).await;
    assert_eq!(first.header("cache-control"), "max-age=60");
    assert_eq!(first.header("age"), "0");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let second = get(addr, "/smoketest?format=json", &[]).await;
    assert_eq!(second.status, StatusCode::OK);
    let age: u64 = second.header("age").parse().unwrap();
    assert!((1..60).contains(&age), "age {age}");
    assert_eq!(smoke.runs(), 1, "a cached result was run again");
    // Other selections are served from the same run of every test.
    let db = get(addr, "/smoketest?tag=db&format=json", &[]).await;
    assert_eq!(db.json()["tests_run"], 1, "{}", db.body);
    let one = get(
        addr,
        &format!("/smoketest?test={MOD}::cache_answers&format=json"),
        &[],
    )
    .await;
    assert_eq!(one.json()["tests_run"], 1, "{}", one.body);
    assert_eq!(
        get(addr, "/smoketest/readyz", &[]).await.status,
        StatusCode::OK
    );
    assert_eq!(
        smoke.runs(),
        1,
        "a selection started a run beside the cached one"
    );

    // Expired entries are run again.
    let smoke = only("ok").cache(Duration::from_millis(300)).build();
    let addr = app(smoke.clone()).await;
    get(addr, "/smoketest", &[]).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    get(addr, "/smoketest", &[]).await;
    assert_eq!(smoke.runs(), 2);
}

#[tokio::test]
async fn the_schedule_runs_in_the_background_and_requests_serve_the_latest() {
    // A long interval: one run at start, then requests serve it and start none.
    let smoke = only("scheduled")
        .details(Details::Always)
        .schedule(Duration::from_secs(3600))
        .build();
    let addr = app(smoke.clone()).await;
    // `build` starts nothing; the host starts the schedule once it listens, and a run
    // happens with no request at all.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(smoke.runs(), 0, "build started the schedule");
    smoke.start_schedule();
    for _ in 0..100 {
        if smoke.latest().is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(smoke.latest().is_some(), "the schedule did not run");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let mut c = Client::connect(addr).await;
    for _ in 0..20 {
        let r = c.get("/smoketest", &[]).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.header("cache-control"), "max-age=3600");
        assert!(
            r.header("age").parse::<u64>().unwrap() >= 1,
            "{:?}",
            r.headers
        );
    }
    let r = c
        .get(
            &format!("/smoketest?test={MOD}::scheduled_check&format=json"),
            &[],
        )
        .await;
    assert_eq!(r.json()["tests_run"], 1);
    assert_eq!(smoke.runs(), 1, "requests started runs of their own");
    let metrics = c.get("/smoketest/metrics", &[]).await.body;
    assert!(
        metrics.contains(&format!(
            "smoke_test_passed{{test=\"{MOD}::scheduled_check\",class=\"{MOD}\"}} 1"
        )),
        "{metrics}"
    );

    // A short interval: runs keep coming without requests.
    let before = SCHEDULED_RUNS.load(Ordering::SeqCst);
    let smoke = only("scheduled")
        .schedule(Duration::from_millis(200))
        .build();
    smoke.start_schedule();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        smoke.runs() >= 3,
        "only {} scheduled runs in 1.5 s at 200 ms",
        smoke.runs()
    );
    assert!(SCHEDULED_RUNS.load(Ordering::SeqCst) - before >= 3);
}

#[test]
fn a_request_that_asks_for_no_result_does_not_start_the_schedule() {
    // Built outside a tokio runtime, the schedule waits for the first request for results.
    let smoke = only("scheduled")
        .details(Details::WhenAuthorized("sched-token".into()))
        .schedule(Duration::from_secs(3600))
        .build();
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    runtime.block_on(async {
        let addr = app(smoke.clone()).await;
        let mut c = Client::connect(addr).await;
        let wrong = [("authorization", "Bearer wrong")];
        for (method, path, headers, status) in [
            (
                Method::POST,
                "/smoketest",
                &[][..],
                StatusCode::METHOD_NOT_ALLOWED,
            ),
            (
                Method::GET,
                "/smoketest",
                &wrong[..],
                StatusCode::UNAUTHORIZED,
            ),
            (
                Method::GET,
                "/smoketest?tag=",
                &[][..],
                StatusCode::BAD_REQUEST,
            ),
            (
                Method::GET,
                "/smoketest/readyz?x=1",
                &[][..],
                StatusCode::BAD_REQUEST,
            ),
            (Method::GET, "/smoketest/livez", &[][..], StatusCode::OK),
            (Method::GET, "/smoketest/metrics", &[][..], StatusCode::OK),
        ] {
            let r = c.send(method.clone(), path, headers).await;
            assert_eq!(r.status, status, "{method} {path}: {}", r.body);
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(
            smoke.runs(),
            0,
            "a request that asked for no result started a run"
        );
        assert!(smoke.latest().is_none());
        // The first request for results starts the schedule, and is answered by its first
        // run: it starts none of its own, then or later.
        let r = c.get("/smoketest", &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(smoke.runs(), 1);
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(smoke.runs(), 1, "the request ran beside the schedule");
    });
}

#[tokio::test(start_paused = true)]
async fn the_schedule_starts_a_run_every_period_however_long_runs_take() {
    // On tokio's paused clock: each run takes 300 ms, the period is 400 ms.
    let smoke = only("paced").schedule(Duration::from_millis(400)).build();
    smoke.start_schedule();
    tokio::time::sleep(Duration::from_millis(1900)).await;
    // Runs start at 0, 400, 800, 1200 and 1600 ms; a pause of 400 ms after each run
    // would start them at 0, 700 and 1400 ms.
    assert_eq!(smoke.runs(), 5);

    // A run longer than the period: the next starts as soon as it ends.
    let smoke = only("paced").schedule(Duration::from_millis(200)).build();
    smoke.start_schedule();
    tokio::time::sleep(Duration::from_millis(1000)).await;
    // Runs start at 0, 300, 600 and 900 ms.
    assert_eq!(smoke.runs(), 4);
}

//! Single-flight: simultaneous requests share a run, and the bound on runs in progress (429).

use std::sync::atomic::Ordering;
use std::time::Duration;

use hyper::StatusCode;
use smoke_runtime::http::Details;
use smoke_tests::http_client::{get, Client};

use super::{app, only, BOUNDED_RUNS, EXCLUSIVE_MAX, EXCLUSIVE_RUNS, MOD, SLOW_RUNS};

// ---- single-flight, cache, schedule -------------------------------------------------------

#[tokio::test]
async fn fifty_simultaneous_requests_share_one_run() {
    let smoke = only("slow").details(Details::Always).build();
    let addr = app(smoke.clone()).await;
    let before = SLOW_RUNS.load(Ordering::SeqCst);
    let mut clients = Vec::new();
    for _ in 0..50 {
        clients.push(Client::connect(addr).await);
    }
    let requests = clients
        .into_iter()
        .map(|mut c| tokio::spawn(async move { c.get("/smoketest?format=json", &[]).await }));
    let mut started = Vec::new();
    for r in futures_join(requests).await {
        let r = r.expect("request task");
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        started.push(r.json()["tests"][0]["duration_ms"].as_f64().unwrap());
    }
    assert_eq!(
        smoke.runs(),
        1,
        "50 simultaneous requests started {} runs",
        smoke.runs()
    );
    assert_eq!(SLOW_RUNS.load(Ordering::SeqCst) - before, 1);
    // They all got the very same result.
    assert!(started.windows(2).all(|w| w[0] == w[1]));
    // Without a cache, the next request runs again.
    get(addr, "/smoketest", &[]).await;
    assert_eq!(smoke.runs(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_a_steady_stream_of_requests_one_selection_never_runs_twice_at_once() {
    let smoke = only("exclusive").build();
    let addr = app(smoke.clone()).await;
    let until = std::time::Instant::now() + Duration::from_millis(1500);
    let mut tasks = Vec::new();
    for _ in 0..64 {
        tasks.push(tokio::spawn(async move {
            let mut c = Client::connect(addr).await;
            let mut answered = 0;
            while std::time::Instant::now() < until {
                assert_eq!(c.get("/smoketest", &[]).await.status, StatusCode::OK);
                answered += 1;
            }
            answered
        }));
    }
    let mut answered = 0;
    for t in tasks {
        answered += t.await.unwrap();
    }
    assert_eq!(
        EXCLUSIVE_MAX.load(Ordering::SeqCst),
        1,
        "two runs of one selection overlapped"
    );
    let runs = smoke.runs();
    assert_eq!(runs as usize, EXCLUSIVE_RUNS.load(Ordering::SeqCst));
    assert!(
        runs >= 5 && (runs as usize) < answered,
        "{runs} runs for {answered} answers"
    );
}

const BOUNDED_TOKEN: &str = "bounded-token";
const BOUNDED_AUTH: [(&str, &str); 1] = [("authorization", "Bearer bounded-token")];

/// The selections of the `bounded` tests that the requests below ask for, each distinct.
fn bounded_selections() -> Vec<String> {
    let [a, b, c] = ["a", "b", "c"].map(|n| format!("test={MOD}::bounded_{n}"));
    vec![
        format!("/smoketest?{a}"),
        format!("/smoketest?{b}"),
        format!("/smoketest?{c}"),
        format!("/smoketest?{a}&{b}"),
        format!("/smoketest?{a}&{c}"),
        format!("/smoketest?{b}&{c}"),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_in_progress_are_bounded_and_the_rest_get_429_with_retry_after() {
    // Callers with the token may use every slot.
    let smoke = only("bounded")
        .details(Details::WhenAuthorized(BOUNDED_TOKEN.into()))
        .build();
    let addr = app(smoke.clone()).await;
    let before = BOUNDED_RUNS.load(Ordering::SeqCst);
    let mut clients = Vec::new();
    for _ in bounded_selections() {
        clients.push(Client::connect(addr).await);
    }
    let requests = clients
        .into_iter()
        .zip(bounded_selections())
        .map(|(mut c, path)| tokio::spawn(async move { c.get(&path, &BOUNDED_AUTH).await }));
    let mut ok = 0;
    let mut busy = 0;
    for r in futures_join(requests).await {
        let r = r.expect("request task");
        match r.status {
            StatusCode::OK => ok += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                busy += 1;
                let retry: u64 = r
                    .header("retry-after")
                    .parse()
                    .expect("Retry-After seconds");
                // No run of these selections has ended yet: the longest a slot can stay
                // held, the deadline (30 s) plus the tear-down grace (5 s), never less.
                assert_eq!(retry, 35, "Retry-After: {retry}");
                assert!(r.body.contains("runs in progress"), "{}", r.body);
                assert_eq!(r.header("x-smoke-status"), "");
            }
            other => panic!("{other}: {}", r.body),
        }
    }
    // The default bound is 4 runs at once: six distinct selections at once start four.
    assert_eq!((ok, busy), (4, 2));
    assert_eq!(smoke.runs(), 4);
    // A 429 ran nothing: the four runs ran 1 + 1 + 1 + 2 tests.
    let executed = BOUNDED_RUNS.load(Ordering::SeqCst) - before;
    assert!((5..=7).contains(&executed), "{executed} tests ran");
    // Once they are done, a new selection runs again.
    let r = get(addr, &bounded_selections()[5], &BOUNDED_AUTH).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(smoke.runs(), 5);

    // Now that these selections have run once (about 1.5 s each), Retry-After comes from
    // that, not from the deadline.
    let again: Vec<_> = bounded_selections()[..4]
        .iter()
        .cloned()
        .map(|path| tokio::spawn(async move { get(addr, &path, &BOUNDED_AUTH).await }))
        .collect();
    while smoke.runs() < 9 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let r = get(addr, &bounded_selections()[4], &BOUNDED_AUTH).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    let retry: u64 = r.header("retry-after").parse().unwrap();
    assert!((1..=2).contains(&retry), "Retry-After: {retry}");
    for a in again {
        assert_eq!(a.await.unwrap().status, StatusCode::OK);
    }

    // Configurable: one at a time.
    let smoke = only("bounded")
        .details(Details::WhenAuthorized(BOUNDED_TOKEN.into()))
        .max_runs(1)
        .build();
    let addr = app(smoke.clone()).await;
    let first =
        tokio::spawn(async move { get(addr, &bounded_selections()[0], &BOUNDED_AUTH).await });
    while smoke.runs() == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let second = get(addr, &bounded_selections()[1], &BOUNDED_AUTH).await;
    assert_eq!(
        second.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        second.body
    );
    // Requests for the selection in flight still join it.
    let joined = get(addr, &bounded_selections()[0], &BOUNDED_AUTH).await;
    assert_eq!(joined.status, StatusCode::OK, "{}", joined.body);
    assert_eq!(first.await.unwrap().status, StatusCode::OK);
    assert_eq!(smoke.runs(), 1);
}

async fn futures_join<T>(
    handles: impl Iterator<Item = tokio::task::JoinHandle<T>>,
) -> Vec<Result<T, tokio::task::JoinError>> {
    let mut out = Vec::new();
    for h in handles.collect::<Vec<_>>() {
        out.push(h.await);
    }
    out
}

//! A caller who asks after hearing a run's result gets a new run: the coordinator gives
//! the flight up before it tells anyone the result, so back-to-back requests never join a
//! run that has already finished (with the anonymous interval off, each one runs).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use hyper::{Request, StatusCode};
use smoke_runtime::http::{Details, Smoke};
use smoke_runtime::prelude::*;
use smoke_runtime::Selection;

static RUNS: AtomicUsize = AtomicUsize::new(0);

#[smoke_test(tags("back_to_back"))]
fn counted() {
    RUNS.fetch_add(1, Ordering::SeqCst);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn back_to_back_requests_each_start_a_run() {
    let smoke = Smoke::builder()
        .details(Details::Always)
        .only(Selection::all().tag("back_to_back"))
        .min_interval(Duration::ZERO)
        .build();
    const REQUESTS: usize = 200;
    for i in 0..REQUESTS {
        let request = Request::get("/").body(()).unwrap();
        let response = smoke.handle(request).await;
        assert_eq!(response.status(), StatusCode::OK, "request {i}");
        assert_eq!(
            RUNS.load(Ordering::SeqCst),
            i + 1,
            "request {i} was answered by an earlier run instead of a run of its own"
        );
    }
    assert_eq!(smoke.runs(), REQUESTS as u64);
}

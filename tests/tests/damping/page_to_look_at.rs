//! The ignored `serve_a_page_to_look_at`: an endpoint with history, a flaky and a blocked test.

use std::time::Duration;

use smoke_runtime::http::{Details, Smoke};
use smoke_runtime::Selection;
use smoke_tests::http_client::get;

/// Serves the `damp-look` tests on `SMOKE_DAMPING_PORT` (default 8099) for
/// `SMOKE_DAMPING_SECONDS` (default 120) after ten runs, details for everyone.
#[tokio::test]
#[ignore = "serves a page to look at"]
async fn serve_a_page_to_look_at() {
    let port: u16 = std::env::var("SMOKE_DAMPING_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8099);
    let seconds: u64 = std::env::var("SMOKE_DAMPING_SECONDS")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(120);
    let smoke = Smoke::builder()
        .details(Details::Always)
        .min_interval(Duration::ZERO)
        .only(Selection::all().tag("damp-look"))
        .build();
    let app = smoke_runtime::axum::router(smoke);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    for _ in 0..10 {
        get(addr, "/?format=json", &[]).await;
    }
    eprintln!("serving http://{addr}/?format=html");
    tokio::time::sleep(Duration::from_secs(seconds)).await;
}

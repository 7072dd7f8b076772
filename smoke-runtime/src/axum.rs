//! The smoke endpoint as an axum [`Router`], to `nest` at any path.
//!
//! ```no_run
//! use std::time::Duration;
//! use axum::{routing::get, Router};
//! use smoke_runtime::http::{Details, Smoke};
//!
//! # async fn serve() -> std::io::Result<()> {
//! let smoke = Smoke::builder()
//!     .default_timeout(Duration::from_secs(5))
//!     .details(Details::WhenAuthorized(std::env::var("SMOKE_TOKEN").unwrap_or_default()))
//!     .build();
//! let app = Router::new()
//!     .route("/", get(|| async { "hello" }))
//!     .nest("/smoketest", smoke_runtime::axum::router(smoke));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! axum::serve(listener, app).await
//! # }
//! ```
//!
//! Routes (below the nesting path): `/` runs tests, `/metrics`, `/livez`, `/readyz`; see
//! [`crate::http`] for what each answers.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::Request as HttpRequest;
use axum::response::Response;
use axum::routing::any;
use axum::Router;

use crate::http::{Route, Smoke};

/// The endpoint's routes, with their state applied, ready to `nest` or `merge` into an
/// application's router of any state type.
pub fn router<S>(smoke: Smoke) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    Router::new()
        .route("/", any(run))
        .route("/metrics", any(metrics))
        .route("/livez", any(livez))
        .route("/readyz", any(readyz))
        .with_state(smoke)
}

async fn answer(smoke: &Smoke, route: Route, request: Request) -> Response {
    // Only the head matters: the body (not `Sync`) is dropped before awaiting.
    let head = HttpRequest::from_parts(request.into_parts().0, ());
    smoke.respond(route, &head).await.map(Body::from)
}

async fn run(State(smoke): State<Smoke>, request: Request) -> Response {
    answer(&smoke, Route::Run, request).await
}

async fn metrics(State(smoke): State<Smoke>, request: Request) -> Response {
    answer(&smoke, Route::Metrics, request).await
}

async fn livez(State(smoke): State<Smoke>, request: Request) -> Response {
    answer(&smoke, Route::Livez, request).await
}

async fn readyz(State(smoke): State<Smoke>, request: Request) -> Response {
    answer(&smoke, Route::Readyz, request).await
}

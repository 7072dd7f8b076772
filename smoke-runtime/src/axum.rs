//! The smoke endpoint as an axum [`Router`], to `nest` at any path.
//!
//! ```no_run
//! use std::time::Duration;
//! use axum::{routing::get, Router};
//! use smoke_runtime::http::{Details, Smoke};
//! use smoke_runtime::Runner;
//!
//! # async fn serve() -> std::io::Result<()> {
//! let smoke = Smoke::builder()
//!     .runner(Runner::builder().default_timeout(Duration::from_secs(5)))
//!     .details(Details::WhenAuthorized(std::env::var("SMOKE_TOKEN").unwrap_or_default()))
//!     .build();
//! let app = Router::new().route("/", get(|| async { "hello" }));
//! // `/smoketest`, `/smoketest/`, `/smoketest/livez`, ...
//! let app = smoke_runtime::axum::mount(app, "/smoketest", smoke);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! axum::serve(listener, app).await
//! # }
//! ```
//!
//! Routes (below the nesting path): `/` runs tests, `/metrics`, `/livez`, `/readyz`,
//! `/startupz`, `/gate`, each with or without a trailing slash; see [`crate::http`] for
//! what each answers. The body of a `POST` to `/gate` (a Flagger webhook) is read, up to
//! [`MAX_WEBHOOK_BODY`] bytes (413 beyond); every other body is dropped unread.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::Request as HttpRequest;
use axum::response::Response;
use axum::routing::any;
use axum::Router;

use crate::http::gate::MAX_WEBHOOK_BODY;
use crate::http::{Route, Smoke};

/// The endpoint's routes, with their state applied, ready to `nest` or `merge` into an
/// application's router of any state type. Each route answers with or without a
/// trailing slash (`/smoketest/livez/`), except the nesting path itself: axum's `nest`
/// does not route `/smoketest/`, so prefer [`mount`], which adds it.
pub fn router<S>(smoke: Smoke) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    let mut router = Router::new().route("/", any(by_path));
    for path in ["/metrics", "/livez", "/readyz", "/startupz", "/gate"] {
        router = router
            .route(path, any(by_path))
            .route(&format!("{path}/"), any(by_path));
    }
    // `/smoketest/` under `nest("/smoketest", ..)` reaches the nested router as a path
    // no route has: route it by its path too, and 404 anything else.
    router.fallback(by_path).with_state(smoke)
}

/// `app` with the endpoint mounted at `path` (such as `/smoketest`): [`router`] nested
/// there, plus `path/` itself, which axum's `nest` does not route. This is the mounting
/// that answers every URL django-smoketest's monitors poll.
///
/// ```no_run
/// use axum::{routing::get, Router};
/// use smoke_runtime::http::Smoke;
///
/// let app: Router = smoke_runtime::axum::mount(
///     Router::new().route("/", get(|| async { "hello" })),
///     "/smoketest",
///     Smoke::builder().build(),
/// );
/// ```
pub fn mount<S>(app: Router<S>, path: &str, smoke: Smoke) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    let path = path.trim_end_matches('/');
    app.route(&format!("{path}/"), any(run).with_state(smoke.clone()))
        .nest(path, router(smoke))
}

async fn run(State(smoke): State<Smoke>, request: Request) -> Response {
    let head = HttpRequest::from_parts(request.into_parts().0, ());
    smoke.respond(Route::Run, &head).await.map(Body::from)
}

async fn by_path(State(smoke): State<Smoke>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let head = HttpRequest::from_parts(parts, ());
    match Route::from_path(head.uri().path()) {
        Some(Route::Gate) => {
            // A webhook's body is read whole (the body is not `Sync`, its bytes are);
            // other methods' bodies are not read, but the gate learns that this door
            // would pass one (its 405 then allows POST).
            let bytes = if head.method() == axum::http::Method::POST {
                match axum::body::to_bytes(body, MAX_WEBHOOK_BODY).await {
                    Ok(bytes) => bytes,
                    Err(_) => return crate::http::gate::too_large().map(Body::from),
                }
            } else {
                Default::default()
            };
            smoke
                .respond_with_body(Route::Gate, &head, &bytes)
                .await
                .map(Body::from)
        }
        // Any other request: only the head matters, the body is dropped before awaiting.
        Some(route) => smoke.respond(route, &head).await.map(Body::from),
        None => Response::builder()
            .status(axum::http::StatusCode::NOT_FOUND)
            .header(
                axum::http::header::CONTENT_TYPE,
                "text/plain; charset=utf-8",
            )
            .body(Body::from("not found\n"))
            .unwrap_or_default(),
    }
}

//! The smoke endpoint: a framework-agnostic handler over the `http` crate's types.
//!
//! [`Smoke`] holds the configuration and the [`Coordinator`] of its runs;
//! [`Smoke::handle`] answers an `http::Request` with an `http::Response<String>`, so any
//! server can mount it (axum through [`crate::axum::router`], hyper, actix-web, ...).
//! Routes, relative to where it is mounted, each with or without a trailing slash:
//!
//! | route | what it does |
//! |---|---|
//! | `/` | runs the selected tests (`?tag=`, `?test=`) or serves a recent result; 200 when all pass, the failure status (500) otherwise |
//! | `/metrics` | Prometheus text from the latest results (the `smoke_last_run_*` series from the latest run of every test); never starts a run |
//! | `/livez` | liveness: 200 `ok`, runs nothing |
//! | `/readyz` | readiness: runs the tests tagged `readiness`; 503 `shutting down` once [`Smoke::shutting_down`] is called |
//! | `/startupz` | startup: runs the tests tagged `startup` until they have passed once, then answers 200 without running anything |
//! | `/gate` | a canary gate for deployment controllers: `GET` answers 200 with JSON whose `passed` says whether the selection passed (Argo Rollouts' `web` metric); `POST` takes a Flagger webhook and answers 200 or 412 with one line of text |
//!
//! Who asks decides what a request may make the service do:
//!
//! - a caller allowed details (the token of [`Details::WhenAuthorized`], or anyone with
//!   [`Details::Always`]) may select tests with `?tag=` and `?test=`; any other caller who
//!   selects gets 403, whatever the names, so the answers tell nothing about which tests
//!   exist;
//! - a caller with the token may ask for a fresh run (`?fresh=1` or
//!   `Cache-Control: no-cache`), still coalesced with a run in flight;
//! - callers without the token make a selection run at most once per
//!   [`SmokeBuilder::min_interval`] (1 s) and get the latest result in between, with `Age`
//!   and `Cache-Control`; they may start only [`SmokeBuilder::anonymous_runs`] of the
//!   [`SmokeBuilder::max_runs`] runs at once, so `/readyz`, `/startupz` and authorized
//!   callers always find a slot.
//!
//! A malformed request is a 4xx with a clear message and runs nothing: 400 (query, `Accept`
//! syntax, unknown tag or test, a selection that takes no test), 401 (a wrong bearer
//! token), 403 (a selection from a caller not allowed details), 404, 405, 406 (no format
//! acceptable). A request that would start a run while no slot is free for its caller
//! gets 429 with `Retry-After` (when a slot is expected to come free), and runs nothing
//! either. A 5xx only ever means that the smoke run failed, or that the service is
//! shutting down (`/readyz`). The gate answers a failed run its own way, because
//! deployment controllers read statuses their own way: see [`gate`].
//!
//! ```no_run
//! use std::time::Duration;
//! use smoke_runtime::http::{Details, Smoke};
//! use smoke_runtime::Runner;
//!
//! # async fn serve(req: http::Request<()>) -> http::Response<String> {
//! let smoke = Smoke::builder()
//!     .runner(
//!         Runner::builder()
//!             .default_timeout(Duration::from_secs(5))
//!             .deadline(Duration::from_secs(20)),
//!     )
//!     .details(Details::WhenAuthorized("s3cret-token".into()))
//!     .cache(Duration::from_secs(30))
//!     .build();
//! smoke.handle(req).await
//! # }
//! ```

mod answer;
mod builder;
pub mod gate;
mod negotiate;
mod query;
mod run;
pub mod token;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use http::header::{HeaderValue, ALLOW, CACHE_CONTROL, CONTENT_TYPE};
use http::{HeaderMap, Method, Request, Response, StatusCode};
use tokio::sync::watch;

pub use builder::SmokeBuilder;
pub use negotiate::{negotiate, Format, NegotiationError};
pub use query::{parse_query, Query, MAX_PARAMS};

use crate::coordinator::Coordinator;
use crate::report::{prometheus, RenderOptions};
use crate::{Report, Selection, TestDescriptor};
use answer::{bad_query, plain};

/// The overall deadline of a run when none is configured.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(30);

/// How many runs may be in progress at once when no bound is configured.
pub const DEFAULT_MAX_RUNS: usize = 4;

/// The least time between two runs of a selection that callers without the token cause,
/// when none is configured.
pub const DEFAULT_MIN_INTERVAL: Duration = Duration::from_secs(1);

/// Browsers take every answer as the type it says (error messages quote the request).
const NOSNIFF: (&str, &str) = ("x-content-type-options", "nosniff");

/// Who sees test names and messages.
#[derive(Clone, PartialEq, Eq)]
pub enum Details {
    /// Everyone (for endpoints that are not reachable from outside).
    Always,
    /// No one: callers see PASS/FAIL and the counts only.
    Never,
    /// Callers that send `Authorization: Bearer <token>` with this token. Others see
    /// PASS/FAIL and the counts; a wrong token gets 401 and runs nothing.
    ///
    /// The token is trimmed of surrounding whitespace when the endpoint is built, so one
    /// read from a file with its final newline works; [`SmokeBuilder::build`] refuses a
    /// token that is empty once trimmed, or that has a character other than visible ASCII
    /// (an `Authorization` header could never carry it). Tokens are compared as SHA-256 digests, in
    /// constant time: the time taken tells neither where a wrong token differs nor how
    /// long the right one is.
    WhenAuthorized(String),
}

impl std::fmt::Debug for Details {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Details::Always => f.write_str("Always"),
            Details::Never => f.write_str("Never"),
            Details::WhenAuthorized(_) => f.write_str("WhenAuthorized(***)"),
        }
    }
}

/// A route of the endpoint, for frameworks that route themselves (see
/// [`Smoke::respond`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// Run the selected tests (`/`).
    Run,
    /// Prometheus metrics (`/metrics`).
    Metrics,
    /// Liveness (`/livez`).
    Livez,
    /// Readiness (`/readyz`).
    Readyz,
    /// Startup (`/startupz`).
    Startupz,
    /// The canary gate (`/gate`): see [`gate`].
    Gate,
}

impl Route {
    /// The route of `path`, relative to where the endpoint is mounted: `""` or `/` is
    /// [`Route::Run`], and each other route answers with or without a trailing slash.
    pub fn from_path(path: &str) -> Option<Route> {
        match path.strip_suffix('/').unwrap_or(path) {
            "" => Some(Route::Run),
            "/metrics" => Some(Route::Metrics),
            "/livez" => Some(Route::Livez),
            "/readyz" => Some(Route::Readyz),
            "/startupz" => Some(Route::Startupz),
            "/gate" => Some(Route::Gate),
            _ => None,
        }
    }
}

/// The endpoint's own settings, beside the coordinator's.
#[derive(Debug)]
struct Settings {
    details: Details,
    /// The token of [`Details::WhenAuthorized`], as it is checked.
    bearer: Option<token::BearerToken>,
    failure_status: StatusCode,
    readiness: Vec<String>,
    startup: Vec<String>,
    base_path: String,
}

/// A smoke endpoint. Cheap to clone; every clone shares the runs, results and counters.
#[derive(Clone, Debug)]
pub struct Smoke {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    coordinator: Coordinator,
    settings: Settings,
    /// The exposed tests' full names, in the coordinator's order.
    names: Vec<String>,
    shutting_down: AtomicBool,
    started_up: AtomicBool,
}

impl Smoke {
    /// A builder with the defaults: every registered test, details [`Details::Never`],
    /// failure status 500, no cache, no schedule, a 30 s deadline, at most 4 runs at once
    /// (2 for callers without the token), a 1 s minimum interval for them.
    pub fn builder() -> SmokeBuilder {
        SmokeBuilder::default()
    }

    fn new(coordinator: Coordinator, settings: Settings) -> Smoke {
        let names = coordinator.tests().iter().map(|t| t.full_name()).collect();
        Smoke {
            shared: Arc::new(Shared {
                coordinator,
                settings,
                names,
                shutting_down: AtomicBool::new(false),
                started_up: AtomicBool::new(false),
            }),
        }
    }

    /// The coordinator of this endpoint's runs, for other front doors over the same
    /// runs (gRPC health, a custom protocol).
    pub fn coordinator(&self) -> &Coordinator {
        &self.shared.coordinator
    }

    /// How many runs this endpoint has started (scheduled ones included). Requests that
    /// joined a run in flight or were served an earlier result started none.
    pub fn runs(&self) -> u64 {
        self.shared.coordinator.runs()
    }

    /// The latest finished run of every exposed test, if any (runs of a selection, such
    /// as `/readyz`, are not one).
    pub fn latest(&self) -> Option<Arc<Report>> {
        self.shared.coordinator.last_run().map(|(r, _)| r)
    }

    /// Each run as it finishes (of any selection: every exposed test, `/readyz`'s, a
    /// scheduled one), redacted: for front ends that push status changes (gRPC health's
    /// `Watch`). The receiver starts at the latest finished run, or `None`.
    pub fn subscribe(&self) -> watch::Receiver<Option<Arc<Report>>> {
        self.shared.coordinator.subscribe()
    }

    /// The tests this endpoint exposes, sorted by full name.
    pub fn tests(&self) -> Vec<&'static TestDescriptor> {
        self.shared.coordinator.tests().to_vec()
    }

    /// Runs the tests `selection` takes (within those exposed), through the same
    /// single-flight, results and schedule as requests, as a caller with the token, and
    /// returns the redacted report. When no slot is free it waits for one (where a
    /// request would get 429).
    pub async fn run(&self, selection: &Selection) -> Arc<Report> {
        let tests = selection.apply(self.tests());
        self.shared.coordinator.run(tests).await
    }

    /// Starts the background schedule, if one is configured and it is not running yet:
    /// call it once the service listens (tests that reach the service itself pass only
    /// then). Otherwise the first request for results (of `/`, `/readyz` or `/startupz`,
    /// that passes every check) starts it.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime, when a schedule is configured.
    pub fn start_schedule(&self) {
        self.shared.coordinator.start_schedule();
    }

    /// Tells the endpoint that the host is shutting down: from now on `/readyz` answers
    /// 503 `shutting down` without running anything, so the load balancer stops sending
    /// traffic while the host drains. Liveness stays 200.
    ///
    /// ```no_run
    /// # async fn serve(smoke: smoke_runtime::http::Smoke, app: axum::Router) -> std::io::Result<()> {
    /// let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
    /// axum::serve(listener, app)
    ///     .with_graceful_shutdown(async move {
    ///         let _ = tokio::signal::ctrl_c().await;
    ///         smoke.shutting_down();
    ///     })
    ///     .await
    /// # }
    /// ```
    pub fn shutting_down(&self) {
        self.shared.shutting_down.store(true, Ordering::SeqCst);
    }

    /// Answers a request, routing on its path relative to the base path (see
    /// [`Route::from_path`]); anything else is 404. The request body is never read, so a
    /// Flagger webhook (a `POST` to `/gate`) gets 405 here: serve it with
    /// [`handle_with_body`](Self::handle_with_body).
    pub async fn handle<B>(&self, request: Request<B>) -> Response<String> {
        // Only the head matters; dropping the body keeps the future `Send` for any body.
        let request = Request::from_parts(request.into_parts().0, ());
        match self.route_of(request.uri().path()) {
            Some(route) => self.respond(route, &request).await,
            None => plain(StatusCode::NOT_FOUND, "not found"),
        }
    }

    /// Like [`handle`](Self::handle), for a request whose body the server has read: a
    /// `POST` to `/gate` (a Flagger webhook) is answered from its body (at most
    /// [`gate::MAX_WEBHOOK_BODY`] bytes, else 413); every other request is answered as
    /// `handle` answers it, its body unread.
    ///
    /// ```
    /// use smoke_runtime::http::Smoke;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let smoke = Smoke::builder().only(smoke_runtime::Selection::all().tag("none")).build();
    /// let hook = http::Request::post("/gate")
    ///     .header("content-type", "application/json")
    ///     .body(r#"{"name":"podinfo","namespace":"test","phase":"Progressing","checksum":"85d557f47b"}"#)
    ///     .unwrap();
    /// let response = smoke.handle_with_body(hook).await;
    /// assert_eq!(response.status(), 200);
    /// assert_eq!(response.body(), "PASS: 0 run, 0 passed, 0 failed, 0 errored\n");
    /// # }
    /// ```
    pub async fn handle_with_body<B: AsRef<[u8]>>(&self, request: Request<B>) -> Response<String> {
        let (parts, body) = request.into_parts();
        let request = Request::from_parts(parts, ());
        let Some(route) = self.route_of(request.uri().path()) else {
            return plain(StatusCode::NOT_FOUND, "not found");
        };
        if route == Route::Gate && request.method() == Method::POST {
            // Copied (it is small, or refused unread) so the future holds no `B`.
            let body = body.as_ref();
            if body.len() > gate::MAX_WEBHOOK_BODY {
                return gate::too_large();
            }
            let body = body.to_vec();
            return self.respond_with_body(route, &request, &body).await;
        }
        self.respond(route, &request).await
    }

    /// The route of a request's path, below the base path.
    fn route_of(&self, path: &str) -> Option<Route> {
        path.strip_prefix(self.shared.settings.base_path.as_str())
            .and_then(Route::from_path)
    }

    /// Answers a request for a known route (for frameworks that do the routing). The
    /// request body is never read: a `POST` to [`Route::Gate`] gets 405 here, see
    /// [`respond_with_body`](Self::respond_with_body).
    pub async fn respond<B>(&self, route: Route, request: &Request<B>) -> Response<String> {
        self.answer(route, request, None).await
    }

    /// Like [`respond`](Self::respond), with the request body the framework has read
    /// (for frameworks that do the routing and read bodies): a `POST` to [`Route::Gate`]
    /// is a Flagger webhook answered from `body`; every other request is answered as
    /// `respond` answers it and `body` is ignored. A door reads at most
    /// [`gate::MAX_WEBHOOK_BODY`] bytes and answers a longer body with 413 itself; a
    /// longer `body` given here gets 413 too.
    pub async fn respond_with_body<B>(
        &self,
        route: Route,
        request: &Request<B>,
        body: &[u8],
    ) -> Response<String> {
        self.answer(route, request, Some(body)).await
    }

    async fn answer<B>(
        &self,
        route: Route,
        request: &Request<B>,
        body: Option<&[u8]>,
    ) -> Response<String> {
        let head = request.method() == Method::HEAD;
        let gate = route == Route::Gate;
        if gate && request.method() == Method::POST {
            if let Some(body) = body {
                return self.gate_webhook(request, body).await;
            }
        }
        if request.method() != Method::GET && !head {
            let (allow, words) = if gate && body.is_some() {
                ("GET, HEAD, POST", "GET, HEAD or POST")
            } else {
                ("GET, HEAD", "GET or HEAD")
            };
            let hint = if gate && request.method() == Method::POST {
                "; this server does not pass request bodies to the endpoint, so it cannot \
                 take a webhook: serve it with `Smoke::handle_with_body` or \
                 `smoke_runtime::axum`"
            } else {
                ""
            };
            let mut response = plain(
                StatusCode::METHOD_NOT_ALLOWED,
                &format!(
                    "method {} is not allowed here; use {words}{hint}",
                    request.method()
                ),
            );
            response
                .headers_mut()
                .insert(ALLOW, HeaderValue::from_static(allow));
            return response;
        }
        let mut response = match route {
            Route::Livez => match parse_query(request.uri().query().unwrap_or(""), &[]) {
                Ok(_) => plain(StatusCode::OK, "ok"),
                Err(why) => bad_query(&why),
            },
            Route::Metrics => self.metrics(request),
            Route::Run | Route::Readyz | Route::Startupz => self.run_route(route, request).await,
            Route::Gate => self.gate_get(request).await,
        };
        if head {
            response.body_mut().clear();
        }
        response
    }

    /// Whether this caller may see details; `Err` is the 401 to answer with.
    fn details_for(&self, headers: &HeaderMap) -> Result<bool, Box<Response<String>>> {
        match &self.shared.settings.details {
            Details::Always => Ok(true),
            Details::Never => Ok(false),
            Details::WhenAuthorized(_) => {
                // `build` sets the token whenever details are `WhenAuthorized`.
                let access = self
                    .shared
                    .settings
                    .bearer
                    .as_ref()
                    .map_or(token::Access::Refused, |bearer| bearer.check(headers));
                match access {
                    token::Access::Anonymous => Ok(false),
                    token::Access::Granted => Ok(true),
                    token::Access::Refused => {
                        let mut response = plain(
                            StatusCode::UNAUTHORIZED,
                            "the bearer token is not valid; send `Authorization: Bearer <token>` \
                             with the configured token, or no Authorization header for the \
                             summary without details",
                        );
                        response.headers_mut().insert(
                            http::header::WWW_AUTHENTICATE,
                            HeaderValue::from_static(
                                "Bearer realm=\"smoke\", error=\"invalid_token\"",
                            ),
                        );
                        Err(Box::new(response))
                    }
                }
            }
        }
    }

    fn metrics<B>(&self, request: &Request<B>) -> Response<String> {
        let details = match self.details_for(request.headers()) {
            Ok(details) => details,
            Err(response) => return *response,
        };
        if let Err(why) = parse_query(request.uri().query().unwrap_or(""), &[]) {
            return bad_query(&why);
        }
        let coordinator = &self.shared.coordinator;
        let tests = coordinator.latest_tests();
        let last_run = coordinator.last_run();
        // Rendered with details only (the per-test series).
        let history = details.then(|| coordinator.history());
        let metrics = prometheus::Metrics {
            tests: tests.iter().map(|(t, at)| (t, *at)).collect(),
            last_run: last_run.as_ref().map(|(r, at)| (&**r, *at)),
            runs_total: coordinator.runs(),
            runs_failed_total: coordinator.runs_failed(),
            history: history.as_ref(),
        };
        let body = prometheus::render_metrics(
            &metrics,
            &RenderOptions {
                details,
                color: false,
            },
        );
        let mut response = Response::new(body);
        let headers = response.headers_mut();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static(prometheus::CONTENT_TYPE),
        );
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(NOSNIFF.0, HeaderValue::from_static(NOSNIFF.1));
        response
    }
}

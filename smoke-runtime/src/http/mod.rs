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
//! shutting down (`/readyz`).
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
    /// [`Route::from_path`]); anything else is 404. The request body is never read.
    pub async fn handle<B>(&self, request: Request<B>) -> Response<String> {
        // Only the head matters; dropping the body keeps the future `Send` for any body.
        let request = Request::from_parts(request.into_parts().0, ());
        let path = request.uri().path();
        let route = path
            .strip_prefix(self.shared.settings.base_path.as_str())
            .and_then(Route::from_path);
        match route {
            Some(route) => self.respond(route, &request).await,
            None => plain(StatusCode::NOT_FOUND, "not found"),
        }
    }

    /// Answers a request for a known route (for frameworks that do the routing).
    pub async fn respond<B>(&self, route: Route, request: &Request<B>) -> Response<String> {
        let head = request.method() == Method::HEAD;
        if request.method() != Method::GET && !head {
            let mut response = plain(
                StatusCode::METHOD_NOT_ALLOWED,
                &format!(
                    "method {} is not allowed here; use GET or HEAD",
                    request.method()
                ),
            );
            response
                .headers_mut()
                .insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
            return response;
        }
        let mut response = match route {
            Route::Livez => match parse_query(request.uri().query().unwrap_or(""), &[]) {
                Ok(_) => plain(StatusCode::OK, "ok"),
                Err(why) => bad_query(&why),
            },
            Route::Metrics => self.metrics(request),
            Route::Run | Route::Readyz | Route::Startupz => self.run_route(route, request).await,
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
        let metrics = prometheus::Metrics {
            tests: tests.iter().map(|(t, at)| (t, *at)).collect(),
            last_run: last_run.as_ref().map(|(r, at)| (&**r, *at)),
            runs_total: coordinator.runs(),
            runs_failed_total: coordinator.runs_failed(),
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

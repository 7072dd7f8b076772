//! The smoke endpoint: a framework-agnostic handler over the `http` crate's types.
//!
//! [`Smoke`] holds the configuration and the run state; [`Smoke::handle`] answers an
//! `http::Request` with an `http::Response<String>`, so any server can mount it (axum
//! through [`crate::axum::router`], hyper, actix-web, ...). Routes, relative to where it is
//! mounted:
//!
//! | route | what it does |
//! |---|---|
//! | `/` | runs the selected tests (`?tag=`, `?test=`) or serves a cached result; 200 when all pass, the failure status (500) otherwise |
//! | `/metrics` | Prometheus text from the latest results (the `smoke_last_run_*` series from the latest run of every test); never starts a run |
//! | `/livez` | liveness: 200 `ok`, runs nothing |
//! | `/readyz` | readiness: runs the tests tagged `readiness` |
//!
//! A malformed request is a 4xx with a clear message and runs nothing: 400 (query, `Accept`
//! syntax, unknown tag or test, a selection that takes no test), 401 (a wrong bearer
//! token), 404, 405, 406 (no format acceptable). A request that would start a run while [`SmokeBuilder::max_runs`] runs
//! are in progress gets 429 with `Retry-After`, and runs nothing either. A 5xx only ever
//! means that the smoke run failed.
//!
//! ```no_run
//! use std::time::Duration;
//! use smoke_runtime::http::{Details, Smoke};
//!
//! # async fn serve(req: http::Request<()>) -> http::Response<String> {
//! let smoke = Smoke::builder()
//!     .default_timeout(Duration::from_secs(5))
//!     .deadline(Duration::from_secs(20))
//!     .details(Details::WhenAuthorized("s3cret-token".into()))
//!     .cache(Duration::from_secs(30))
//!     .build();
//! smoke.handle(req).await
//! # }
//! ```

mod negotiate;
mod query;
mod token;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use http::header::{HeaderValue, ACCEPT, AGE, ALLOW, CACHE_CONTROL, CONTENT_TYPE};
use http::{HeaderMap, Method, Request, Response, StatusCode};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};

pub use negotiate::{negotiate, Format, NegotiationError};
pub use query::{parse_query, Query, MAX_PARAMS};

use crate::report::redact::Redactor;
use crate::report::{self, prometheus, RenderOptions};
use crate::{Outcome, Report, Runner, RunnerBuilder, Selection, TestDescriptor, TestReport};

/// The overall deadline of a run when none is configured.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(30);

/// Browsers take every answer as the type it says (error messages quote the request).
const NOSNIFF: (&str, &str) = ("x-content-type-options", "nosniff");

/// How many runs may be in progress at once when no bound is configured.
pub const DEFAULT_MAX_RUNS: usize = 4;

/// How long past the deadline a request waits for the runner to report the timed-out
/// tests before it answers from what it has.
const DEADLINE_MARGIN: Duration = Duration::from_millis(250);

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
    /// token that is empty once trimmed. Tokens are compared as SHA-256 digests, in
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
}

/// Configures a [`Smoke`] endpoint: what the runner gets (resources, timeouts, deadline,
/// concurrency) and the HTTP policies (details, failure status, cache, schedule,
/// secrets).
///
/// ```
/// use std::time::Duration;
/// use http::StatusCode;
/// use smoke_runtime::http::{Details, Smoke};
///
/// struct Settings { bucket: String }
///
/// let smoke = Smoke::builder()
///     .resource(Settings { bucket: "media".into() })
///     .default_timeout(Duration::from_secs(5))
///     .deadline(Duration::from_secs(20))
///     .concurrency(8)
///     .details(Details::Never)
///     .failure_status(StatusCode::SERVICE_UNAVAILABLE)
///     .cache(Duration::from_secs(30))
///     .max_runs(2)
///     .secret("the-api-key")
///     .max_message_len(2000)
///     .build();
/// assert_eq!(smoke.runs(), 0);
/// ```
#[derive(Debug)]
pub struct SmokeBuilder {
    runner: RunnerBuilder,
    details: Details,
    failure_status: StatusCode,
    cache: Option<Duration>,
    schedule: Option<Duration>,
    max_runs: usize,
    redactor: Redactor,
    readiness_tags: Vec<String>,
    only: Selection,
    base_path: String,
}

impl SmokeBuilder {
    /// Registers a value tests and fixtures ask for by type (`Resource<T>`).
    pub fn resource<T: Send + Sync + 'static>(mut self, value: T) -> Self {
        self.runner = self.runner.resource(value);
        self
    }

    /// The timeout of tests that set none (default 30 s).
    pub fn default_timeout(mut self, timeout: Duration) -> Self {
        self.runner = self.runner.default_timeout(timeout);
        self
    }

    /// The overall deadline of a run (default [`DEFAULT_DEADLINE`]): tests still running
    /// then are reported as timed out, and no request waits much longer. A deadline too
    /// far to represent (such as `Duration::MAX`) is no deadline.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.runner = self.runner.deadline(deadline);
        self
    }

    /// How many tests run at once.
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        self.runner = self.runner.concurrency(concurrency);
        self
    }

    /// The runner configuration, to change in place (for what has no method here).
    pub fn runner_mut(&mut self) -> &mut RunnerBuilder {
        &mut self.runner
    }

    /// Who sees test names and messages (default [`Details::Never`]).
    pub fn details(mut self, details: Details) -> Self {
        self.details = details;
        self
    }

    /// The status of a failed run (default 500). Must be a 5xx.
    pub fn failure_status(mut self, status: StatusCode) -> Self {
        self.failure_status = status;
        self
    }

    /// Runs every exposed test whenever a request needs a result and none younger than
    /// `max_age` is at hand, and answers every selection from that run (its tests'
    /// part of it), with `Cache-Control: max-age` and `Age`. Default: no cache, every
    /// request that does not join a run in flight starts a run of its selection.
    pub fn cache(mut self, max_age: Duration) -> Self {
        self.cache = Some(max_age);
        self
    }

    /// How many runs may be in progress at once (default [`DEFAULT_MAX_RUNS`], at least
    /// 1). A request that would start one more gets 429 Too Many Requests with
    /// `Retry-After` and runs nothing; requests that join a run in flight, or are served
    /// from the cache or the schedule, always get through.
    pub fn max_runs(mut self, max_runs: usize) -> Self {
        self.max_runs = max_runs.max(1);
        self
    }

    /// Runs every test in the background every `every` (from `build` inside a tokio
    /// runtime, otherwise from the first request for results) and serves the latest
    /// result; requests never start a run of their own then. Runs start `every` apart
    /// (not `every` after the previous one ended); one that takes longer is followed at
    /// once by the next.
    pub fn schedule(mut self, every: Duration) -> Self {
        self.schedule = Some(every);
        self
    }

    /// A value that must never leave the process: masked as `***` in every message.
    pub fn secret(mut self, value: impl Into<String>) -> Self {
        self.redactor.add_secret(value);
        self
    }

    /// Several secret values.
    pub fn secrets<I, S>(mut self, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        for value in values {
            self.redactor.add_secret(value);
        }
        self
    }

    /// Caps every message at this many characters (default 4096).
    pub fn max_message_len(mut self, max: usize) -> Self {
        self.redactor = self.redactor.max_len(max);
        self
    }

    /// The tags `/readyz` runs (default `readiness`).
    pub fn readiness_tags<I, S>(mut self, tags: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.readiness_tags = tags.into_iter().map(Into::into).collect();
        self
    }

    /// Exposes only the tests this selection takes (default: every registered test).
    pub fn only(mut self, selection: Selection) -> Self {
        self.only = selection;
        self
    }

    /// Where [`Smoke::handle`] is mounted, e.g. `/smoketest`: it then answers
    /// `/smoketest`, `/smoketest/metrics`, ... (default: the root). Frameworks that
    /// strip the prefix themselves (axum's `nest`) need none.
    pub fn base_path(mut self, path: impl Into<String>) -> Self {
        self.base_path = path.into().trim_end_matches('/').to_owned();
        self
    }

    /// The endpoint.
    ///
    /// # Panics
    ///
    /// When the failure status is not a 5xx, or the token of
    /// [`Details::WhenAuthorized`] is empty once trimmed of surrounding whitespace: both
    /// would make the endpoint lie.
    pub fn build(self) -> Smoke {
        assert!(
            self.failure_status.is_server_error(),
            "the failure status must be a 5xx, not {}",
            self.failure_status
        );
        let bearer = match &self.details {
            Details::WhenAuthorized(token) => {
                let bearer = token::BearerToken::new(token);
                assert!(
                    bearer.is_some(),
                    "Details::WhenAuthorized needs a non-empty token (it is trimmed of \
                     surrounding whitespace)"
                );
                bearer
            }
            Details::Always | Details::Never => None,
        };
        let mut runner = self.runner;
        let deadline = *runner.config_mut().deadline.get_or_insert(DEFAULT_DEADLINE);
        let exposed = self.only.apply(smoke_core::registered());
        let inner = Arc::new(Inner {
            runner: runner.build(),
            deadline,
            details: self.details,
            bearer,
            failure_status: self.failure_status,
            cache: self.cache,
            schedule: self.schedule,
            max_runs: self.max_runs,
            run_permits: Arc::new(Semaphore::new(self.max_runs)),
            redactor: self.redactor,
            readiness: self.readiness_tags,
            all_key: key_of(&exposed),
            exposed: exposed.clone(),
            names: exposed.iter().map(|t| t.full_name()).collect(),
            base_path: self.base_path,
            state: Mutex::new(State::default()),
            runs: AtomicU64::new(0),
            runs_failed: AtomicU64::new(0),
            schedule_started: AtomicBool::new(false),
        });
        let smoke = Smoke { inner };
        if tokio::runtime::Handle::try_current().is_ok() {
            smoke.start_schedule();
        }
        smoke
    }
}

/// A smoke endpoint. Cheap to clone; every clone shares the runs, cache and counters.
#[derive(Clone, Debug)]
pub struct Smoke {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    runner: Runner,
    deadline: Duration,
    details: Details,
    /// The token of [`Details::WhenAuthorized`], as it is checked.
    bearer: Option<token::BearerToken>,
    failure_status: StatusCode,
    cache: Option<Duration>,
    schedule: Option<Duration>,
    max_runs: usize,
    /// One permit per run in progress; a run holds its permit until its task ends.
    run_permits: Arc<Semaphore>,
    redactor: Redactor,
    readiness: Vec<String>,
    /// The key of the run of every exposed test.
    all_key: Key,
    /// The tests exposed (registered ones the `only` selection takes), sorted, with
    /// their full names; the registry does not change while the program runs.
    exposed: Vec<&'static TestDescriptor>,
    names: Vec<String>,
    base_path: String,
    state: Mutex<State>,
    runs: AtomicU64,
    runs_failed: AtomicU64,
    schedule_started: AtomicBool,
}

/// The tests of one run, as the single-flight and cache key.
type Key = Arc<str>;

#[derive(Debug, Default)]
struct State {
    /// Runs in progress, by the tests they run.
    flights: HashMap<Key, Flight>,
    /// The latest finished run of every exposed test, when a cache or a schedule serves
    /// it again.
    finished: Option<Finished>,
    /// The latest result of each test, with the Unix time its run ended (for metrics).
    latest_tests: BTreeMap<String, (TestReport, f64)>,
    /// The latest finished run of every exposed test, with the Unix time it ended.
    last_run: Option<(Arc<Report>, f64)>,
}

#[derive(Clone, Debug)]
struct Finished {
    report: Arc<Report>,
    at: Instant,
}

/// A run in progress that requests for the same tests join.
#[derive(Clone, Debug)]
struct Flight {
    /// The run's number (1 for the endpoint's first run), which tells flights apart.
    id: u64,
    result: watch::Receiver<Option<Arc<Report>>>,
    partial: Arc<Mutex<Vec<TestReport>>>,
    tests: Arc<Vec<&'static TestDescriptor>>,
    started: Instant,
    started_at: String,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn key_of(tests: &[&'static TestDescriptor]) -> Key {
    let names: Vec<String> = tests.iter().map(|t| t.full_name()).collect();
    names.join("\n").into()
}

fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// A result to answer with, and how old it is.
struct Served {
    report: Arc<Report>,
    age: Duration,
}

/// A run would have to start while [`SmokeBuilder::max_runs`] are in progress.
struct Busy {
    /// When the earliest of the runs in progress is due to end.
    retry_after: Duration,
}

impl Smoke {
    /// A builder with the defaults: every registered test, details [`Details::Never`],
    /// failure status 500, no cache, no schedule, a 30 s deadline.
    pub fn builder() -> SmokeBuilder {
        SmokeBuilder {
            runner: RunnerBuilder::default(),
            details: Details::Never,
            failure_status: StatusCode::INTERNAL_SERVER_ERROR,
            cache: None,
            schedule: None,
            max_runs: DEFAULT_MAX_RUNS,
            redactor: Redactor::new(),
            readiness_tags: vec!["readiness".to_owned()],
            only: Selection::all(),
            base_path: String::new(),
        }
    }

    /// A builder around an already configured runner (resources, timeouts), as a
    /// `main!(setup)` function fills one.
    pub fn from_runner(runner: RunnerBuilder) -> SmokeBuilder {
        SmokeBuilder {
            runner,
            ..Smoke::builder()
        }
    }

    /// How many runs this endpoint has started (scheduled ones included). Requests that
    /// joined a run in flight or were served from the cache started none.
    pub fn runs(&self) -> u64 {
        self.inner.runs.load(Ordering::SeqCst)
    }

    /// The latest finished run of every exposed test, if any (runs of a selection, such
    /// as `/readyz`, are not one).
    pub fn latest(&self) -> Option<Arc<Report>> {
        lock(&self.inner.state)
            .last_run
            .as_ref()
            .map(|(r, _)| r.clone())
    }

    /// The tests this endpoint exposes, sorted by full name.
    pub fn tests(&self) -> Vec<&'static TestDescriptor> {
        self.inner.exposed.clone()
    }

    /// Runs the tests `selection` takes (within those exposed), through the same
    /// single-flight, cache and schedule as requests, and returns the redacted report.
    /// When [`SmokeBuilder::max_runs`] runs are in progress it waits for one to end
    /// (where a request would get 429).
    pub async fn run(&self, selection: &Selection) -> Arc<Report> {
        let tests = selection.apply(self.tests());
        loop {
            match self.obtain(tests.clone()).await {
                Ok(served) => return served.report,
                Err(Busy { .. }) => {
                    // Wait until a run ends, then try again (another may have started).
                    let _ = self.inner.run_permits.acquire().await;
                }
            }
        }
    }

    /// Starts the background schedule, if one is configured and it is not running yet.
    /// `build` calls this when it runs inside a tokio runtime, and otherwise the first
    /// request that asks for results (of `/` or `/readyz`, and passes every check: a
    /// 4xx, `/livez` or `/metrics` starts nothing); call it to start the schedule before
    /// any request.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime, when a schedule is configured.
    pub fn start_schedule(&self) {
        let Some(every) = self.inner.schedule else {
            return;
        };
        if self.inner.schedule_started.swap(true, Ordering::SeqCst) {
            return;
        }
        // The first run starts here, so that a request that starts the schedule joins it
        // rather than starting a run of its own.
        let first = self.flight(self.inner.all_key.clone(), self.tests()).ok();
        let weak = Arc::downgrade(&self.inner);
        tokio::spawn(schedule_loop(weak, every, first));
    }

    /// Answers a request, routing on its path relative to the base path: `/` (or the base
    /// path itself) runs tests, `/metrics`, `/livez`, `/readyz`; anything else is 404.
    /// The request body is never read.
    pub async fn handle<B>(&self, request: Request<B>) -> Response<String> {
        // Only the head matters; dropping the body keeps the future `Send` for any body.
        let request = Request::from_parts(request.into_parts().0, ());
        let path = request.uri().path();
        let Some(rest) = path.strip_prefix(self.inner.base_path.as_str()) else {
            return plain(StatusCode::NOT_FOUND, "not found");
        };
        let route = match rest {
            "" | "/" => Route::Run,
            "/metrics" => Route::Metrics,
            "/livez" => Route::Livez,
            "/readyz" => Route::Readyz,
            _ => return plain(StatusCode::NOT_FOUND, "not found"),
        };
        self.respond(route, &request).await
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
            Route::Run | Route::Readyz => self.run_route(route, request).await,
        };
        if head {
            response.body_mut().clear();
        }
        response
    }

    /// Whether this caller may see details; `Err` is the 401 to answer with.
    fn details_for(&self, headers: &HeaderMap) -> Result<bool, Box<Response<String>>> {
        match &self.inner.details {
            Details::Always => Ok(true),
            Details::Never => Ok(false),
            Details::WhenAuthorized(_) => {
                // `build` sets the token whenever details are `WhenAuthorized`.
                let access = self
                    .inner
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
        let body = {
            let state = lock(&self.inner.state);
            let metrics = prometheus::Metrics {
                tests: state
                    .latest_tests
                    .values()
                    .map(|(t, at)| (t, *at))
                    .collect(),
                last_run: state.last_run.as_ref().map(|(r, at)| (&**r, *at)),
                runs_total: self.inner.runs.load(Ordering::SeqCst),
                runs_failed_total: self.inner.runs_failed.load(Ordering::SeqCst),
            };
            prometheus::render_metrics(
                &metrics,
                &RenderOptions {
                    details,
                    color: false,
                },
            )
        };
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

    async fn run_route<B>(&self, route: Route, request: &Request<B>) -> Response<String> {
        let details = match self.details_for(request.headers()) {
            Ok(details) => details,
            Err(response) => return *response,
        };
        let allowed: &[&str] = match route {
            Route::Readyz => &["format"],
            _ => &["tag", "test", "format"],
        };
        let query = match parse_query(request.uri().query().unwrap_or(""), allowed) {
            Ok(query) => query,
            Err(why) => return bad_query(&why),
        };
        let format = match query.format {
            Some(format) => format,
            None => match accept_header(request.headers()).and_then(|a| {
                negotiate(a.as_deref()).map_err(|e| match e {
                    NegotiationError::Malformed(why) => format!("malformed Accept header: {why}"),
                    NegotiationError::NotAcceptable => String::new(),
                })
            }) {
                Ok(format) => format,
                Err(why) if why.is_empty() => return not_acceptable(),
                Err(why) => return plain(StatusCode::BAD_REQUEST, &why),
            },
        };
        let tests = match route {
            Route::Readyz => {
                let tags = &self.inner.readiness;
                self.tests()
                    .into_iter()
                    .filter(|t| t.tags.iter().any(|tag| tags.iter().any(|r| r == tag)))
                    .collect()
            }
            _ => match self.select(&query, details) {
                Ok(tests) => tests,
                Err(why) => return plain(StatusCode::BAD_REQUEST, &why),
            },
        };
        match self.obtain(tests).await {
            Ok(served) => self.render(&served, format, details),
            Err(busy) => too_many_runs(self.inner.max_runs, busy),
        }
    }

    /// The exposed tests the query's `tag`s and `test`s take; an unknown tag or test is
    /// an error (which names the known ones only to callers allowed details), and so is
    /// a `tag` or `test` that leaves no test to run.
    fn select(&self, query: &Query, details: bool) -> Result<Vec<&'static TestDescriptor>, String> {
        let exposed = self.tests();
        let known_tags: BTreeSet<&str> = exposed
            .iter()
            .flat_map(|t| t.tags.iter().copied())
            .collect();
        let names = &self.inner.names;
        // Unknown values are quoted cut short: the message repeats what the caller sent.
        let unknown_tags: Vec<String> = query
            .tags
            .iter()
            .map(String::as_str)
            .filter(|t| !known_tags.contains(t))
            .map(query::shorten)
            .collect();
        if !unknown_tags.is_empty() {
            let mut why = format!("unknown tag(s): {}", unknown_tags.join(", "));
            if details {
                why.push_str(&format!(
                    "; known tags: {}",
                    known_tags.into_iter().collect::<Vec<_>>().join(", ")
                ));
            }
            return Err(why);
        }
        let unknown_tests: Vec<String> = query
            .tests
            .iter()
            .map(String::as_str)
            .filter(|t| !names.iter().any(|n| n == t))
            .map(query::shorten)
            .collect();
        if !unknown_tests.is_empty() {
            let mut why = format!(
                "unknown test(s): {}; give full names as in `?test=module::path::test`",
                unknown_tests.join(", ")
            );
            if details && names.len() <= 200 {
                why.push_str(&format!("; known tests: {}", names.join(", ")));
            }
            return Err(why);
        }
        let selected: Vec<&'static TestDescriptor> = exposed
            .into_iter()
            .zip(names)
            .filter(|(t, name)| {
                (query.tags.is_empty() || query.tags.iter().any(|q| t.tags.contains(&q.as_str())))
                    && (query.tests.is_empty() || query.tests.iter().any(|q| q == *name))
            })
            .map(|(t, _)| t)
            .collect();
        if selected.is_empty() && !(query.tags.is_empty() && query.tests.is_empty()) {
            return Err(
                "the selection takes no test: no test named by `test` has any of \
                        the `tag`s given (tags are or-ed, and `test` narrows further)"
                    .to_owned(),
            );
        }
        Ok(selected)
    }

    fn render(&self, served: &Served, format: Format, details: bool) -> Response<String> {
        // Without details the renderers get a report that holds nothing but outcomes,
        // so no format can show a name, tag, place or message, whatever it renders.
        let anonymous;
        let report = if details {
            &*served.report
        } else {
            anonymous = outcomes_only(&served.report);
            &anonymous
        };
        let options = RenderOptions {
            details,
            color: false,
        };
        let body = match format {
            Format::Text => report::text::render(report, &options),
            Format::Json => report::json::render(report, &options),
            Format::Health => report::health::render(report, &options),
            Format::Html => report::html::render(report, &options),
            Format::Junit => report::junit::render(report, &options),
        };
        let status = if report.passed() {
            StatusCode::OK
        } else {
            self.inner.failure_status
        };
        let mut response = Response::new(body);
        *response.status_mut() = status;
        let private = matches!(self.inner.details, Details::WhenAuthorized(_));
        let max_age = self.inner.schedule.or(self.inner.cache);
        let cache_control = match max_age {
            Some(max_age) => format!(
                "{}max-age={}",
                if private { "private, " } else { "" },
                max_age.as_secs()
            ),
            None => "no-store".to_owned(),
        };
        let headers = response.headers_mut();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static(format.content_type()),
        );
        headers.insert(
            CACHE_CONTROL,
            HeaderValue::from_str(&cache_control).unwrap_or(HeaderValue::from_static("no-store")),
        );
        if max_age.is_some() {
            headers.insert(AGE, HeaderValue::from(served.age.as_secs()));
        }
        headers.insert(
            http::header::VARY,
            HeaderValue::from_static("Accept, Authorization"),
        );
        headers.insert("x-smoke-status", HeaderValue::from_static(report.status()));
        headers.insert(NOSNIFF.0, HeaderValue::from_static(NOSNIFF.1));
        response
    }

    /// A result for `tests`: from the schedule, the cache, a run in flight, or a new run.
    /// With a cache or a schedule, every selection is answered from a run of every
    /// exposed test, so that the number of runs does not grow with the selections asked.
    async fn obtain(&self, tests: Vec<&'static TestDescriptor>) -> Result<Served, Busy> {
        let inner = &self.inner;
        let max_age = match (inner.schedule, inner.cache) {
            (Some(_), _) => {
                self.start_schedule();
                None
            }
            (None, Some(max_age)) => Some(max_age),
            (None, None) => return self.join_or_start(key_of(&tests), tests).await,
        };
        let served = match self.fresh(max_age) {
            Some(served) => served,
            None => {
                self.join_or_start(inner.all_key.clone(), self.tests())
                    .await?
            }
        };
        if tests.len() == inner.exposed.len() {
            return Ok(served);
        }
        Ok(Served {
            report: Arc::new(subset(&served.report, &tests)),
            age: served.age,
        })
    }

    /// The finished run of every exposed test, if it is younger than `max_age`.
    fn fresh(&self, max_age: Option<Duration>) -> Option<Served> {
        let state = lock(&self.inner.state);
        let finished = state.finished.as_ref()?;
        let age = finished.at.elapsed();
        if max_age.is_some_and(|max| age >= max) {
            return None;
        }
        Some(Served {
            report: finished.report.clone(),
            age,
        })
    }

    /// Joins the run of `tests` in flight, or starts one, and waits for its result, but
    /// not past the deadline: then it answers with what finished and reports the rest as
    /// timed out.
    /// Starting a run needs a permit of [`SmokeBuilder::max_runs`]; without one it is
    /// `Busy`, and nothing runs.
    async fn join_or_start(
        &self,
        key: Key,
        tests: Vec<&'static TestDescriptor>,
    ) -> Result<Served, Busy> {
        let flight = self.flight(key, tests)?;
        Ok(self.wait(flight).await)
    }

    /// The run of `tests` in flight, or a new one.
    fn flight(&self, key: Key, tests: Vec<&'static TestDescriptor>) -> Result<Flight, Busy> {
        {
            let mut state = lock(&self.inner.state);
            match state.flights.get(&key) {
                Some(flight) => Ok(flight.clone()),
                None => {
                    let Ok(permit) = self.inner.run_permits.clone().try_acquire_owned() else {
                        let now = Instant::now();
                        let retry_after = state
                            .flights
                            .values()
                            .map(|f| {
                                f.started
                                    .checked_add(self.inner.deadline)
                                    .map_or(Duration::MAX, |end| end.saturating_duration_since(now))
                            })
                            .min()
                            .unwrap_or(Duration::ZERO);
                        return Err(Busy { retry_after });
                    };
                    let flight = self.start(key.clone(), tests, permit);
                    state.flights.insert(key, flight.clone());
                    Ok(flight)
                }
            }
        }
    }

    /// The result of `flight`, waited for until its deadline: then it is what finished,
    /// and the rest reported as timed out.
    async fn wait(&self, flight: Flight) -> Served {
        // A deadline too far to represent is no deadline.
        let limit = flight
            .started
            .checked_add(self.inner.deadline)
            .and_then(|limit| limit.checked_add(DEADLINE_MARGIN));
        let mut result = flight.result.clone();
        let finished = result.wait_for(Option::is_some);
        let waited = match limit {
            Some(limit) => tokio::time::timeout_at(limit.into(), finished).await,
            None => Ok(finished.await),
        };
        let report = match waited {
            Ok(Ok(report)) => report.clone().unwrap_or_else(|| {
                Arc::new(self.unfinished(&flight, "the run ended without a result"))
            }),
            Ok(Err(_)) => {
                Arc::new(self.unfinished(&flight, "the smoke run stopped before it finished"))
            }
            Err(_) => Arc::new(self.unfinished(
                &flight,
                &format!(
                    "still running when the run's deadline ({}) passed",
                    humantime::format_duration(self.inner.deadline)
                ),
            )),
        };
        Served {
            report,
            age: Duration::ZERO,
        }
    }

    /// Starts a run of `tests` on its own task, which holds `permit` until it ends; the
    /// caller records the flight.
    fn start(
        &self,
        key: Key,
        tests: Vec<&'static TestDescriptor>,
        permit: OwnedSemaphorePermit,
    ) -> Flight {
        let (sender, receiver) = watch::channel(None);
        let id = self.inner.runs.fetch_add(1, Ordering::SeqCst) + 1;
        let flight = Flight {
            id,
            result: receiver,
            partial: Arc::new(Mutex::new(Vec::new())),
            tests: Arc::new(tests),
            started: Instant::now(),
            started_at: humantime::format_rfc3339_millis(SystemTime::now()).to_string(),
        };
        let inner = self.inner.clone();
        let partial = flight.partial.clone();
        let tests = flight.tests.clone();
        tokio::spawn(async move {
            // Whatever happens to this task, the flight is removed, so that the next
            // request starts a new run rather than waiting on this one.
            let _done = FlightDone {
                inner: inner.clone(),
                key: key.clone(),
                id,
            };
            let _permit = permit;
            let mut report = inner
                .runner
                .run_tests(tests.to_vec(), false, |t| lock(&partial).push(t.clone()))
                .await;
            inner.redactor.redact_report_in_place(&mut report);
            let report = Arc::new(report);
            if !report.passed() {
                inner.runs_failed.fetch_add(1, Ordering::SeqCst);
            }
            {
                let ended = unix_now();
                let mut state = lock(&inner.state);
                for t in &report.tests {
                    state
                        .latest_tests
                        .insert(t.name.clone(), (t.clone(), ended));
                }
                // The last-run series describe the whole set: a run of a part (`/readyz`,
                // `?tag=`) updates its tests' series only.
                if key == inner.all_key {
                    state.last_run = Some((report.clone(), ended));
                }
                // The run of every test is kept when something serves it again.
                if key == inner.all_key && (inner.cache.is_some() || inner.schedule.is_some()) {
                    state.finished = Some(Finished {
                        report: report.clone(),
                        at: Instant::now(),
                    });
                }
                remove_flight(&mut state, &key, id);
            }
            let _ = sender.send(Some(report));
        });
        flight
    }

    /// A report of a run that has not finished: what finished, and the rest as timed out
    /// (or errored) with `why`.
    fn unfinished(&self, flight: &Flight, why: &str) -> Report {
        let mut tests = lock(&flight.partial).clone();
        let done: BTreeSet<String> = tests.iter().map(|t| t.name.clone()).collect();
        let outcome = if why.starts_with("still running") {
            Outcome::TimedOut
        } else {
            Outcome::Errored
        };
        for t in flight.tests.iter() {
            let name = t.full_name();
            if !done.contains(&name) {
                tests.push(TestReport {
                    name,
                    class: t.class_name(),
                    file: t.file.to_owned(),
                    line: t.line,
                    tags: t.tags.iter().map(|s| s.to_string()).collect(),
                    outcome,
                    duration_ms: flight.started.elapsed().as_secs_f64() * 1000.0,
                    message: Some(why.to_owned()),
                    location: None,
                });
            }
        }
        tests.sort_by(|a, b| a.name.cmp(&b.name));
        let mut report = Report {
            started_at: flight.started_at.clone(),
            time_ms: flight.started.elapsed().as_secs_f64() * 1000.0,
            test_classes: flight
                .tests
                .iter()
                .map(|t| t.class_name())
                .collect::<BTreeSet<_>>()
                .len(),
            tests,
        };
        self.inner.redactor.redact_report_in_place(&mut report);
        report
    }
}

/// Removes a flight from the state when its task ends, however it ends.
struct FlightDone {
    inner: Arc<Inner>,
    key: Key,
    id: u64,
}

impl Drop for FlightDone {
    fn drop(&mut self) {
        remove_flight(&mut lock(&self.inner.state), &self.key, self.id);
    }
}

/// Removes the flight `id` of `key`, and not a newer flight of the same tests that
/// started after it finished.
fn remove_flight(state: &mut State, key: &Key, id: u64) {
    if state.flights.get(key).is_some_and(|f| f.id == id) {
        state.flights.remove(key);
    }
}

/// `report` with each test reduced to its outcome and duration: named `#1`, `#2`, ...
/// in one class `smoke`, without tags, place or message.
fn outcomes_only(report: &Report) -> Report {
    Report {
        started_at: report.started_at.clone(),
        time_ms: report.time_ms,
        test_classes: report.test_classes,
        tests: report
            .tests
            .iter()
            .enumerate()
            .map(|(i, t)| TestReport {
                name: format!("#{}", i + 1),
                class: "smoke".to_owned(),
                file: String::new(),
                line: 0,
                tags: Vec::new(),
                outcome: t.outcome,
                duration_ms: t.duration_ms,
                message: None,
                location: None,
            })
            .collect(),
    }
}

/// The part of a full report that concerns `tests`.
fn subset(report: &Report, tests: &[&'static TestDescriptor]) -> Report {
    let names: BTreeSet<String> = tests.iter().map(|t| t.full_name()).collect();
    let kept: Vec<TestReport> = report
        .tests
        .iter()
        .filter(|t| names.contains(&t.name))
        .cloned()
        .collect();
    Report {
        started_at: report.started_at.clone(),
        time_ms: report.time_ms,
        test_classes: kept
            .iter()
            .map(|t| t.class.as_str())
            .collect::<BTreeSet<_>>()
            .len(),
        tests: kept,
    }
}

/// Starts a run of every exposed test every `every`, the first at once. A run that takes
/// longer than `every` delays the next, which then starts as soon as it ends, and the
/// period counts from there (runs never overlap, and missed starts are not made up).
async fn schedule_loop(inner: Weak<Inner>, every: Duration, first: Option<Flight>) {
    let mut ticks = tokio::time::interval(every.max(Duration::from_millis(1)));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // The first tick completes at once: it is the first run's, which `start_schedule`
    // started.
    ticks.tick().await;
    if let Some(first) = first {
        let Some(strong) = inner.upgrade() else {
            return;
        };
        Smoke { inner: strong }.wait(first).await;
    }
    loop {
        ticks.tick().await;
        let Some(strong) = inner.upgrade() else {
            return;
        };
        let smoke = Smoke { inner: strong };
        let all = smoke.tests();
        let key = smoke.inner.all_key.clone();
        // Busy only when runs of the programmatic API fill every permit: skip a turn.
        let _ = smoke.join_or_start(key, all).await;
        drop(smoke);
    }
}

/// The `Accept` header's values joined; `Err` when one is not visible ASCII.
fn accept_header(headers: &HeaderMap) -> Result<Option<String>, String> {
    let mut joined: Option<String> = None;
    for value in headers.get_all(ACCEPT) {
        let value = value
            .to_str()
            .map_err(|_| "malformed Accept header: it is not visible ASCII".to_owned())?;
        match &mut joined {
            Some(j) => {
                j.push_str(", ");
                j.push_str(value);
            }
            None => joined = Some(value.to_owned()),
        }
    }
    Ok(joined)
}

fn plain(status: StatusCode, message: &str) -> Response<String> {
    let mut response = Response::new(format!("{message}\n"));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(NOSNIFF.0, HeaderValue::from_static(NOSNIFF.1));
    response
}

/// The 400 of a query that does not parse or has parameters the route does not take.
fn bad_query(why: &str) -> Response<String> {
    plain(StatusCode::BAD_REQUEST, &format!("bad query: {why}"))
}

/// The 429 of a request that would start a run beyond `max_runs`.
fn too_many_runs(max_runs: usize, busy: Busy) -> Response<String> {
    let seconds = busy.retry_after.as_secs_f64().ceil().clamp(1.0, 86_400.0) as u64;
    let mut response = plain(
        StatusCode::TOO_MANY_REQUESTS,
        &format!(
            "{max_runs} smoke runs in progress, the most this endpoint runs at once; \
             try again in {seconds} s"
        ),
    );
    response
        .headers_mut()
        .insert(http::header::RETRY_AFTER, HeaderValue::from(seconds));
    response
}

fn not_acceptable() -> Response<String> {
    let list: Vec<String> = Format::ALL
        .iter()
        .flat_map(|f| f.media_types().iter().map(|m| m.to_string()))
        .collect();
    plain(
        StatusCode::NOT_ACCEPTABLE,
        &format!(
            "none of the formats this endpoint serves is acceptable; it serves: {} \
             (or ask with ?format={})",
            list.join(", "),
            Format::ALL.map(Format::name).join("|")
        ),
    )
}

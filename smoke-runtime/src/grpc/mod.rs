//! The standard gRPC health service, [`grpc.health.v1.Health`][proto], answered by smoke
//! runs, on [tonic] (`Check` and `Watch` through the generated service of the
//! `tonic-health` crate, `List` in [`server`]).
//!
//! - `Check` asks the endpoint's [coordinator](crate::coordinator) for the service's tests
//!   as a probe ([`Caller::Probe`], as `/readyz` does): it shares single-flight, the cache,
//!   the schedule and the run limit with the HTTP endpoint, a selection runs at most once
//!   per [`min_interval`](crate::http::SmokeBuilder::min_interval) however often the health
//!   checker asks, and anonymous HTTP callers cannot keep it from a slot (when every slot
//!   is taken it waits for one). It answers `SERVING` when no test is reported failing,
//!   `NOT_SERVING` otherwise: the reported status after [flap
//!   damping](crate::report::damping), as every answer of the endpoint says it (without
//!   damping, a test is failing when it failed, errored or timed out). An unknown service
//!   is the status `NOT_FOUND`.
//! - `Watch` sends the current status (obtained as `Check` does), then a new message
//!   whenever the status changes as runs finish: scheduled runs, runs that HTTP requests
//!   or `Check` start, any run of [`Smoke::subscribe`] that includes the service's tests.
//!   Without a [schedule](crate::http::SmokeBuilder::schedule) the status changes only
//!   when something starts a run. An unknown service gets `SERVICE_UNKNOWN`, and the call
//!   stays open, as the protocol asks.
//! - `List` (added to the protocol in 2024; `tonic-health` 0.14 does not define it, so
//!   [`HealthServer`] answers it itself) gives the status of every service: one probe of
//!   every exposed test, as `Check("")` asks it (so the two share a run), and each
//!   service's status is that of its tests in that report. It starts at most the one run
//!   that `Check("")` would.
//!
//! Services: `""` is every test the endpoint exposes; each tag of an exposed test is a
//! service of the same name; [`SmokeHealth::service`] adds names for one or more tags
//! (`"payments.v1.Payments"` → `payments`, `db`).
//!
//! ```no_run
//! use std::time::Duration;
//! use smoke_runtime::grpc::SmokeHealth;
//! use smoke_runtime::http::Smoke;
//!
//! # async fn serve(addr: std::net::SocketAddr) -> Result<(), Box<dyn std::error::Error>> {
//! let smoke = Smoke::builder().schedule(Duration::from_secs(30)).build();
//! let health = SmokeHealth::new(smoke).service("payments.v1.Payments", ["payments", "db"]);
//! tonic::transport::Server::builder()
//!     .add_service(health.into_server())
//!     .serve(addr)
//!     .await?;
//! # Ok(())
//! # }
//! ```
//!
//! [proto]: https://github.com/grpc/grpc-proto/blob/master/grpc/health/v1/health.proto
//! [tonic]: https://docs.rs/tonic

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_server::Health;
use tonic_health::pb::{HealthCheckRequest, HealthCheckResponse};

use crate::coordinator::{Ask, Caller};
use crate::http::Smoke;
use crate::{Report, Selection};

pub mod server;

pub use server::{HealthListRequest, HealthListResponse, HealthServer};

/// The stream of statuses a `Watch` call answers with.
///
/// ```
/// use smoke_runtime::grpc::WatchStream;
/// use tonic_health::pb::HealthCheckResponse;
///
/// let (_tx, rx) = tokio::sync::mpsc::channel::<Result<HealthCheckResponse, tonic::Status>>(1);
/// let _stream: WatchStream = tokio_stream::wrappers::ReceiverStream::new(rx);
/// ```
pub type WatchStream = ReceiverStream<Result<HealthCheckResponse, Status>>;

/// How many statuses a slow `Watch` client may have waiting; more changes wait for it.
const WATCH_BUFFER: usize = 4;

/// How often a health check that found every run slot taken looks for a free one.
const BUSY_POLL: Duration = Duration::from_millis(100);

/// `grpc.health.v1.Health` answered by the smoke runs of a [`Smoke`] endpoint.
///
/// ```
/// use smoke_runtime::grpc::SmokeHealth;
/// use smoke_runtime::http::Smoke;
///
/// let health = SmokeHealth::new(Smoke::builder().build());
/// assert!(health.selection("").is_some());
/// assert!(health.selection("no.such.Service").is_none());
/// ```
#[derive(Clone, Debug)]
pub struct SmokeHealth {
    smoke: Smoke,
    /// Service names configured with [`SmokeHealth::service`], to their tags.
    named: Arc<BTreeMap<String, Vec<String>>>,
}

impl SmokeHealth {
    /// The health service of `smoke`: `""` is every exposed test, and each of their tags is
    /// a service.
    ///
    /// ```
    /// use smoke_runtime::grpc::SmokeHealth;
    /// use smoke_runtime::http::Smoke;
    ///
    /// let health = SmokeHealth::new(Smoke::builder().build());
    /// assert_eq!(health.services(), vec![String::new()]); // no test registered here
    /// ```
    pub fn new(smoke: Smoke) -> Self {
        SmokeHealth {
            smoke,
            named: Arc::default(),
        }
    }

    /// Names a service: its status is that of the exposed tests with any of `tags`. A name
    /// given again replaces the earlier tags; a name that is also a tag takes these tags
    /// instead.
    ///
    /// # Panics
    ///
    /// When no exposed test has any of `tags`: the service would always be `SERVING`.
    ///
    /// ```should_panic
    /// use smoke_runtime::grpc::SmokeHealth;
    /// use smoke_runtime::http::Smoke;
    ///
    /// // No test in this example has the tag `db`.
    /// SmokeHealth::new(Smoke::builder().build()).service("orders.v1.Orders", ["db"]);
    /// ```
    pub fn service<I, S>(mut self, name: impl Into<String>, tags: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let name = name.into();
        let tags: Vec<String> = tags.into_iter().map(Into::into).collect();
        let known = self.tags();
        assert!(
            tags.iter().any(|t| known.contains(t.as_str())),
            "the gRPC health service {name:?} maps to tags {tags:?}, which no exposed test has"
        );
        Arc::make_mut(&mut self.named).insert(name, tags);
        self
    }

    /// The tests of a service, or `None` when the service is unknown.
    ///
    /// ```
    /// use smoke_runtime::grpc::SmokeHealth;
    /// use smoke_runtime::http::Smoke;
    ///
    /// let all = SmokeHealth::new(Smoke::builder().build()).selection("").unwrap();
    /// assert!(all.tags.is_empty());
    /// ```
    pub fn selection(&self, service: &str) -> Option<Selection> {
        if service.is_empty() {
            return Some(Selection::all());
        }
        if let Some(tags) = self.named.get(service) {
            return Some(tags.iter().fold(Selection::all(), |s, t| s.tag(t.clone())));
        }
        self.tags()
            .contains(service)
            .then(|| Selection::all().tag(service))
    }

    /// Every service name it answers for, sorted: `""`, the configured names and the tags
    /// of the exposed tests.
    ///
    /// ```
    /// use smoke_runtime::grpc::SmokeHealth;
    /// use smoke_runtime::http::Smoke;
    ///
    /// let health = SmokeHealth::new(Smoke::builder().build());
    /// assert_eq!(health.services()[0], "");
    /// ```
    pub fn services(&self) -> Vec<String> {
        let mut names: BTreeSet<String> = self.tags().into_iter().map(str::to_owned).collect();
        names.extend(self.named.keys().cloned());
        names.insert(String::new());
        names.into_iter().collect()
    }

    /// The endpoint it runs.
    ///
    /// ```
    /// use smoke_runtime::grpc::SmokeHealth;
    /// use smoke_runtime::http::Smoke;
    ///
    /// assert_eq!(SmokeHealth::new(Smoke::builder().build()).smoke().runs(), 0);
    /// ```
    pub fn smoke(&self) -> &Smoke {
        &self.smoke
    }

    /// The tonic service, for `Server::builder().add_service(...)`.
    ///
    /// ```
    /// use smoke_runtime::grpc::SmokeHealth;
    /// use smoke_runtime::http::Smoke;
    /// use tonic::server::NamedService;
    ///
    /// let server = SmokeHealth::new(Smoke::builder().build()).into_server();
    /// fn name<S: NamedService>(_: &S) -> &'static str { S::NAME }
    /// assert_eq!(name(&server), "grpc.health.v1.Health");
    /// ```
    pub fn into_server(self) -> HealthServer {
        HealthServer::new(self)
    }

    /// The status of every service, as `List` answers it: one probe of every exposed test
    /// (the run `Check("")` asks for, so the two share it), then each service is `SERVING`
    /// when none of its tests in that report failed, errored or timed out.
    ///
    /// ```
    /// use smoke_runtime::grpc::SmokeHealth;
    /// use smoke_runtime::http::Smoke;
    /// use tonic_health::pb::health_check_response::ServingStatus;
    ///
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let health = SmokeHealth::new(Smoke::builder().build());
    /// let statuses = health.statuses().await;
    /// assert_eq!(statuses[""], ServingStatus::Serving); // no test registered here
    /// # });
    /// ```
    pub async fn statuses(&self) -> BTreeMap<String, ServingStatus> {
        let report = probe(&self.smoke, &Selection::all()).await;
        self.services()
            .into_iter()
            .map(|service| {
                let tests: BTreeSet<String> = self
                    .selection(&service)
                    .map(|s| s.apply(self.smoke.tests()))
                    .unwrap_or_default()
                    .iter()
                    .map(|t| t.full_name())
                    .collect();
                let coordinator = self.smoke.coordinator();
                let problem = report
                    .tests
                    .iter()
                    .any(|t| tests.contains(&*t.name) && !coordinator.test_passes(t));
                let status = if problem {
                    ServingStatus::NotServing
                } else {
                    ServingStatus::Serving
                };
                (service, status)
            })
            .collect()
    }

    /// The tags of the exposed tests.
    fn tags(&self) -> BTreeSet<&'static str> {
        self.smoke
            .tests()
            .iter()
            .flat_map(|t| t.tags.iter().copied())
            .collect()
    }

    /// A service's selection, or the `NOT_FOUND` status.
    fn known(&self, service: &str) -> Result<Selection, Status> {
        self.selection(service)
            .ok_or_else(|| Status::not_found(format!("unknown service {service:?}")))
    }
}

/// The result for `selection` as a health checker gets it: asked as a probe, so it is
/// served from a recent run where there is one; when no run slot is free, it waits.
async fn probe(smoke: &Smoke, selection: &Selection) -> Arc<Report> {
    let tests = selection.apply(smoke.tests());
    loop {
        let ask = Ask {
            tests: tests.clone(),
            caller: Caller::Probe,
            fresh: false,
        };
        match smoke.coordinator().obtain(ask).await {
            Ok(served) => return served.report,
            Err(busy) => tokio::time::sleep(busy.retry_after.min(BUSY_POLL)).await,
        }
    }
}

/// `SERVING` when the report passes by its tests' reported status: after flap damping,
/// as the endpoint's answers say it.
fn status_of(smoke: &Smoke, report: &Report) -> ServingStatus {
    if smoke.coordinator().passes(report) {
        ServingStatus::Serving
    } else {
        ServingStatus::NotServing
    }
}

fn message(status: ServingStatus) -> HealthCheckResponse {
    HealthCheckResponse {
        status: status as i32,
    }
}

#[tonic::async_trait]
impl Health for SmokeHealth {
    async fn check(
        &self,
        request: Request<HealthCheckRequest>,
    ) -> Result<Response<HealthCheckResponse>, Status> {
        let selection = self.known(&request.get_ref().service)?;
        let report = probe(&self.smoke, &selection).await;
        Ok(Response::new(message(status_of(&self.smoke, &report))))
    }

    type WatchStream = WatchStream;

    async fn watch(
        &self,
        request: Request<HealthCheckRequest>,
    ) -> Result<Response<Self::WatchStream>, Status> {
        let (tx, rx) = mpsc::channel(WATCH_BUFFER);
        match self.selection(&request.get_ref().service) {
            Some(selection) => {
                tokio::spawn(watch(self.smoke.clone(), selection, tx));
            }
            None => {
                tokio::spawn(async move {
                    // The set of services never changes: unknown for as long as the call lasts.
                    if tx
                        .send(Ok(message(ServingStatus::ServiceUnknown)))
                        .await
                        .is_ok()
                    {
                        tx.closed().await;
                    }
                });
            }
        }
        Ok(Response::new(ReceiverStream::new(rx)))
    }
}

/// Sends the status of `selection` now, then whenever a finished run changes it, until the
/// client goes away.
async fn watch(
    smoke: Smoke,
    selection: Selection,
    tx: mpsc::Sender<Result<HealthCheckResponse, Status>>,
) {
    let names: BTreeSet<String> = selection
        .apply(smoke.tests())
        .iter()
        .map(|t| t.full_name())
        .collect();
    // Subscribed before the first run, so that no run finishing meanwhile is missed.
    let mut finished = smoke.subscribe();
    finished.borrow_and_update();
    let report = tokio::select! {
        report = probe(&smoke, &selection) => report,
        () = tx.closed() => return,
    };
    // The latest reported status (after flap damping) of each of the service's tests: a
    // run of some other selection (`/readyz`'s, another service's) updates those it ran.
    let coordinator = smoke.coordinator().clone();
    let mut problems: BTreeMap<String, bool> = BTreeMap::new();
    let mut record = |report: &Report| {
        for test in report.tests.iter().filter(|t| names.contains(&*t.name)) {
            problems.insert(test.name.to_string(), !coordinator.test_passes(test));
        }
        if problems.values().any(|&p| p) {
            ServingStatus::NotServing
        } else {
            ServingStatus::Serving
        }
    };
    let mut status = record(&report);
    if tx.send(Ok(message(status))).await.is_err() {
        return;
    }
    loop {
        tokio::select! {
            changed = finished.changed() => {
                if changed.is_err() {
                    return;
                }
                let Some(report) = finished.borrow_and_update().clone() else {
                    continue;
                };
                let now = record(&report);
                if now != status {
                    status = now;
                    if tx.send(Ok(message(status))).await.is_err() {
                        return;
                    }
                }
            }
            () = tx.closed() => return,
        }
    }
}

//! The tonic service of `grpc.health.v1.Health`: `List` answered here, `Check` and `Watch`
//! by the service that `tonic-health` generates.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::task::{Context, Poll};

use tonic::codegen::{Body, BoxFuture, Service, StdError};
use tonic::server::{Grpc, NamedService, UnaryService};
use tonic::{Request, Response, Status};
use tonic_health::pb::health_server::HealthServer as Generated;
use tonic_health::pb::HealthCheckResponse;

use super::SmokeHealth;

/// The path of the `List` method.
const LIST: &str = "/grpc.health.v1.Health/List";

/// The request of `List` (`grpc.health.v1.HealthListRequest`): empty.
#[derive(Clone, Copy, PartialEq, Eq, prost::Message)]
pub struct HealthListRequest {}

/// The answer of `List` (`grpc.health.v1.HealthListResponse`).
///
/// ```
/// use prost::Message;
/// use smoke_runtime::grpc::HealthListResponse;
/// use tonic_health::pb::HealthCheckResponse;
///
/// let list = HealthListResponse {
///     statuses: [(String::new(), HealthCheckResponse { status: 1 })].into(),
/// };
/// assert_eq!(HealthListResponse::decode(&*list.encode_to_vec()).unwrap(), list);
/// ```
#[derive(Clone, PartialEq, prost::Message)]
pub struct HealthListResponse {
    /// Every service, to its status.
    #[prost(btree_map = "string, message", tag = "1")]
    pub statuses: BTreeMap<String, HealthCheckResponse>,
}

/// `grpc.health.v1.Health` with its three methods, for `Server::builder().add_service(...)`:
/// `List` is answered by [`SmokeHealth::statuses`], `Check` and `Watch` by `tonic-health`'s
/// generated service over [`SmokeHealth`].
#[derive(Clone, Debug)]
pub struct HealthServer {
    health: SmokeHealth,
    generated: Generated<SmokeHealth>,
}

impl HealthServer {
    pub(super) fn new(health: SmokeHealth) -> Self {
        HealthServer {
            generated: Generated::new(health.clone()),
            health,
        }
    }
}

impl NamedService for HealthServer {
    const NAME: &'static str = "grpc.health.v1.Health";
}

impl<B> Service<http::Request<B>> for HealthServer
where
    B: Body + Send + 'static,
    B::Error: Into<StdError> + Send + 'static,
{
    type Response = http::Response<tonic::body::Body>;
    type Error = Infallible;
    type Future = BoxFuture<Self::Response, Self::Error>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        if request.uri().path() != LIST {
            return self.generated.call(request);
        }
        let list = List(self.health.clone());
        Box::pin(async move {
            let mut grpc = Grpc::new(tonic_prost::ProstCodec::default());
            Ok(grpc.unary(list, request).await)
        })
    }
}

/// The `List` method.
struct List(SmokeHealth);

impl UnaryService<HealthListRequest> for List {
    type Response = HealthListResponse;
    type Future = BoxFuture<Response<HealthListResponse>, Status>;

    fn call(&mut self, _request: Request<HealthListRequest>) -> Self::Future {
        let health = self.0.clone();
        Box::pin(async move {
            let statuses = health
                .statuses()
                .await
                .into_iter()
                .map(|(service, status)| (service, super::message(status)))
                .collect();
            Ok(Response::new(HealthListResponse { statuses }))
        })
    }
}

//! The smoke endpoint as a [tower] service, and a layer that serves it under a prefix in
//! front of any tower stack: an axum `Router`, a tonic server, hyper with
//! `hyper-util`'s tower adapter.
//!
//! - [`SmokeService`] answers every request with [`Smoke::handle`] (so it routes below
//!   [`SmokeBuilder::base_path`](crate::http::SmokeBuilder::base_path)); its body is
//!   [`Full<Bytes>`], which hyper, axum and tonic all take.
//! - [`SmokeLayer`] wraps an application's service: requests for the prefix (e.g.
//!   `/smoketest`) and the paths below it are the endpoint's, every other request goes to
//!   the application untouched. `/smoketest` and `/smoketest/` run the tests;
//!   the other routes of [`Route::from_path`] (`/smoketest/metrics`, `/livez`,
//!   `/readyz`, `/startupz`, `/gate`) answer with or without a trailing slash; any other
//!   path below the prefix is a 404. Request bodies are not read, so a Flagger webhook
//!   (`POST /smoketest/gate`) gets 405: serve the gate through `smoke_runtime::axum` or
//!   [`Smoke::handle_with_body`] for Flagger (Argo Rollouts' `GET` works here).
//!
//! ```ignore
//! use axum::{routing::get, Router};
//! use smoke_runtime::http::Smoke;
//! use smoke_runtime::tower::SmokeLayer;
//!
//! # async fn serve() -> std::io::Result<()> {
//! let app = Router::new()
//!     .route("/", get(|| async { "the service itself" }))
//!     .layer(SmokeLayer::new(Smoke::builder().build(), "/smoketest"));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! axum::serve(listener, app).await
//! # }
//! ```
//!
//! In front of a gRPC server (tonic serves HTTP/1.1 too with `accept_http1(true)`):
//!
//! ```ignore
//! tonic::transport::Server::builder()
//!     .accept_http1(true)
//!     .layer(SmokeLayer::new(smoke, "/smoketest"))
//!     .add_service(my_grpc_service)
//!     .serve(addr)
//!     .await?;
//! ```
//!
//! [tower]: https://docs.rs/tower

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::{Either, Full};
use tower::{Layer, Service};

use crate::http::{Route, Smoke};
use crate::mount::{self, Mounted};

type SmokeAnswer = Pin<Box<dyn Future<Output = Response<String>> + Send>>;

/// The endpoint's answer to one request.
fn answer<B>(smoke: &Smoke, route: Option<Route>, request: Request<B>) -> SmokeAnswer {
    // Only the head matters: dropping the body first keeps the future `Send` for any body.
    let head = Request::from_parts(request.into_parts().0, ());
    let smoke = smoke.clone();
    Box::pin(async move {
        match route {
            Some(route) => smoke.respond(route, &head).await,
            None => smoke.handle(head).await,
        }
    })
}

/// [`Smoke::handle`] as a [`tower::Service`]: routes below the endpoint's base path, never
/// fails, never reads the request body.
///
/// ```
/// use http_body_util::BodyExt;
/// use smoke_runtime::http::Smoke;
/// use smoke_runtime::tower::SmokeService;
/// use tower::ServiceExt;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let service = SmokeService::new(Smoke::builder().build());
/// let request = http::Request::get("/livez").body(()).unwrap();
/// let response = service.oneshot(request).await.unwrap();
/// assert_eq!(response.status(), 200);
/// let body = response.into_body().collect().await.unwrap().to_bytes();
/// assert_eq!(body, "ok\n");
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct SmokeService {
    smoke: Smoke,
}

impl SmokeService {
    /// The service answering with `smoke`.
    ///
    /// ```
    /// use smoke_runtime::http::Smoke;
    /// use smoke_runtime::tower::SmokeService;
    ///
    /// let service = SmokeService::new(Smoke::builder().base_path("/smoketest").build());
    /// assert_eq!(service.smoke().runs(), 0);
    /// ```
    pub fn new(smoke: Smoke) -> Self {
        SmokeService { smoke }
    }

    /// The endpoint it answers with.
    ///
    /// ```
    /// use smoke_runtime::http::Smoke;
    /// use smoke_runtime::tower::SmokeService;
    ///
    /// let service = SmokeService::new(Smoke::builder().build());
    /// assert!(service.smoke().latest().is_none());
    /// ```
    pub fn smoke(&self) -> &Smoke {
        &self.smoke
    }
}

impl<B> Service<Request<B>> for SmokeService {
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = ResponseFuture;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        ResponseFuture {
            answer: answer(&self.smoke, None, request),
        }
    }
}

/// The future of a [`SmokeService`] call.
///
/// ```
/// use smoke_runtime::http::Smoke;
/// use smoke_runtime::tower::{ResponseFuture, SmokeService};
/// use tower::Service;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let mut service = SmokeService::new(Smoke::builder().build());
/// let future: ResponseFuture = service.call(http::Request::get("/nope").body(()).unwrap());
/// assert_eq!(future.await.unwrap().status(), 404);
/// # }
/// ```
pub struct ResponseFuture {
    answer: SmokeAnswer,
}

impl fmt::Debug for ResponseFuture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}

impl Future for ResponseFuture {
    type Output = Result<Response<Full<Bytes>>, Infallible>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.answer
            .as_mut()
            .poll(cx)
            .map(|response| Ok(response.map(Full::from)))
    }
}

/// A [`tower::Layer`] that serves the endpoint under a prefix and passes every other
/// request to the service it wraps.
///
/// The prefix is the endpoint's: `prefix` and `prefix/` run the tests, the other routes
/// of [`Route::from_path`] (`prefix/metrics`, `prefix/livez`, `prefix/readyz`,
/// `prefix/startupz`, each also with a trailing slash) answer through [`Smoke::respond`],
/// and any other path below the prefix is a 404.
/// `/smoketestx` is not below `/smoketest`. The endpoint's own
/// [`base_path`](crate::http::SmokeBuilder::base_path) plays no part here.
///
/// Responses carry an [`Either`] body: the endpoint's [`Full<Bytes>`] on the left, the
/// wrapped service's body on the right.
///
/// ```
/// use std::convert::Infallible;
/// use http_body_util::{BodyExt, Full};
/// use smoke_runtime::http::Smoke;
/// use smoke_runtime::tower::SmokeLayer;
/// use tower::{service_fn, ServiceBuilder, ServiceExt};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let app = ServiceBuilder::new()
///     .layer(SmokeLayer::new(Smoke::builder().build(), "/smoketest"))
///     .service(service_fn(|_: http::Request<()>| async {
///         Ok::<_, Infallible>(http::Response::new(Full::from("[]")))
///     }));
/// let run = app.clone().oneshot(http::Request::get("/smoketest/").body(()).unwrap()).await.unwrap();
/// assert_eq!(run.headers()["x-smoke-status"], "PASS");
/// let orders = app.oneshot(http::Request::get("/orders").body(()).unwrap()).await.unwrap();
/// assert_eq!(orders.into_body().collect().await.unwrap().to_bytes(), "[]");
/// # }
/// ```
///
/// Under axum, `Router::new().route(...).layer(SmokeLayer::new(smoke, "/smoketest"))`;
/// under tonic, `Server::builder().layer(SmokeLayer::new(smoke, "/smoketest"))`.
#[derive(Clone, Debug)]
pub struct SmokeLayer {
    smoke: Smoke,
    prefix: Arc<str>,
}

impl SmokeLayer {
    /// Serves `smoke` under `prefix` (a trailing `/` is ignored).
    ///
    /// # Panics
    ///
    /// When `prefix` does not start with `/` or is the root: the layer would leave the
    /// wrapped service nothing.
    ///
    /// ```
    /// use smoke_runtime::http::Smoke;
    /// use smoke_runtime::tower::SmokeLayer;
    ///
    /// let layer = SmokeLayer::new(Smoke::builder().build(), "/smoketest/");
    /// assert_eq!(layer.prefix(), "/smoketest");
    /// ```
    pub fn new(smoke: Smoke, prefix: &str) -> Self {
        SmokeLayer {
            smoke,
            prefix: mount::canonical_prefix(prefix).into(),
        }
    }

    /// The prefix, without a trailing `/`.
    ///
    /// ```
    /// use smoke_runtime::http::Smoke;
    /// use smoke_runtime::tower::SmokeLayer;
    ///
    /// assert_eq!(SmokeLayer::new(Smoke::builder().build(), "/health/smoke").prefix(), "/health/smoke");
    /// ```
    pub fn prefix(&self) -> &str {
        &self.prefix
    }
}

impl<S> Layer<S> for SmokeLayer {
    type Service = WithSmoke<S>;

    fn layer(&self, inner: S) -> Self::Service {
        WithSmoke {
            inner,
            smoke: self.smoke.clone(),
            prefix: self.prefix.clone(),
        }
    }
}

/// The service a [`SmokeLayer`] makes: the endpoint under its prefix, `S` everywhere else.
///
/// ```
/// use std::convert::Infallible;
/// use http_body_util::{BodyExt, Full};
/// use smoke_runtime::http::Smoke;
/// use smoke_runtime::tower::SmokeLayer;
/// use tower::{service_fn, Layer, ServiceExt};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let app = service_fn(|_: http::Request<()>| async {
///     Ok::<_, Infallible>(http::Response::new(Full::from("the app")))
/// });
/// let service = SmokeLayer::new(Smoke::builder().build(), "/smoketest").layer(app);
///
/// let get = |path: &str| http::Request::get(path).body(()).unwrap();
/// let livez = service.clone().oneshot(get("/smoketest/livez/")).await.unwrap();
/// assert_eq!(livez.into_body().collect().await.unwrap().to_bytes(), "ok\n");
/// let other = service.oneshot(get("/orders")).await.unwrap();
/// assert_eq!(other.into_body().collect().await.unwrap().to_bytes(), "the app");
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct WithSmoke<S> {
    inner: S,
    smoke: Smoke,
    prefix: Arc<str>,
}

impl<S> WithSmoke<S> {
    /// The wrapped service.
    ///
    /// ```
    /// use smoke_runtime::http::Smoke;
    /// use smoke_runtime::tower::SmokeLayer;
    /// use tower::Layer;
    ///
    /// let service = SmokeLayer::new(Smoke::builder().build(), "/smoketest").layer(42);
    /// assert_eq!(*service.inner(), 42);
    /// ```
    pub fn inner(&self) -> &S {
        &self.inner
    }
}

impl<S, B, ResBody> Service<Request<B>> for WithSmoke<S>
where
    S: Service<Request<B>, Response = Response<ResBody>>,
{
    type Response = Response<Either<Full<Bytes>, ResBody>>;
    type Error = S::Error;
    type Future = WithSmokeFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let route = match mount::route_below(&self.prefix, request.uri().path()) {
            Mounted::Elsewhere => {
                return WithSmokeFuture {
                    state: State::Inner {
                        future: self.inner.call(request),
                    },
                }
            }
            Mounted::Unknown => {
                return WithSmokeFuture {
                    state: State::Ready {
                        response: Some(mount::not_found()),
                    },
                }
            }
            Mounted::Route(route) => route,
        };
        WithSmokeFuture {
            state: State::Smoke {
                answer: answer(&self.smoke, Some(route), request),
            },
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of a [`WithSmoke`] call: the endpoint's answer, or the wrapped
    /// service's.
    ///
    /// ```
    /// use std::convert::Infallible;
    /// use http_body_util::Full;
    /// use smoke_runtime::http::Smoke;
    /// use smoke_runtime::tower::SmokeLayer;
    /// use tower::{service_fn, Layer, Service};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let app = service_fn(|_: http::Request<()>| async {
    ///     Ok::<_, Infallible>(http::Response::new(Full::new(bytes::Bytes::from("the app"))))
    /// });
    /// let mut service = SmokeLayer::new(Smoke::builder().build(), "/smoketest").layer(app);
    /// let future = service.call(http::Request::get("/smoketest/nope").body(()).unwrap());
    /// assert_eq!(future.await.unwrap().status(), 404);
    /// # }
    /// ```
    pub struct WithSmokeFuture<F> {
        #[pin]
        state: State<F>,
    }
}

pin_project_lite::pin_project! {
    #[project = StateProj]
    enum State<F> {
        Inner { #[pin] future: F },
        Smoke { answer: SmokeAnswer },
        Ready { response: Option<Response<String>> },
    }
}

impl<F> fmt::Debug for WithSmokeFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WithSmokeFuture").finish_non_exhaustive()
    }
}

impl<F, ResBody, E> Future for WithSmokeFuture<F>
where
    F: Future<Output = Result<Response<ResBody>, E>>,
{
    type Output = Result<Response<Either<Full<Bytes>, ResBody>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let ours = |response: Response<String>| Ok(response.map(|b| Either::Left(Full::from(b))));
        match self.project().state.project() {
            StateProj::Inner { future } => future
                .poll(cx)
                .map(|result| result.map(|response| response.map(Either::Right))),
            StateProj::Smoke { answer } => answer.as_mut().poll(cx).map(ours),
            StateProj::Ready { response } => Poll::Ready(ours(
                response
                    .take()
                    .expect("WithSmokeFuture polled after it completed"),
            )),
        }
    }
}

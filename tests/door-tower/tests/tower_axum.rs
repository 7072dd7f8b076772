//! The tower front door under a real axum server on loopback, queried with hyper's
//! HTTP/1.1 client: `SmokeLayer` in front of an application's router, and `SmokeService`
//! as its fallback.

use std::net::SocketAddr;

use axum::routing::get;
use axum::Router;
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::{HeaderMap, Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use smoke_runtime::http::Smoke;
use smoke_runtime::prelude::*;
use smoke_runtime::tower::{SmokeLayer, SmokeService};
use smoke_runtime::Selection;
use tokio::net::{TcpListener, TcpStream};

/// Passes.
#[smoke_test(tags("ok"))]
fn ok_passes() -> SmokeResult {
    Ok(())
}

/// Fails, so that a run of everything is a FAIL.
#[smoke_test(tags("broken"))]
fn broken_fails() -> SmokeResult {
    Err(SmokeError::failure("broken on purpose"))
}

fn smoke() -> Smoke {
    Smoke::builder()
        .only(Selection::all().tag("ok").tag("broken"))
        .readiness_tags(["ok"])
        .startup_tags(["ok"])
        .details(smoke_runtime::http::Details::Always)
        .build()
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

async fn serve(app: Router) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local address");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("axum serves") });
    addr
}

async fn send(addr: SocketAddr, method: Method, path: &str) -> Reply {
    let stream = TcpStream::connect(addr).await.expect("connect to loopback");
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("HTTP/1.1 handshake");
    tokio::spawn(connection);
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header("host", addr.to_string())
        .body(Empty::<Bytes>::new())
        .expect("a valid request");
    let response = sender.send_request(request).await.expect("a response");
    let (parts, body) = response.into_parts();
    let body = body.collect().await.expect("the body").to_bytes();
    Reply {
        status: parts.status,
        headers: parts.headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

async fn get_(addr: SocketAddr, path: &str) -> Reply {
    send(addr, Method::GET, path).await
}

#[tokio::test]
async fn smoke_layer_serves_the_endpoint_under_its_prefix_in_front_of_an_axum_router() {
    let smoke = smoke();
    let app = Router::new()
        .route("/", get(|| async { "the service itself\n" }))
        .route("/orders", get(|| async { "[]" }))
        .layer(SmokeLayer::new(smoke.clone(), "/smoketest"));
    let addr = serve(app).await;

    // The run, with and without the trailing slash; everything exposed includes a failure.
    for path in ["/smoketest", "/smoketest/"] {
        let reply = get_(addr, path).await;
        assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR, "{path}");
        assert_eq!(reply.header("x-smoke-status"), "FAIL", "{path}");
        assert!(reply.body.starts_with("FAIL\n"), "{path}: {}", reply.body);
        assert!(reply.body.contains("broken on purpose"), "{}", reply.body);
    }
    for path in ["/smoketest?tag=ok", "/smoketest/?tag=ok&format=json"] {
        let reply = get_(addr, path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.body);
        assert_eq!(reply.header("x-smoke-status"), "PASS");
    }
    let json = get_(addr, "/smoketest/?tag=ok&format=json").await;
    assert_eq!(json.header("content-type"), "application/json");
    let json: serde_json::Value = serde_json::from_str(&json.body).expect("JSON");
    assert_eq!(json["status"], "PASS");
    assert_eq!(json["tests_run"], 1);

    // The other routes, with and without a trailing slash.
    for path in ["/smoketest/livez", "/smoketest/livez/"] {
        let reply = get_(addr, path).await;
        assert_eq!(
            (reply.status, reply.body.as_str()),
            (StatusCode::OK, "ok\n"),
            "{path}"
        );
    }
    for path in [
        "/smoketest/readyz",
        "/smoketest/readyz/",
        "/smoketest/startupz",
        "/smoketest/startupz/",
    ] {
        // `/startupz` runs until its tests have passed once, then answers without a run.
        let reply = get_(addr, path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.body);
    }
    for path in ["/smoketest/metrics", "/smoketest/metrics/"] {
        let reply = get_(addr, path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        assert!(reply.body.contains("smoke_runs_total"), "{}", reply.body);
    }

    // The endpoint's own 4xx answers pass through the layer unchanged.
    let unknown_tag = get_(addr, "/smoketest?tag=nope").await;
    assert_eq!(unknown_tag.status, StatusCode::BAD_REQUEST);
    let post = send(addr, Method::POST, "/smoketest").await;
    assert_eq!(post.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(post.header("allow"), "GET, HEAD");
    let head = send(addr, Method::HEAD, "/smoketest?tag=ok").await;
    assert_eq!((head.status, head.body.as_str()), (StatusCode::OK, ""));
    assert_eq!(head.header("x-smoke-status"), "PASS");
    for path in ["/smoketest/nope", "/smoketest//", "/smoketest/livez/x"] {
        let nope = get_(addr, path).await;
        assert_eq!(
            (nope.status, nope.body.as_str()),
            (StatusCode::NOT_FOUND, "not found\n"),
            "{path}"
        );
    }

    // Everything else is the application's.
    assert_eq!(get_(addr, "/").await.body, "the service itself\n");
    assert_eq!(get_(addr, "/orders").await.body, "[]");
    let next_door = get_(addr, "/smoketestx").await;
    assert_eq!(
        (next_door.status, next_door.body.as_str()),
        (StatusCode::NOT_FOUND, "")
    );

    assert!(smoke.runs() >= 2, "the runs went through the endpoint");
}

#[tokio::test]
async fn smoke_service_is_an_axum_fallback_routing_below_the_base_path() {
    let smoke = Smoke::builder()
        .only(Selection::all().tag("ok"))
        .base_path("/smoketest")
        .build();
    let app = Router::new()
        .route("/", get(|| async { "the service itself\n" }))
        .fallback_service(SmokeService::new(smoke));
    let addr = serve(app).await;

    for path in ["/smoketest", "/smoketest/"] {
        let reply = get_(addr, path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.body);
        assert_eq!(reply.header("x-smoke-status"), "PASS");
        assert_eq!(reply.header("content-type"), "text/plain; charset=utf-8");
    }
    assert_eq!(get_(addr, "/smoketest/livez").await.body, "ok\n");
    assert_eq!(get_(addr, "/elsewhere").await.status, StatusCode::NOT_FOUND);
    assert_eq!(get_(addr, "/").await.body, "the service itself\n");
}

//! `SmokeLayer` in front of a real tonic server (`accept_http1(true)`) on loopback: a plain
//! HTTP/1.1 client gets the smoke endpoint under `/smoketest`, and gRPC calls still reach
//! the tonic service behind the layer (tonic-health's own health service, asked by the
//! Python `grpcio-health-checking` client).

use std::time::Duration;

use serde_json::{json, Value};
use smoke_door_grpc::{get, request};
use smoke_runtime::http::{Details, Smoke};
use smoke_runtime::prelude::*;
use smoke_runtime::tower::SmokeLayer;
use smoke_runtime::Selection;
use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;
use tonic_health::ServingStatus;

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smoke_layer_serves_http1_in_front_of_a_tonic_server() {
    let smoke = Smoke::builder()
        .only(Selection::all().tag("ok").tag("broken"))
        .readiness_tags(["ok"])
        .details(Details::Always)
        .build();
    let (reporter, health_service) = tonic_health::server::health_reporter();
    reporter
        .set_service_status("app.v1.App", ServingStatus::Serving)
        .await;

    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local address");
    tokio::spawn(
        tonic::transport::Server::builder()
            .accept_http1(true)
            .layer(SmokeLayer::new(smoke.clone(), "/smoketest"))
            .add_service(health_service)
            .serve_with_incoming(TcpListenerStream::new(listener)),
    );

    let checks = tokio::task::spawn_blocking(move || {
        for path in ["/smoketest", "/smoketest/"] {
            let reply = get(addr, path);
            assert_eq!(reply.status, 500, "{path}: {}", reply.body);
            assert_eq!(reply.header("x-smoke-status"), "FAIL");
            assert!(reply.body.starts_with("FAIL\n"), "{}", reply.body);
        }
        let ok = get(addr, "/smoketest/?tag=ok");
        assert_eq!((ok.status, ok.header("x-smoke-status")), (200, "PASS"));
        for path in ["/smoketest/livez", "/smoketest/livez/"] {
            let reply = get(addr, path);
            assert_eq!((reply.status, reply.body.as_str()), (200, "ok\n"), "{path}");
        }
        assert_eq!(get(addr, "/smoketest/readyz/").status, 200);
        assert_eq!(get(addr, "/smoketest/metrics").status, 200);
        assert_eq!(get(addr, "/smoketest/nope").status, 404);
        let post = request(addr, "POST", "/smoketest", &[]);
        assert_eq!((post.status, post.header("allow")), (405, "GET, HEAD"));
    });
    tokio::time::timeout(Duration::from_secs(30), checks)
        .await
        .expect("the HTTP/1.1 requests finished within 30 s")
        .expect("the endpoint answered as expected");

    // gRPC goes through the layer to the tonic service.
    let python = tokio::task::spawn_blocking(|| {
        smoke_door_grpc::python(env!("CARGO_TARGET_TMPDIR").as_ref())
    })
    .await
    .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/health_client.py");
    let out = tokio::process::Command::new(&python)
        .arg(script)
        .arg(addr.to_string())
        .arg("app.v1.App")
        .output()
        .await
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", python.display()));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answer: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(answer, json!({"check": "SERVING"}));
    assert!(smoke.runs() >= 2);
}

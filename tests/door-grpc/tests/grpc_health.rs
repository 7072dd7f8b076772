//! `smoke_runtime::grpc::SmokeHealth` on a real tonic server on loopback, checked with the
//! reference client: Python's `grpcio-health-checking` (in a virtualenv under the target
//! directory, see `smoke_door_grpc::python`) calls Check, List and Watch and prints JSON.

use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde_json::{json, Value};
use smoke_runtime::grpc::SmokeHealth;
use smoke_runtime::http::Smoke;
use smoke_runtime::prelude::*;
use smoke_runtime::Selection;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;
use tonic_health::pb::health_check_response::ServingStatus;

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

/// Whether `toggle_fails_when_flipped` fails.
static FLIPPED: AtomicBool = AtomicBool::new(false);

/// Passes until the test flips it.
#[smoke_test(tags("toggle"))]
fn toggle_fails_when_flipped() -> SmokeResult {
    if FLIPPED.load(Ordering::SeqCst) {
        return Err(SmokeError::failure("flipped"));
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_grpc_health_client_checks_and_watches_the_smoke_runs() {
    let python = tokio::task::spawn_blocking(|| {
        smoke_door_grpc::python(env!("CARGO_TARGET_TMPDIR").as_ref())
    })
    .await
    .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));

    // A schedule, so that Watch sees the flip without anyone asking for a run.
    let smoke = Smoke::builder()
        .only(Selection::all().tag("ok").tag("broken").tag("toggle"))
        .schedule(Duration::from_millis(200))
        .build();
    let health = SmokeHealth::new(smoke.clone())
        .service("smoke.Ok", ["ok"])
        .service("smoke.Everything", ["ok", "broken", "toggle"]);
    assert_eq!(
        health.services(),
        ["", "broken", "ok", "smoke.Everything", "smoke.Ok", "toggle"]
    );

    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local address");
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(health.into_server())
            .serve_with_incoming(TcpListenerStream::new(listener)),
    );

    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/health_client.py");
    let mut client = tokio::process::Command::new(&python)
        .arg(script)
        .arg(addr.to_string())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", python.display()));
    let mut lines = BufReader::new(client.stdout.take().expect("stdout")).lines();
    let results = tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            let line = lines
                .next_line()
                .await
                .expect("read the client")
                .expect("the client printed its results before it ended");
            let value: Value = serde_json::from_str(&line)
                .unwrap_or_else(|e| panic!("the client printed {line:?}, not JSON: {e}"));
            if value == json!({"watching": true}) {
                // The Watch has its first status; make the service fail.
                FLIPPED.store(true, Ordering::SeqCst);
            } else {
                return value;
            }
        }
    })
    .await
    .expect("the Python client finished within 60 s");
    let status = client.wait().await.expect("the client ends");
    assert!(status.success(), "the Python client failed: {status}");

    assert_eq!(
        results["check"],
        json!({
            "": "NOT_SERVING",
            "ok": "SERVING",
            "broken": "NOT_SERVING",
            "smoke.Ok": "SERVING",
            "smoke.Everything": "NOT_SERVING",
            "no.such.Service": "error: NOT_FOUND",
        }),
        "{results}"
    );
    // Before the flip: `toggle` still passes.
    assert_eq!(
        results["list"],
        json!({
            "": "NOT_SERVING",
            "broken": "NOT_SERVING",
            "ok": "SERVING",
            "smoke.Everything": "NOT_SERVING",
            "smoke.Ok": "SERVING",
            "toggle": "SERVING",
        }),
        "{results}"
    );
    assert_eq!(results["watch_unknown"], "SERVICE_UNKNOWN", "{results}");
    assert_eq!(
        results["watch_toggle"],
        json!(["SERVING", "NOT_SERVING"]),
        "{results}"
    );
    assert!(smoke.runs() >= 2, "the schedule ran: {}", smoke.runs());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_list_gives_every_service_from_one_run_shared_with_check() {
    let python = tokio::task::spawn_blocking(|| {
        smoke_door_grpc::python(env!("CARGO_TARGET_TMPDIR").as_ref())
    })
    .await
    .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));

    // No schedule and no cache: only the calls start runs. Not `toggle`, which the other
    // test flips.
    let smoke = Smoke::builder()
        .only(Selection::all().tag("ok").tag("broken"))
        .build();
    let health = SmokeHealth::new(smoke.clone()).service("smoke.Ok", ["ok"]);
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local address");
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(health.into_server())
            .serve_with_incoming(TcpListenerStream::new(listener)),
    );

    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/health_client.py");
    let output = tokio::time::timeout(
        Duration::from_secs(60),
        tokio::process::Command::new(&python)
            .arg(script)
            .arg(addr.to_string())
            .arg("--list")
            .kill_on_drop(true)
            .output(),
    )
    .await
    .expect("the Python client finished within 60 s")
    .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
    assert!(
        output.status.success(),
        "the Python client failed: {output:?}"
    );
    let results: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("the client printed {output:?}, not JSON: {e}"));

    let every = json!({
        "": "NOT_SERVING",
        "broken": "NOT_SERVING",
        "ok": "SERVING",
        "smoke.Ok": "SERVING",
    });
    assert_eq!(results["list"], every, "{results}");
    assert_eq!(results["again"], every, "{results}");
    assert_eq!(results["check"], "NOT_SERVING", "{results}");
    assert_eq!(
        smoke.runs(),
        1,
        "one run of every test answered both Lists and Check(\"\"): {results}"
    );
}

#[tokio::test]
async fn statuses_probe_every_test_once() {
    let smoke = Smoke::builder()
        .only(Selection::all().tag("ok").tag("broken"))
        .build();
    let health = SmokeHealth::new(smoke.clone()).service("smoke.Ok", ["ok"]);
    let statuses = health.statuses().await;
    assert_eq!(
        statuses.keys().collect::<Vec<_>>(),
        ["", "broken", "ok", "smoke.Ok"]
    );
    assert_eq!(statuses[""], ServingStatus::NotServing);
    assert_eq!(statuses["broken"], ServingStatus::NotServing);
    assert_eq!(statuses["ok"], ServingStatus::Serving);
    assert_eq!(statuses["smoke.Ok"], ServingStatus::Serving);
    assert_eq!(smoke.runs(), 1);
    assert_eq!(check(&health, "").await.expect("a status").status, 2);
    assert_eq!(smoke.runs(), 1, "Check(\"\") was served List's run");
}

/// `Check` of `service` on `health`, straight through the tonic trait.
async fn check(
    health: &SmokeHealth,
    service: &str,
) -> Result<tonic_health::pb::HealthCheckResponse, tonic::Status> {
    use tonic_health::pb::health_server::Health;
    let request = tonic::Request::new(tonic_health::pb::HealthCheckRequest {
        service: service.into(),
    });
    health.check(request).await.map(tonic::Response::into_inner)
}

#[tokio::test]
async fn check_is_a_probe_limited_by_min_interval_and_sharing_the_cache() {
    // No cache: each selection runs on its own, at most once per min_interval (1 s).
    let smoke = Smoke::builder()
        .only(Selection::all().tag("ok").tag("broken"))
        .build();
    let health = SmokeHealth::new(smoke.clone());
    assert_eq!(
        check(&health, "ok").await.expect("a status").status,
        1,
        "SERVING"
    );
    assert_eq!(check(&health, "ok").await.expect("a status").status, 1);
    assert_eq!(
        smoke.runs(),
        1,
        "the second check was served the first one's run"
    );
    assert_eq!(
        check(&health, "").await.expect("a status").status,
        2,
        "NOT_SERVING"
    );
    assert_eq!(smoke.runs(), 2);
    let unknown = check(&health, "nope").await.expect_err("NOT_FOUND");
    assert_eq!(unknown.code(), tonic::Code::NotFound);
    assert_eq!(smoke.runs(), 2, "an unknown service runs nothing");

    // With a cache, every service is answered from one run of everything.
    let cached = Smoke::builder()
        .only(Selection::all().tag("ok").tag("broken"))
        .cache(Duration::from_secs(60))
        .build();
    let health = SmokeHealth::new(cached.clone());
    assert_eq!(check(&health, "ok").await.expect("a status").status, 1);
    assert_eq!(check(&health, "broken").await.expect("a status").status, 2);
    assert_eq!(check(&health, "").await.expect("a status").status, 2);
    assert_eq!(cached.runs(), 1);
}

/// Whether `damped_goes_down` fails.
static DAMPED_DOWN: AtomicBool = AtomicBool::new(false);

/// Passes until the test takes it down; then reported failing only from its second
/// failure in a row.
#[smoke_test(tags("damped"), fail_after = 2)]
fn damped_goes_down() -> SmokeResult {
    if DAMPED_DOWN.load(Ordering::SeqCst) {
        return Err(SmokeError::failure("down"));
    }
    Ok(())
}

#[tokio::test]
async fn check_list_and_watch_follow_the_damped_status() {
    use tokio_stream::StreamExt;
    use tonic_health::pb::health_server::Health;

    let smoke = Smoke::builder()
        .only(Selection::all().tag("ok").tag("damped"))
        .min_interval(Duration::ZERO)
        .build();
    let health = SmokeHealth::new(smoke.clone()).service("smoke.Damped", ["damped"]);
    let request = tonic::Request::new(tonic_health::pb::HealthCheckRequest {
        service: "damped".into(),
    });
    let mut watch = health.watch(request).await.expect("a Watch").into_inner();
    let serving = ServingStatus::Serving as i32;
    let not_serving = ServingStatus::NotServing as i32;

    // It passes first.
    let first = watch
        .next()
        .await
        .expect("a first status")
        .expect("a status");
    assert_eq!(first.status, serving);
    assert_eq!(smoke.runs(), 1);

    // Its first failure: every surface still says serving, though this run failed.
    DAMPED_DOWN.store(true, Ordering::SeqCst);
    let once = check(&health, "smoke.Damped").await.expect("a status");
    assert_eq!(once.status, serving);
    assert_eq!(smoke.runs(), 2, "min_interval 0: each Check runs");

    // The second failure in a row (List's run): from now on it is reported failing.
    let statuses = health.statuses().await;
    assert_eq!(smoke.runs(), 3);
    assert_eq!(statuses["damped"], ServingStatus::NotServing);
    assert_eq!(statuses["smoke.Damped"], ServingStatus::NotServing);
    assert_eq!(statuses["ok"], ServingStatus::Serving);
    assert_eq!(statuses[""], ServingStatus::NotServing);
    let changed = tokio::time::timeout(Duration::from_secs(10), watch.next())
        .await
        .expect("Watch told the change")
        .expect("a second status")
        .expect("a status");
    assert_eq!(changed.status, not_serving);
    let now = check(&health, "damped").await.expect("a status");
    assert_eq!(now.status, not_serving);
}

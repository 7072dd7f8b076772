//! `smoke_runtime::actix::scope` in a real actix-web server on loopback (on actix's own
//! runtime, on a thread of its own), queried with a raw HTTP/1.1 client; its answers are
//! compared with what `Smoke::handle` answers for the same requests.

use std::net::SocketAddr;
use std::sync::mpsc;

use actix_web::dev::ServerHandle;
use actix_web::{web, App, HttpServer};
use smoke_door_actix::{get, request, Reply};
use smoke_runtime::http::{Details, Smoke, SmokeBuilder};
use smoke_runtime::prelude::*;
use smoke_runtime::Selection;

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

const TOKEN: &str = "let-me-see";

fn builder() -> SmokeBuilder {
    Smoke::builder()
        .only(Selection::all().tag("ok").tag("broken"))
        .readiness_tags(["ok"])
        .startup_tags(["ok"])
        .details(Details::WhenAuthorized(TOKEN.into()))
}

/// An actix-web server with an application route and the smoke scope, on its own system
/// thread; its address and the handle that stops it.
fn start(smoke: Smoke) -> (SocketAddr, ServerHandle) {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = HttpServer::new(move || {
                App::new()
                    .route("/", web::get().to(|| async { "the service itself\n" }))
                    .service(smoke_runtime::actix::scope(smoke.clone(), "/smoketest"))
            })
            .workers(2)
            .bind("127.0.0.1:0")
            .expect("bind loopback");
            let addr = server.addrs()[0];
            let server = server.run();
            tx.send((addr, server.handle())).expect("the test waits");
            server.await
        })
    });
    rx.recv().expect("the server starts")
}

/// What `Smoke::handle` answers for the same request (mounted at the same base path).
fn direct(smoke: &Smoke, method: &str, path: &str, headers: &[(&str, &str)]) -> Reply {
    let mut request = http::Request::builder().method(method).uri(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let response = runtime.block_on(smoke.handle(request.body(()).expect("a request")));
    Reply {
        status: response.status().as_u16(),
        headers: response
            .headers()
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or("").to_owned()))
            .collect(),
        body: response.into_body(),
    }
}

/// The headers both answers must agree on (the server adds `date`, `content-length` and
/// `connection`; `age` counts seconds).
fn comparable(reply: &Reply) -> Vec<(String, String)> {
    let mut headers: Vec<(String, String)> = reply
        .headers
        .iter()
        .filter(|(n, _)| !matches!(n.as_str(), "date" | "content-length" | "connection" | "age"))
        .cloned()
        .collect();
    headers.sort();
    headers
}

/// A request and the status it must get: method, path, headers, status.
type Case<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)], u16);

#[test]
fn actix_scope_answers_like_smoke_handle() {
    let smoke = builder().build();
    let (addr, server) = start(smoke.clone());
    let reference = builder().base_path("/smoketest").build();
    let bearer = format!("Bearer {TOKEN}");

    // `path` is asked of both.
    let auth: &[(&str, &str)] = &[("authorization", &bearer)];
    let cases: &[Case] = &[
        ("GET", "/smoketest", &[], 500),
        ("GET", "/smoketest/", &[], 500),
        ("GET", "/smoketest?tag=ok", auth, 200),
        ("GET", "/smoketest/?tag=broken", auth, 500),
        ("GET", "/smoketest?tag=ok&format=json", auth, 200),
        (
            "GET",
            "/smoketest?format=json",
            &[("accept", "application/health+json")],
            500,
        ),
        (
            "GET",
            "/smoketest?tag=ok",
            &[
                ("accept", "application/health+json"),
                ("authorization", &bearer),
            ],
            200,
        ),
        ("GET", "/smoketest", &[("accept", "image/png")], 406),
        // Selecting tests needs the token.
        ("GET", "/smoketest?tag=ok", &[], 403),
        ("GET", "/smoketest?tag=nope", auth, 400),
        ("GET", "/smoketest?tag=%zz", auth, 400),
        (
            "GET",
            "/smoketest",
            &[("authorization", "Bearer wrong")],
            401,
        ),
        ("POST", "/smoketest", &[], 405),
        ("DELETE", "/smoketest/livez", &[], 405),
        ("HEAD", "/smoketest?tag=ok", auth, 200),
        ("GET", "/smoketest/livez", &[], 200),
        ("GET", "/smoketest/livez?x=1", &[], 400),
        ("GET", "/smoketest/readyz", &[], 200),
        ("GET", "/smoketest/startupz", &[], 200),
        ("GET", "/smoketest/metrics", &[], 200),
        ("GET", "/smoketest/nope", &[], 404),
    ];
    for &(method, path, headers, status) in cases {
        let actix = request(addr, method, path, headers);
        let handle = direct(&reference, method, path, headers);
        let what = format!("{method} {path} {headers:?}");
        assert_eq!(actix.status, status, "{what}: {}", actix.body);
        assert_eq!(
            handle.status, status,
            "{what}: Smoke::handle: {}",
            handle.body
        );
        assert_eq!(comparable(&actix), comparable(&handle), "{what}");
        // Bodies with a run in them differ in their times; the others are equal.
        if actix.header("x-smoke-status").is_empty() {
            if path.contains("metrics") {
                assert!(actix.body.contains("smoke_runs_total"), "{}", actix.body);
            } else {
                assert_eq!(actix.body, handle.body, "{what}");
            }
        } else if method == "HEAD" {
            assert_eq!(actix.body, "", "{what}");
        } else {
            assert_eq!(
                actix.body.lines().next(),
                handle.body.lines().next(),
                "{what}"
            );
        }
    }

    // The bearer token crossed from actix's headers: details for the caller with it.
    let details = request(addr, "GET", "/smoketest", &[("authorization", &bearer)]);
    assert!(
        details.body.contains("broken on purpose"),
        "{}",
        details.body
    );
    let summary = get(addr, "/smoketest");
    assert!(
        !summary.body.contains("broken on purpose"),
        "{}",
        summary.body
    );

    // The trailing slash works on every route.
    for path in [
        "/smoketest/livez/",
        "/smoketest/readyz/",
        "/smoketest/metrics/",
    ] {
        assert_eq!(get(addr, path).status, 200, "{path}");
    }
    // The application keeps the rest.
    assert_eq!(get(addr, "/").body, "the service itself\n");
    assert_eq!(get(addr, "/smoketestx").status, 404);

    assert!(
        smoke.runs() >= 4,
        "runs went through the endpoint: {}",
        smoke.runs()
    );
    actix_web::rt::System::new().block_on(server.stop(true));
}

//! The load driver of `benches/load.sh`: a server with the smoke endpoint (or a bare
//! handler that returns the same bytes), and a closed-loop HTTP/1.1 load generator with
//! keep-alive connections over loopback.
//!
//! ```text
//! http_load serve noop      # 100 no-op smoke tests at /smoketest, no cache, no flood bound
//! http_load serve bare      # the JSON /smoketest answers for those, from a bare handler
//! http_load serve wait      # 20 smoke tests that each wait 50 ms, run 20 at once
//! http_load serve flood     # the 100 no-op tests with the builder's defaults (flood bound on)
//! http_load drive URL CONNECTIONS SECONDS [METRICS_URL]
//! ```
//!
//! `serve` prints `listening on http://ADDR` and serves until killed. `drive` prints one
//! line: requests, requests per second, p50/p99/max latency, non-200 answers, and (with a
//! metrics URL) how many smoke runs the server executed meanwhile. Every request asks for
//! JSON (`Accept: application/json`), so that other endpoints (django-smoketest's, in
//! `benches/load.sh`) answer the same format.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::routing::get;
use axum::Router;
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::Request;
use hyper_util::rt::TokioIo;
use smoke_runtime::http::Smoke;
use smoke_runtime::{Runner, Selection};

/// One module per test, so that the macro sees one function name per module.
macro_rules! tests_in_modules {
    ($tag:literal, $body:block, $($module:ident)*) => {
        $(
            mod $module {
                use smoke_runtime::prelude::*;

                #[smoke_test(tags($tag))]
                async fn probe() -> SmokeResult $body
            }
        )*
    };
}

tests_in_modules!("noop", { Ok(()) },
    n00 n01 n02 n03 n04 n05 n06 n07 n08 n09 n10 n11 n12 n13 n14 n15 n16 n17 n18 n19
    n20 n21 n22 n23 n24 n25 n26 n27 n28 n29 n30 n31 n32 n33 n34 n35 n36 n37 n38 n39
    n40 n41 n42 n43 n44 n45 n46 n47 n48 n49 n50 n51 n52 n53 n54 n55 n56 n57 n58 n59
    n60 n61 n62 n63 n64 n65 n66 n67 n68 n69 n70 n71 n72 n73 n74 n75 n76 n77 n78 n79
    n80 n81 n82 n83 n84 n85 n86 n87 n88 n89 n90 n91 n92 n93 n94 n95 n96 n97 n98 n99);

tests_in_modules!("wait", {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        Ok(())
    },
    w00 w01 w02 w03 w04 w05 w06 w07 w08 w09 w10 w11 w12 w13 w14 w15 w16 w17 w18 w19);

/// The endpoint of the tests tagged `tag`. Without `defaults`, anonymous requests are
/// not bounded to one run a second, so that every request that does not join a run in
/// flight is a run (what the throughput scenarios measure).
fn smoke(tag: &str, defaults: bool) -> Smoke {
    let builder = Smoke::builder()
        .runner(Runner::builder().concurrency(20))
        .only(Selection::all().tag(tag));
    if defaults {
        builder.build()
    } else {
        builder.min_interval(Duration::ZERO).build()
    }
}

async fn serve(scenario: &str) {
    let app = match scenario {
        "noop" => smoke_runtime::axum::mount(Router::new(), "/smoketest", smoke("noop", false)),
        "wait" => smoke_runtime::axum::mount(Router::new(), "/smoketest", smoke("wait", false)),
        "flood" => smoke_runtime::axum::mount(Router::new(), "/smoketest", smoke("noop", true)),
        "bare" => {
            // The very bytes the endpoint answers for the 100 no-op tests, rendered once.
            let request = Request::get("/")
                .header("accept", "application/json")
                .body(())
                .expect("a request");
            let reply = smoke("noop", false).handle(request).await;
            let (parts, body) = reply.into_parts();
            let body = Bytes::from(body);
            Router::new().route(
                "/smoketest",
                get(move || {
                    let (headers, body) = (parts.headers.clone(), body.clone());
                    async move { (headers, body) }
                }),
            )
        }
        other => panic!("unknown scenario {other}; use noop, bare, wait or flood"),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    println!(
        "listening on http://{}",
        listener.local_addr().expect("address")
    );
    axum::serve(listener, app).await.expect("serve");
}

/// One connection's loop: requests back to back until `stop`; returns latencies in µs
/// and the count of non-200 answers.
async fn worker(uri: hyper::Uri, stop: Arc<AtomicBool>) -> (Vec<u32>, u64) {
    let authority = uri.authority().expect("host:port").to_string();
    let stream = tokio::net::TcpStream::connect(&authority)
        .await
        .expect("connect");
    stream.set_nodelay(true).expect("nodelay");
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("handshake");
    tokio::spawn(connection);
    let mut latencies = Vec::with_capacity(100_000);
    let mut errors = 0;
    while !stop.load(Ordering::Relaxed) {
        let request = Request::get(uri.clone())
            .header("host", &authority)
            .header("accept", "application/json")
            .body(Empty::<Bytes>::new())
            .expect("request");
        let start = Instant::now();
        let response = sender.send_request(request).await.expect("response");
        let status = response.status();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        latencies.push(start.elapsed().as_micros().min(u32::MAX as u128) as u32);
        if status != 200 || body.is_empty() {
            errors += 1;
        }
    }
    (latencies, errors)
}

async fn runs_total(metrics: &str) -> Option<u64> {
    let uri: hyper::Uri = metrics.parse().ok()?;
    let authority = uri.authority()?.to_string();
    let stream = tokio::net::TcpStream::connect(&authority).await.ok()?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .ok()?;
    tokio::spawn(connection);
    let request = Request::get(uri)
        .header("host", authority)
        .body(Empty::<Bytes>::new())
        .ok()?;
    let body = sender
        .send_request(request)
        .await
        .ok()?
        .into_body()
        .collect()
        .await
        .ok()?;
    let text = String::from_utf8(body.to_bytes().to_vec()).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("smoke_runs_total "))
        .and_then(|n| n.trim().parse().ok())
}

async fn drive(url: &str, connections: usize, seconds: u64, metrics: Option<&str>) {
    let uri: hyper::Uri = url.parse().expect("a URL");
    let runs_before = match metrics {
        Some(m) => runs_total(m).await,
        None => None,
    };
    let stop = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..connections)
        .map(|_| tokio::spawn(worker(uri.clone(), stop.clone())))
        .collect();
    let start = Instant::now();
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut latencies = Vec::new();
    let mut errors = 0;
    for w in workers {
        let (l, e) = w.await.expect("worker");
        latencies.extend(l);
        errors += e;
    }
    let elapsed = start.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let at = |q: f64| {
        let i = ((latencies.len() as f64 * q).ceil() as usize).clamp(1, latencies.len()) - 1;
        latencies[i] as f64 / 1000.0
    };
    let (runs, runs_per_s) = match (runs_before, metrics) {
        (Some(before), Some(m)) => match runs_total(m).await {
            Some(after) => (
                (after - before).to_string(),
                format!("{:.1}", (after - before) as f64 / elapsed),
            ),
            None => ("?".to_owned(), "?".to_owned()),
        },
        _ => ("n/a".to_owned(), "n/a".to_owned()),
    };
    println!(
        "requests={} rps={:.0} p50_ms={:.2} p99_ms={:.2} max_ms={:.2} non_200={} smoke_runs={} smoke_runs_per_s={}",
        latencies.len(),
        latencies.len() as f64 / elapsed,
        at(0.50),
        at(0.99),
        at(1.0),
        errors,
        runs,
        runs_per_s
    );
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["serve", scenario] => serve(scenario).await,
        ["drive", url, connections, seconds, rest @ ..] => {
            drive(
                url,
                connections.parse().expect("CONNECTIONS"),
                seconds.parse().expect("SECONDS"),
                rest.first().copied(),
            )
            .await
        }
        _ => {
            eprintln!("usage: http_load serve noop|bare|wait|flood | http_load drive URL CONNECTIONS SECONDS [METRICS_URL]");
            std::process::exit(2);
        }
    }
}

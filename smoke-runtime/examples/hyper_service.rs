//! The same endpoint without a web framework: plain hyper 1 serving `Smoke::handle`,
//! which routes `/smoketest`, `/smoketest/metrics`, `/smoketest/livez` and
//! `/smoketest/readyz` itself (`base_path`); the service answers every other path.
//!
//! ```text
//! cargo run -p smoke-runtime --features http --example hyper_service
//! curl -i localhost:3001/smoketest?format=json
//! curl -i 'localhost:3001/smoketest?tag=readiness'
//! ```
//!
//! `SMOKE_ADDR` sets the address (default `127.0.0.1:3001`); the first line printed is
//! `listening on http://ADDR`. Any server that speaks the `http` crate's types (hyper,
//! tower services, actix-web through a conversion) mounts it the same way.

use std::convert::Infallible;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use smoke_runtime::http::{Details, Smoke};
use smoke_runtime::prelude::*;
use smoke_runtime::Runner;

/// The temp directory is writable.
#[smoke_test(tags("readiness"))]
fn temp_dir_writable() -> SmokeResult {
    let probe = std::env::temp_dir().join(format!("smoke-hyper-{}", std::process::id()));
    std::fs::write(&probe, b"ok")?;
    std::fs::remove_file(&probe)?;
    Ok(())
}

/// DNS resolves the name of this host.
#[smoke_test(timeout = "3s")]
async fn localhost_resolves() -> SmokeResult {
    let addrs: Vec<_> = tokio::net::lookup_host("localhost:80").await?.collect();
    assert_true!(!addrs.is_empty(), "localhost resolves to nothing");
    Ok(())
}

async fn route(
    smoke: Smoke,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    if request.uri().path().starts_with("/smoketest") {
        return Ok(smoke.handle(request).await.map(Full::from));
    }
    Ok(Response::new(Full::from("the service itself\n")))
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let smoke = Smoke::builder()
        .runner(Runner::builder().default_timeout(Duration::from_secs(5)))
        .details(Details::Always)
        .base_path("/smoketest")
        .build();

    let addr = std::env::var("SMOKE_ADDR").unwrap_or_else(|_| "127.0.0.1:3001".into());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("listening on http://{}", listener.local_addr()?);
    loop {
        let (stream, _) = listener.accept().await?;
        let smoke = smoke.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| route(smoke.clone(), request));
            if let Err(e) = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await
            {
                eprintln!("connection error: {e}");
            }
        });
    }
}

//! A service that embeds its smoke tests, served by axum under `/smoketest`.
//!
//! ```text
//! cargo run -p smoke-runtime --features axum --example axum_service
//! curl -i localhost:3000/smoketest                          # 200 PASS, counts only
//! curl -H 'Authorization: Bearer let-me-see' localhost:3000/smoketest     # with details
//! curl -H 'Accept: application/health+json' localhost:3000/smoketest
//! curl localhost:3000/smoketest/readyz                       # the `readiness` tests
//! curl localhost:3000/smoketest/metrics                      # Prometheus, runs nothing
//! UPLOAD_DIR=/nonexistent cargo run -p smoke-runtime --features axum --example axum_service
//!                                                           # then /smoketest is a 500
//! ```
//!
//! `SMOKE_ADDR` sets the address to listen on (default `127.0.0.1:3000`); the first line
//! printed is `listening on http://ADDR`.

use std::path::PathBuf;
use std::time::Duration;

use axum::routing::get;
use axum::Router;
use smoke_runtime::checks;
use smoke_runtime::http::{Details, Smoke};
use smoke_runtime::prelude::*;
use smoke_runtime::Runner;

/// What the service loads from its configuration; smoke tests receive it by type.
struct Settings {
    upload_dir: PathBuf,
    database_url: String,
}

/// The service can write where users upload files.
#[smoke_test(tags("readiness", "storage"))]
fn upload_dir_writable(settings: Resource<Settings>) -> SmokeResult {
    let probe = settings.upload_dir.join(".smoke-probe");
    std::fs::write(&probe, b"ok")
        .map_err(|e| SmokeError::error(format!("cannot write {}: {e}", probe.display())))?;
    std::fs::remove_file(&probe)?;
    Ok(())
}

/// At least 10 MiB free there.
#[smoke_test(timeout = "2s", tags("storage"))]
async fn upload_dir_has_space(settings: Resource<Settings>) -> SmokeResult {
    checks::disk_free(&settings.upload_dir, 10 * 1024 * 1024).await
}

/// The database URL is configured; a failure message quotes it, and the endpoint masks
/// its password (`postgres://app:***@...`).
#[smoke_test(tags("config"))]
fn database_url_is_postgres(settings: Resource<Settings>) -> SmokeResult {
    assert_regex!(
        &settings.database_url,
        "^postgres(ql)?://",
        "DATABASE_URL is {}",
        settings.database_url
    );
    Ok(())
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let settings = Settings {
        upload_dir: std::env::var_os("UPLOAD_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(std::env::temp_dir),
        database_url: std::env::var("DATABASE_URL")
            .unwrap_or_else(|_| "postgres://app:app-password@127.0.0.1:5432/app".into()),
    };
    let token = std::env::var("SMOKE_TOKEN").unwrap_or_else(|_| "let-me-see".into());

    let smoke = Smoke::builder()
        .runner(
            Runner::builder()
                .resource(settings)
                .secret(token.clone())
                .default_timeout(Duration::from_secs(5))
                .deadline(Duration::from_secs(20)),
        )
        .details(Details::WhenAuthorized(token))
        .cache(Duration::from_secs(5))
        .build();

    let app = Router::new().route("/", get(|| async { "the service itself\n" }));
    // `/smoketest`, `/smoketest/`, `/smoketest/readyz`, ...
    let app = smoke_runtime::axum::mount(app, "/smoketest", smoke);

    let addr = std::env::var("SMOKE_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".into());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await
}

//! A handful of smoke tests and the command line that runs them.
//!
//! ```text
//! cargo run -p smoke-runtime --example quickstart                      # all pass, exit 0
//! cargo run -p smoke-runtime --example quickstart -- --format json     # the JSON report
//! cargo run -p smoke-runtime --example quickstart -- --list
//! API_URL= cargo run -p smoke-runtime --example quickstart             # a failing run, exit 1
//! ```

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use smoke_runtime::checks;
use smoke_runtime::prelude::*;
use smoke_runtime::RunnerBuilder;

/// What the service would load from its configuration; the tests receive it by type.
struct Settings {
    api_url: String,
    data_dir: PathBuf,
}

/// Runs before the tests: registers the resources they ask for.
async fn setup(runner: RunnerBuilder) -> SmokeResult<RunnerBuilder> {
    Ok(runner.resource(Settings {
        api_url: std::env::var("API_URL").unwrap_or_else(|_| "https://api.example.com".into()),
        data_dir: std::env::temp_dir(),
    }))
}

/// `?` on any error: the test errored.
#[smoke_test]
fn temp_dir_writable() -> SmokeResult {
    let probe = std::env::temp_dir().join(format!("smoke-quickstart-{}", std::process::id()));
    std::fs::write(&probe, b"ok")?;
    let back = std::fs::read(&probe)?;
    std::fs::remove_file(&probe)?;
    assert_equal!(back, b"ok".to_vec());
    Ok(())
}

/// A setting the service needs is present (run with `API_URL=` to see it fail).
#[smoke_test(tags("config"))]
fn api_url_configured(settings: Resource<Settings>) -> SmokeResult {
    checks::setting_present("API_URL", Some(&settings.api_url))?;
    assert_regex!(
        &settings.api_url,
        "^https?://",
        "API_URL must be an http(s) URL"
    );
    Ok(())
}

/// At least 10 MiB free where the service writes its data.
#[smoke_test(timeout = "2s", tags("storage"))]
async fn disk_has_free_space(settings: Resource<Settings>) -> SmokeResult {
    checks::disk_free(&settings.data_dir, 10 * 1024 * 1024).await
}

/// Needs what this machine does not have: reported as skipped.
#[smoke_test(skip = "needs the staging database", tags("db"))]
async fn orders_table_readable() -> SmokeResult {
    Ok(())
}

/// A suite, like unittest's `TestCase`: `set_up` builds a fresh value for each `test_*`
/// method and `tear_down` runs after each, whatever the outcome.
struct Scratch {
    dir: PathBuf,
}

#[smoke_suite]
impl Scratch {
    fn set_up() -> SmokeResult<Self> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "smoke-quickstart-scratch-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir)?;
        Ok(Scratch { dir })
    }

    fn tear_down(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }

    fn test_dir_exists(&mut self) -> SmokeResult {
        assert_true!(self.dir.is_dir(), "{} was not created", self.dir.display());
        Ok(())
    }

    async fn test_files_round_trip(&mut self) -> SmokeResult {
        let file = self.dir.join("probe.txt");
        tokio::fs::write(&file, "hello").await?;
        let text = tokio::fs::read_to_string(&file).await?;
        assert_equal!(text, "hello");
        Ok(())
    }
}

smoke_runtime::main!(setup);

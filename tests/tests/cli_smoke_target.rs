//! A `harness = false` smoke target inside this workspace: whatever runs the workspace's
//! tests (`cargo test`, `cargo nextest run`) lists and runs these through `main!`.

use smoke_runtime::prelude::*;
use smoke_runtime::RunnerBuilder;

/// What the setup registers.
struct Workspace {
    root: std::path::PathBuf,
}

async fn setup(runner: RunnerBuilder) -> SmokeResult<RunnerBuilder> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .ok_or_else(|| SmokeError::error("the tests crate has no parent directory"))?
        .to_path_buf();
    Ok(runner.resource(Workspace { root }))
}

#[smoke_test]
fn temp_dir_writable() -> SmokeResult {
    let probe = std::env::temp_dir().join(format!("smoke-cli-target-{}", std::process::id()));
    std::fs::write(&probe, b"ok")?;
    std::fs::remove_file(&probe)?;
    Ok(())
}

#[smoke_test(tags("workspace"))]
async fn setup_registered_the_workspace(workspace: Resource<Workspace>) -> SmokeResult {
    let manifest = tokio::fs::read_to_string(workspace.root.join("Cargo.toml")).await?;
    assert_in!("[workspace]", manifest.as_str());
    Ok(())
}

#[smoke_test]
fn context_knows_the_test(ctx: &Context) -> SmokeResult {
    assert_equal!(ctx.full_name(), "cli_smoke_target::context_knows_the_test");
    Ok(())
}

/// Listed as libtest's ignored, so `cargo test` and `cargo nextest run` report it skipped;
/// forced to run (`-- --include-ignored`, `--run-ignored all`), it passes like the others.
#[smoke_test(skip = "shows how a skipped test is listed: libtest's ignored")]
fn skipped_on_purpose(ctx: &Context) -> SmokeResult {
    assert_equal!(ctx.full_name(), "cli_smoke_target::skipped_on_purpose");
    Ok(())
}

struct Counter {
    n: u32,
}

#[smoke_suite]
impl Counter {
    fn set_up() -> SmokeResult<Self> {
        Ok(Counter { n: 1 })
    }

    fn test_fresh_value(&mut self) -> SmokeResult {
        self.n += 1;
        assert_equal!(self.n, 2);
        Ok(())
    }

    async fn test_fresh_value_again(&mut self) -> SmokeResult {
        self.n += 1;
        assert_equal!(self.n, 2);
        Ok(())
    }
}

smoke_runtime::main!(setup);

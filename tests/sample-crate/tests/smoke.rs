//! The sample's smoke target: passing tests under `ok::`, every kind of problem under
//! `broken::`, one skipped test.

use smoke_runtime::prelude::*;
use smoke_runtime::RunnerBuilder;
use smoke_sample::Greeting;

async fn setup(runner: RunnerBuilder) -> SmokeResult<RunnerBuilder> {
    if std::env::var_os("SAMPLE_SETUP_FAIL").is_some() {
        return Err(SmokeError::error("SAMPLE_SETUP_FAIL is set"));
    }
    Ok(runner.resource(Greeting::from_env()))
}

mod ok {
    use super::*;

    #[smoke_test]
    fn fast() -> SmokeResult {
        Ok(())
    }

    #[smoke_test(tags("db"))]
    async fn greeting_configured(greeting: Resource<Greeting>) -> SmokeResult {
        assert_equal!(greeting.0.as_str(), "hello");
        Ok(())
    }

    pub struct Files {
        dir: std::path::PathBuf,
    }

    #[smoke_suite]
    impl Files {
        fn set_up() -> SmokeResult<Self> {
            Ok(Files {
                dir: std::env::temp_dir(),
            })
        }

        fn test_temp_dir_exists(&mut self) -> SmokeResult {
            assert_true!(self.dir.is_dir());
            Ok(())
        }
    }

    #[smoke_test(skip = "needs the staging database")]
    fn later() -> SmokeResult {
        Ok(())
    }
}

mod broken {
    use super::*;

    #[smoke_test]
    fn assertion_fails() -> SmokeResult {
        assert_equal!(2 + 2, 5, "arithmetic is off");
        Ok(())
    }

    #[smoke_test]
    fn returns_err() -> SmokeResult {
        std::fs::read("/nonexistent/smoke-sample")?;
        Ok(())
    }

    #[smoke_test(timeout = "100ms")]
    async fn sleeps_past_timeout() -> SmokeResult {
        tokio::time::sleep(std::time::Duration::from_secs(600)).await;
        Ok(())
    }

    #[smoke_test(timeout = "200ms", tags("hang"))]
    fn blocking_hang() -> SmokeResult {
        std::thread::sleep(std::time::Duration::from_secs(600));
        Ok(())
    }
}

smoke_runtime::main!(setup);

//! Smoke tests that live in a library crate, as they would in a service's own crates.
//!
//! Nothing here is called by the program that runs them: the tests are found because the
//! crate is linked (`use smoke_sample_lib as _;` in the binary).

use smoke_runtime::prelude::*;

/// A value the host registers for the library's tests.
pub struct Greeting(pub &'static str);

#[smoke_test(tags("sample_lib"))]
fn library_sync_test() -> SmokeResult {
    Ok(())
}

#[smoke_test(tags("sample_lib"), timeout = "3s")]
async fn library_async_test(greeting: Resource<Greeting>) -> SmokeResult {
    if greeting.0 == "hello" {
        Ok(())
    } else {
        Err(SmokeError::failure(format!("greeting is {:?}", greeting.0)))
    }
}

mod nested {
    use smoke_runtime::prelude::*;

    #[smoke_test(tags("sample_lib"))]
    fn library_failing_test() -> SmokeResult {
        Err(SmokeError::failure("reported from the library"))
    }

    /// A suite in the library.
    #[derive(Default)]
    pub struct LibrarySuite {
        runs: u32,
    }

    #[smoke_suite(tags("sample_lib"))]
    impl LibrarySuite {
        fn test_in_library_suite(&mut self) {
            self.runs += 1;
        }
    }
}

//! The library of the sample service: its configuration type, and a smoke test that the
//! programs linking it run.

use smoke_runtime::prelude::*;

/// The greeting the service is configured with; the setup registers it as a resource.
pub struct Greeting(pub String);

impl Greeting {
    /// The greeting from `SAMPLE_GREETING`, else "hello".
    pub fn from_env() -> Self {
        Greeting(std::env::var("SAMPLE_GREETING").unwrap_or_else(|_| "hello".to_owned()))
    }
}

/// Registered from the library: found by every program that links it.
#[smoke_test(tags("lib"))]
fn library_test_is_found() -> SmokeResult {
    assert_equal!(1 + 1, 2);
    Ok(())
}

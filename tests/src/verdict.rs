//! Reading what a check returned: failed or errored, and what its message says.

use smoke_runtime::{ErrorKind, SmokeError, SmokeResult};

/// The failure `result` must be: the thing checked does not hold.
#[track_caller]
pub fn failed(result: SmokeResult) -> SmokeError {
    let error = result.expect_err("the check should not pass");
    assert_eq!(error.kind(), ErrorKind::Failure, "{error}");
    error
}

/// The error `result` must be: the check could not be carried out.
#[track_caller]
pub fn errored(result: SmokeResult) -> SmokeError {
    let error = result.expect_err("the check should not pass");
    assert_eq!(error.kind(), ErrorKind::Error, "{error}");
    error
}

/// Asserts that the error's message contains `words`.
#[track_caller]
pub fn says(error: &SmokeError, words: &str) {
    assert!(
        error.message().contains(words),
        "expected {words:?} in the message:\n{}",
        error.message()
    );
}

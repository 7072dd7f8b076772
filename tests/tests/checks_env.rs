//! The settings checks. This file holds a single test: it changes the process's
//! environment, which must not happen while other threads of the process read it.

use smoke_runtime::checks;
use smoke_runtime::{ErrorKind, SmokeError, SmokeResult};

#[track_caller]
fn failed(result: SmokeResult) -> SmokeError {
    let error = result.expect_err("the check should not pass");
    assert_eq!(error.kind(), ErrorKind::Failure, "{error}");
    error
}

#[track_caller]
fn says(error: &SmokeError, words: &str) {
    assert!(
        error.message().contains(words),
        "expected {words:?} in the message:\n{}",
        error.message()
    );
}

#[test]
fn environment_variables_and_settings_are_checked_without_showing_their_value() {
    std::env::set_var("SMOKE_CHECKS_SET", "s3cr3t-value");
    std::env::set_var("SMOKE_CHECKS_BLANK", "   ");
    std::env::remove_var("SMOKE_CHECKS_UNSET");

    checks::env_var_set("SMOKE_CHECKS_SET").unwrap();
    let error = failed(checks::env_var_set("SMOKE_CHECKS_BLANK"));
    says(&error, "SMOKE_CHECKS_BLANK is set but empty");
    let error = failed(checks::env_var_set("SMOKE_CHECKS_UNSET"));
    says(&error, "SMOKE_CHECKS_UNSET is not set");
    says(&error, "set it in the service's environment");

    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let invalid = std::ffi::OsStr::from_bytes(b"s3cr3t-\xff");
        std::env::set_var("SMOKE_CHECKS_NOT_UTF8", invalid);
        let error = failed(checks::env_var_set("SMOKE_CHECKS_NOT_UTF8"));
        says(
            &error,
            "SMOKE_CHECKS_NOT_UTF8 is set but is not valid UTF-8",
        );
        assert!(!error.message().contains("s3cr3t"));
    }

    checks::setting_present("db.password", Some("s3cr3t-value")).unwrap();
    let error = failed(checks::setting_present("db.password", Some("")));
    says(&error, "db.password is present but empty");
    let error = failed(checks::setting_present("db.password", None));
    says(&error, "db.password is missing");
    assert!(!error.message().contains("s3cr3t"));
}

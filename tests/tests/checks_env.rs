//! The checks that read the process's environment: settings, and PATH lookups. This file
//! holds a single test: it changes the environment, which must not happen while other
//! threads of the process read it.

use smoke_runtime::checks;
use smoke_tests::verdict::{failed, says};

#[test]
fn checks_that_read_the_environment() {
    environment_variables_and_settings_are_checked_without_showing_their_value();
    path_lookups_leave_the_async_thread_free();
}

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

/// The PATH lookups of `executable_on_path` and `executable_version` run on the blocking
/// pool: on a single-threaded runtime another task gets to run while they walk the PATH.
/// Done inline on the async thread, the check would finish within its first poll and the
/// other task would never run before it returns.
fn path_lookups_leave_the_async_thread_free() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    let saved = std::env::var_os("PATH");
    // 20,000 directories that do not exist: a failed stat each.
    let long =
        std::env::join_paths((0..20_000).map(|i| format!("/nonexistent-smoke-path-{i}"))).unwrap();
    std::env::set_var("PATH", &long);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let results = runtime.block_on(async {
        let mut results = Vec::new();
        for version in [false, true] {
            let ticks = Arc::new(AtomicUsize::new(0));
            let counter = ticks.clone();
            let ticker = tokio::spawn(async move {
                loop {
                    counter.fetch_add(1, Ordering::SeqCst);
                    tokio::task::yield_now().await;
                }
            });
            let result = if version {
                checks::executable_version("surely-not-a-program-1234", &["--version"], "1.0").await
            } else {
                checks::executable_on_path("surely-not-a-program-1234").await
            };
            ticker.abort();
            results.push((result, ticks.load(Ordering::SeqCst)));
        }
        results
    });
    match saved {
        Some(path) => std::env::set_var("PATH", path),
        None => std::env::remove_var("PATH"),
    }
    for (result, ticks) in results {
        let error = failed(result);
        says(
            &error,
            "surely-not-a-program-1234 was not found on the PATH",
        );
        assert!(
            ticks > 0,
            "the other task never ran while the PATH was searched"
        );
    }
}

//! Listing (the terse format nextest reads) and selecting: filters, --exact, --skip, tags.

use super::{counts_of, smoke, stdout};

#[test]
fn list_terse_is_what_nextest_reads() {
    let out = smoke(&["--list", "--format", "terse"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        "smoke::broken::assertion_fails: test\n\
         smoke::broken::blocking_hang: test\n\
         smoke::broken::returns_err: test\n\
         smoke::broken::sleeps_past_timeout: test\n\
         smoke::ok::Files::test_temp_dir_exists: test\n\
         smoke::ok::fast: test\n\
         smoke::ok::greeting_configured: test\n\
         smoke::ok::later: test\n\
         smoke_sample::library_test_is_found: test\n"
    );
    let ignored = smoke(&["--list", "--format", "terse", "--ignored"]);
    assert_eq!(stdout(&ignored), "smoke::ok::later: test\n");
    let pretty = smoke(&["--list", "ok::f"]);
    assert_eq!(
        stdout(&pretty),
        "smoke::ok::fast: test\n\n1 test, 0 benchmarks\n"
    );
}

#[test]
fn filters_exact_skip_and_tags_select() {
    let exact = stdout(&smoke(&["--exact", "smoke::ok::fast"]));
    assert_eq!(
        counts_of(&exact),
        "test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 8 filtered out"
    );
    // --exact needs the whole name.
    let partial = stdout(&smoke(&["--exact", "ok::fast"]));
    assert!(partial.contains("running 0 tests"), "{partial}");

    let skip = stdout(&smoke(&["ok::", "--skip", "Files", "--skip", "later"]));
    assert_eq!(
        counts_of(&skip),
        "test result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 7 filtered out"
    );

    let tagged = smoke(&["--tag", "db", "--tag", "lib"]);
    let text = stdout(&tagged);
    assert_eq!(tagged.status.code(), Some(0), "{text}");
    assert!(
        text.contains("test smoke::ok::greeting_configured ... ok"),
        "{text}"
    );
    // Registered in the library, found in the program that links it.
    assert!(
        text.contains("test smoke_sample::library_test_is_found ... ok"),
        "{text}"
    );
    assert!(counts_of(&text).contains(" 2 passed; 0 failed; 0 ignored; 0 measured; 7 filtered out"));

    let ignored = stdout(&smoke(&["--ignored"]));
    assert!(
        ignored.contains("test smoke::ok::later ... ok"),
        "{ignored}"
    );
}

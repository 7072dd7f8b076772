//! Which tests run and how: ignored tests, timeout, deadline, fail-fast, shuffle, cycles.

use super::*;

#[test]
fn ignored_and_include_ignored_run_skipped_tests() {
    let (code, out, _) = run_cli(&["--ignored"], None);
    assert_eq!(code, 0);
    assert!(out.contains("test app::smoke::later ... ok\n"), "{out}");
    assert!(out.contains("1 passed; 0 failed; 0 ignored; 0 measured; 5 filtered out"));
    let (_, out, _) = run_cli(&["--include-ignored", "ok_", "later"], None);
    assert!(out.contains("3 passed; 0 failed; 0 ignored;"), "{out}");
}

#[test]
fn timeout_and_deadline_flags_reach_the_runner() {
    let (code, out, _) = run_cli(&["--exact", "app::smoke::hangs", "--timeout", "50ms"], None);
    assert_eq!(code, 1);
    assert!(out.contains("test app::smoke::hangs ... FAILED"), "{out}");
    assert!(
        out.contains("app::smoke::hangs timed out: timed out after 50ms\n"),
        "{out}"
    );
    let (code, out, _) = run_cli(&["hangs", "--deadline", "50ms"], None);
    assert_eq!(code, 1);
    assert!(out.contains("tests errored: 1\n"), "{out}");
}

#[test]
fn fail_fast_skips_what_has_not_started() {
    let (code, out, _) = run_cli(
        &["--test-threads", "1", "--fail-fast", "broken", "ok_"],
        None,
    );
    assert_eq!(code, 1);
    assert!(
        out.contains("test app::smoke::ok_a ... ignored, not run: an earlier test failed"),
        "{out}"
    );
}

#[test]
fn shuffle_is_a_permutation_fixed_by_its_seed() {
    let mut a: Vec<u32> = (0..20).collect();
    let mut b = a.clone();
    output::shuffle(&mut a, 42);
    output::shuffle(&mut b, 42);
    assert_eq!(a, b);
    assert_ne!(a, (0..20).collect::<Vec<_>>());
    a.sort();
    assert_eq!(a, (0..20).collect::<Vec<_>>());
}

static LOOP_A: TestDescriptor = TestDescriptor {
    requires: &[|| &LOOP_B],
    ..test("loop_a", pass)
};
static LOOP_B: TestDescriptor = TestDescriptor {
    requires: &[|| &LOOP_A],
    ..test("loop_b", pass)
};

#[test]
fn the_json_listing_names_each_test_s_prerequisites_timeout_and_serial_mark() {
    static SLOW_SERIAL: TestDescriptor = TestDescriptor {
        timeout: Some(Duration::from_millis(1500)),
        serial: true,
        requires: &[|| &OK_A, || &LOOP_B],
        ..test("slow_serial", pass)
    };
    let all = vec![&OK_A, &LOOP_A, &LOOP_B, &SLOW_SERIAL];
    let (code, out, err) = run_over(all, &["--list", "--format", "json", "slow_serial"]);
    // Listing runs nothing, so a cycle among the prerequisites is no error here.
    assert_eq!(code, 0, "{err}");
    let listed: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(listed[0]["name"], "app::smoke::slow_serial");
    assert_eq!(listed[0]["timeout_ms"], 1500);
    assert_eq!(listed[0]["serial"], true);
    assert_eq!(
        listed[0]["requires"],
        serde_json::json!(["app::smoke::ok_a", "app::smoke::loop_b"])
    );
}

#[test]
fn a_dependency_cycle_is_a_usage_error_naming_it() {
    let all = || vec![&OK_A, &LOOP_A, &LOOP_B];
    let (code, out, err) = run_over(all(), &[]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(
            "dependency cycle: app::smoke::loop_a -> app::smoke::loop_b -> app::smoke::loop_a"
        ),
        "{err}"
    );
    assert!(out.is_empty(), "no test ran");

    // A selection that leaves the cycle out runs as usual.
    let (code, _, err) = run_over(all(), &["ok_a"]);
    assert_eq!(code, 0, "{err}");
}

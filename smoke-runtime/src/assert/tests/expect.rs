//! The soft variants (`expect_*!`): their values, recorded failures, panics outside a test.

use std::sync::Arc;
use std::time::Duration;

use super::*;
use crate::{Resources, TestDescriptor};

#[test]
fn expect_outside_a_test_panics_with_the_message() {
    let caught = std::panic::catch_unwind(|| {
        expect_equal!(1, 2);
    })
    .unwrap_err();
    let text = caught.downcast_ref::<String>().unwrap();
    assert!(
        text.starts_with("expect_equal!(1, 2) failed\n  actual:   1\n  expected: 2\n  at "),
        "{text}"
    );
}

#[test]
fn expect_values() {
    let outcome = std::panic::catch_unwind(|| {
        assert_eq!(expect_ok!("5".parse::<u8>()), Some(5));
        assert_eq!(expect_is_some!(Some('x')), Some('x'));
        assert_eq!(
            expect_err!("z".parse::<u8>()).map(|e| e.to_string()),
            Some("invalid digit found in string".into())
        );
        assert!(expect_true!(true));
        assert!(expect_in!(1, [1, 2]));
        assert_eq!(expect_panics!(|| panic!("p")), Some("p".to_owned()));
    });
    assert!(outcome.is_ok());
}

static DESCRIPTOR: TestDescriptor =
    TestDescriptor::new("soft", "assert::tests", file!(), line!(), |_| {
        Box::pin(async { Ok(()) })
    });

/// Runs `body` as a test body (with its context current), then finishes it as the
/// runner does.
fn run_as_test(body: impl std::future::Future<Output = SmokeResult> + Send) -> SmokeResult {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    rt.block_on(async {
        let ctx = Arc::new(Context::new(
            &DESCRIPTOR,
            Arc::new(Resources::new()),
            Duration::from_secs(5),
        ));
        let result = crate::__private_0_1::run_body(&ctx, body).await;
        crate::__private_0_1::finish(&ctx, result, ()).await
    })
}

#[test]
fn expect_records_every_failure_and_the_test_goes_on() {
    let reached = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let seen = reached.clone();
    let e = run_as_test(async move {
        assert_false!(expect_equal!(1, 2));
        assert_true!(expect_equal!(2, 2));
        assert_equal!(expect_ok!("x".parse::<u8>()), None);
        expect_in!("b", ["a"], "letters");
        seen.store(true, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    })
    .unwrap_err();
    assert!(reached.load(std::sync::atomic::Ordering::SeqCst));
    assert_eq!(e.kind(), ErrorKind::Failure);
    let file = file!();
    let text = e.message();
    let expected_start = "3 expectation(s) failed\n\nexpect_equal!(1, 2) failed\n  actual:   1\n  expected: 2\n  at ";
    assert!(text.starts_with(expected_start), "{text}");
    assert!(text.contains(&format!("expect_ok!(\"x\".parse::<u8>()) failed\n  actual:   Err(ParseIntError {{ kind: InvalidDigit }})\n  expected: Ok(_)\n  at {file}:")), "{text}");
    assert!(text.contains("expect_in!(\"b\", [\"a\"]) failed\n  item:    \"b\"\n  not in:  [\"a\"]\n  message: letters\n  at "), "{text}");
}

#[test]
fn an_assert_after_expect_failures_reports_them_all() {
    let e = run_as_test(async {
        expect_true!(false);
        assert_equal!("a", "b");
        Ok(())
    })
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Failure);
    assert!(
        e.message().contains("assert_equal!(\"a\", \"b\") failed"),
        "{e}"
    );
    assert!(e.message().contains("expect_true!(false) failed"), "{e}");
}

#[test]
fn a_test_whose_expectations_hold_passes() {
    run_as_test(async {
        expect_equal!(1, 1);
        expect_regex!("abc", "b");
        expect_count_equal!([1, 2], [2, 1]);
        Ok(())
    })
    .unwrap();
}

#[test]
fn every_soft_variant_takes_a_message() {
    let e = run_as_test(async {
        let n = 2;
        expect_equal!(n, 3, "{}", "equal");
        expect_not_equal!(n, 2, "{}", "not_equal",);
        expect_count_equal!([n], [3], "{}", "count_equal");
        expect_true!(n > 2, "{}", "true");
        expect_false!(n == 2, "{}", "false");
        expect_is!(&n, &3, "{}", "is");
        expect_is_not!(&n, &n, "{}", "is_not");
        expect_is_none!(Some(n), "{}", "is_none");
        assert_equal!(expect_is_some!(None::<u8>, "{}", "is_some"), None);
        assert_equal!(expect_ok!(Err::<u8, _>(n), "{}", "ok"), None);
        assert_equal!(expect_err!(Ok::<_, u8>(n), "{}", "err"), None);
        expect_in!(n, [3], "{}", "in");
        expect_not_in!(n, [2], "{}", "not_in");
        expect_matches!(Some(n), None, "{}", "matches");
        expect_less!(n, 2, "{}", "less");
        expect_less_equal!(n, 1, "{}", "less_equal");
        expect_greater!(n, 2, "{}", "greater");
        expect_greater_equal!(n, 3, "{}", "greater_equal");
        expect_almost_equal!(1.0, 2.0, delta = 0.5, "{}", "almost_equal");
        expect_not_almost_equal!(1.0, 1.0, "{}", "not_almost_equal");
        expect_regex!("abc", "x", "{}", "regex");
        expect_not_regex!("abc", "b", "{}", "not_regex");
        assert_equal!(expect_panics!(|| (), "{}", "panics"), None);
        Ok(())
    })
    .unwrap_err();
    let text = e.message();
    assert!(text.starts_with("23 expectation(s) failed\n"), "{text}");
    for name in [
        "equal",
        "not_equal",
        "count_equal",
        "true",
        "false",
        "is",
        "is_not",
        "is_none",
        "is_some",
        "ok",
        "err",
        "in",
        "not_in",
        "matches",
        "less",
        "less_equal",
        "greater",
        "greater_equal",
        "almost_equal",
        "not_almost_equal",
        "regex",
        "not_regex",
        "panics",
    ] {
        assert!(
            text.contains(&format!("\n\nexpect_{name}!(")),
            "expect_{name} in {text}"
        );
        assert!(
            text.contains(&format!("message:  {name}\n"))
                || text.contains(&format!("message:    {name}\n"))
                || text.contains(&format!("message: {name}\n")),
            "message {name} in {text}"
        );
    }
}

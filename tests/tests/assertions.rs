//! The assertion macros from a user's crate: only the prelude imported (no trait in
//! scope), inside `#[smoke_test]` functions, closures, async blocks and functions that
//! return a value; a user's own `Contains`; and no panic on any failure path.

use std::collections::{HashMap, VecDeque};

use smoke_runtime::prelude::*;
use smoke_runtime::{ErrorKind, Outcome, Runner, Selection};

/// A function that returns a value: an assertion returns its failure from it.
fn parse_port(text: &str) -> SmokeResult<u16> {
    let port = assert_ok!(text.parse::<u16>(), "port {text:?}");
    assert_greater!(port, 1023, "a privileged port");
    Ok(port)
}

#[test]
fn assertions_return_their_failure_from_a_function_that_returns_a_value() {
    assert_eq!(parse_port("8080").unwrap(), 8080);
    let e = parse_port("80").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Failure);
    assert_eq!(
        e.message(),
        "assert_greater!(port, 1023) failed\n  actual:   80\n  expected: greater than 1023\n  message:  a privileged port"
    );
    let e = parse_port("http").unwrap_err();
    assert_eq!(
        e.message(),
        "assert_ok!(text.parse::<u16>()) failed\n  actual:   Err(ParseIntError { kind: InvalidDigit })\n  expected: Ok(_)\n  message:  port \"http\""
    );
}

#[test]
fn an_assertion_in_a_closure_returns_from_the_closure() {
    let mut seen = Vec::new();
    for n in [1, 5, 2] {
        let check = || -> SmokeResult {
            assert_less!(n, 3);
            Ok(())
        };
        seen.push(check().is_ok());
    }
    assert_eq!(seen, [true, false, true]);
}

/// A container of the user's own, made usable with `assert_in!`.
struct Allowlist(Vec<&'static str>);

impl smoke_runtime::assert::Contains<&str> for Allowlist {
    fn contains_item(&self, item: &&str) -> bool {
        self.0.iter().any(|allowed| item.ends_with(allowed))
    }
}

#[test]
fn a_users_container_works_with_assert_in() {
    let allow = Allowlist(vec![".example.com", ".example.org"]);
    let check = |host: &str| -> SmokeResult {
        assert_in!(host, allow);
        Ok(())
    };
    assert!(check("api.example.com").is_ok());
    let e = check("evil.test").unwrap_err();
    assert_eq!(
        e.message(),
        "assert_in!(host, allow) failed\n  item:   \"evil.test\"\n  not in: <assertions::Allowlist: no Debug>"
    );
}

#[test]
fn std_collections_and_mixed_string_types() {
    let check = || -> SmokeResult {
        let headers: HashMap<String, String> =
            [("content-type".to_string(), "text/html".to_string())].into();
        assert_in!("content-type", headers);
        assert_not_in!("x-powered-by", headers);
        assert_in!("text/", headers["content-type"]);
        let queue: VecDeque<u64> = [3, 1, 2].into();
        assert_count_equal!(&queue, &VecDeque::from([1, 2, 3]));
        let owned = String::from("ok");
        assert_equal!(owned, "ok");
        assert_equal!("ok", owned);
        assert_not_equal!(owned.as_str(), "error");
        assert_regex!(owned, "^o");
        Ok(())
    };
    check().unwrap();
}

mod in_tests {
    use super::*;

    pub struct Pool {
        pub size: usize,
    }

    #[smoke_test]
    async fn async_body(ctx: &Context) -> SmokeResult {
        let pool = Pool { size: 4 };
        let size = async { pool.size }.await;
        assert_equal!(size, 4);
        let inner = async {
            assert_less!(size, 2);
            Ok::<(), SmokeError>(())
        };
        let e = inner.await.unwrap_err();
        assert_equal!(e.kind(), ErrorKind::Failure);
        expect_equal!(ctx.name(), "async_body");
        Ok(())
    }

    #[smoke_test]
    fn sync_body() -> SmokeResult {
        let token = assert_is_some!(Some("secret"));
        assert_true!(!token.is_empty());
        assert_matches!(token.len(), 1..=64);
        let msg = assert_panics!(|| -> () { panic!("handled") });
        assert_equal!(msg, "handled");
        Ok(())
    }

    #[smoke_test]
    fn fails_with_a_multi_line_diff() -> SmokeResult {
        let got = "a\nb\nc\n";
        assert_equal!(got, "a\nB\nc\n");
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn assertions_work_inside_smoke_tests() {
    let report = Runner::builder()
        .build()
        .run(&Selection::all().filter("assertions::in_tests::"))
        .await;
    let by_name = |name: &str| {
        report
            .tests
            .iter()
            .find(|t| t.name == format!("assertions::in_tests::{name}"))
            .unwrap_or_else(|| panic!("{name} in {:#?}", report.tests))
    };
    assert_eq!(
        by_name("async_body").outcome,
        Outcome::Passed,
        "{report:#?}"
    );
    assert_eq!(by_name("sync_body").outcome, Outcome::Passed, "{report:#?}");
    let t = by_name("fails_with_a_multi_line_diff");
    assert_eq!(t.outcome, Outcome::Failed);
    assert_eq!(
        t.message.as_deref(),
        Some(
            "assert_equal!(got, \"a\\nB\\nc\\n\") failed\n  diff (- expected, + actual):\n      a\n    - B\n    + b\n      c"
        )
    );
    assert_eq!(t.location.as_ref().map(|l| l.file.as_str()), Some(file!()));
}

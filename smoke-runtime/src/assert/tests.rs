//! The assertion macros, as a user calls them: what passes, what fails, and the exact
//! text of each failure.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use crate::prelude::*;
use crate::{ErrorKind, Resources, TestDescriptor};

/// The failure `check` ends with; panics when it passes.
fn failure(check: impl FnOnce() -> SmokeResult) -> SmokeError {
    match check() {
        Ok(()) => panic!("the check passed"),
        Err(e) => e,
    }
}

/// The message `check` fails with, after checking it is a failure.
fn message(check: impl FnOnce() -> SmokeResult) -> String {
    let e = failure(check);
    assert_eq!(e.kind(), ErrorKind::Failure, "{e}");
    e.message().to_owned()
}

#[derive(Debug, PartialEq)]
struct Config {
    name: &'static str,
    port: u16,
    hosts: Vec<&'static str>,
    retries: u32,
}

struct Opaque(u8);

impl PartialEq for Opaque {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

#[test]
fn passing_assertions_let_the_test_go_on() {
    let run = || -> SmokeResult {
        let name = String::from("alice");
        assert_equal!(name, "alice");
        assert_not_equal!(name.len(), 0);
        assert_true!(name.starts_with('a'));
        assert_false!(name.is_empty(), "never {}", "empty");
        assert_is!(&name, &name);
        assert_is_not!(&name, &name.clone());
        assert_is_none!(None::<u8>);
        assert_equal!(assert_is_some!(Some(3)), 3);
        assert_in!("ali", name);
        assert_in!('c', name);
        assert_in!("b", vec!["a".to_string(), "b".to_string()]);
        assert_in!(3, &HashSet::from([1, 2, 3]));
        assert_in!("k", BTreeMap::from([("k", 1)]));
        assert_in!(204, 200..300);
        assert_not_in!(300, 200..300);
        assert_matches!(Some(5), Some(n) if n > 3);
        assert_matches!(name.as_str(), "alice" | "bob");
        assert_equal!(assert_ok!("42".parse::<u8>()), 42);
        assert_in!("invalid digit", assert_err!("x".parse::<u8>()).to_string());
        assert_equal!(assert_panics!(|| panic!("no {}", "db")), "no db");
        assert_panics!(|| panic!("connection refused"), expected = "refused");
        assert_less!(1, 2);
        assert_less_equal!(2, 2);
        assert_greater!(2.5, 1.0);
        assert_greater_equal!("b", "a");
        assert_almost_equal!(0.1 + 0.2, 0.3);
        assert_almost_equal!(1.004, 1.0, places = 2);
        assert_almost_equal!(10u32, 11u32, delta = 1.0);
        assert_almost_equal!(f64::INFINITY, f64::INFINITY);
        assert_not_almost_equal!(1.0, 1.1);
        assert_not_almost_equal!(1.0, 1.2, delta = 0.1);
        assert_regex!(name, "^al");
        assert_regex!("v6.1", regex::Regex::new(r"v\d").unwrap());
        assert_not_regex!("all good", "(?i)error");
        assert_count_equal!(vec![1, 2, 2, 3], vec![2, 3, 2, 1]);
        assert_count_equal!([Opaque(1).0], [1]);
        Ok(())
    };
    run().unwrap();
}

#[test]
fn a_failure_is_located_at_the_call() {
    let line = line!() + 2;
    let e = failure(|| {
        assert_equal!(1 + 1, 3);
        Ok(())
    });
    assert_eq!(e.kind(), ErrorKind::Failure);
    assert_eq!(
        e.location().map(|l| (l.file.as_str(), l.line)),
        Some((file!(), line))
    );
    assert_eq!(
        e.to_string(),
        format!(
            "assert_equal!(1 + 1, 3) failed\n  actual:   2\n  expected: 3\n  at {}:{line}",
            file!()
        )
    );
}

#[test]
fn assert_equal_shows_both_values_and_the_message() {
    let n = 4;
    assert_eq!(
        message(|| {
            assert_equal!(n + 1, 3, "after {} inserts", 2);
            Ok(())
        }),
        "assert_equal!(n + 1, 3) failed\n  actual:   5\n  expected: 3\n  message:  after 2 inserts"
    );
}

#[test]
fn assert_equal_diffs_multi_line_text() {
    let body = String::from("status: ok\ndb: up\ncache: up\n");
    assert_eq!(
        message(|| {
            assert_equal!(body, "status: ok\ndb: down\ncache: up\n");
            Ok(())
        }),
        "assert_equal!(body, \"status: ok\\ndb: down\\ncache: up\\n\") failed\n  \
         diff (- expected, + actual):\n      \
         status: ok\n    \
         - db: down\n    \
         + db: up\n      \
         cache: up"
    );
}

#[test]
fn assert_equal_diffs_long_values_pretty_printed() {
    let actual = Config {
        name: "api",
        port: 80,
        hosts: vec!["a.example.com", "b.example.com"],
        retries: 3,
    };
    let expected = Config {
        port: 8080,
        ..Config {
            name: "api",
            port: 0,
            hosts: vec!["a.example.com", "b.example.com"],
            retries: 3,
        }
    };
    assert_eq!(
        message(|| {
            assert_equal!(actual, expected, "config of {}", "api");
            Ok(())
        }),
        [
            "assert_equal!(actual, expected) failed",
            "  diff (- expected, + actual):",
            "      Config {",
            "          name: \"api\",",
            "    -     port: 8080,",
            "    +     port: 80,",
            "          hosts: [",
            "              \"a.example.com\",",
            "              \"b.example.com\",",
            "          ],",
            "          retries: 3,",
            "      }",
            "  message: config of api",
        ]
        .join("\n")
    );
}

#[test]
fn values_without_debug_show_their_type() {
    assert_eq!(
        message(|| {
            assert_equal!(Opaque(1), Opaque(2));
            Ok(())
        }),
        "assert_equal!(Opaque(1), Opaque(2)) failed\n  \
         actual:   <smoke_runtime::assert::tests::Opaque: no Debug>\n  \
         expected: <smoke_runtime::assert::tests::Opaque: no Debug>"
    );
}

#[test]
fn long_source_text_is_put_on_one_line() {
    let m = message(|| {
        assert_equal!(
            Config {
                name: "a",
                port: 1,
                hosts: vec!["h"],
                retries: 0
            }
            .port,
            Config {
                name: "b",
                port: 2,
                hosts: vec!["h", "i", "j"],
                retries: 1_000_000
            }
            .port
        );
        Ok(())
    });
    let headline = m.lines().next().unwrap();
    assert!(headline.starts_with("assert_equal!(Config {"), "{headline}");
    assert!(headline.ends_with(".port) failed"), "{headline}");
}

#[test]
fn assert_not_equal_true_false() {
    assert_eq!(
        message(|| {
            assert_not_equal!("up", "up");
            Ok(())
        }),
        "assert_not_equal!(\"up\", \"up\") failed\n  actual:   \"up\"\n  expected: not equal to \"up\""
    );
    let free = 10;
    assert_eq!(
        message(|| {
            assert_true!(free > 100, "only {free} MB free");
            Ok(())
        }),
        "assert_true!(free > 100) failed\n  actual:   false\n  expected: true\n  message:  only 10 MB free"
    );
    assert_eq!(
        message(|| {
            assert_false!(free == 10);
            Ok(())
        }),
        "assert_false!(free == 10) failed\n  actual:   true\n  expected: false"
    );
}

#[test]
fn assert_is_and_is_not_show_the_addresses() {
    let (a, b) = (1u64, 1u64);
    assert_eq!(
        message(|| {
            assert_is!(&a, &b);
            Ok(())
        }),
        format!(
            "assert_is!(&a, &b) failed\n  actual:   {:p}\n  expected: {:p} (the same object)",
            &a, &b
        )
    );
    assert_eq!(
        message(|| {
            assert_is_not!(&a, &a);
            Ok(())
        }),
        format!(
            "assert_is_not!(&a, &a) failed\n  actual:   {:p}\n  expected: any object but {:p}",
            &a, &a
        )
    );
}

#[test]
fn option_and_result_assertions() {
    let user: Option<&str> = Some("root");
    assert_eq!(
        message(|| {
            assert_is_none!(user);
            Ok(())
        }),
        "assert_is_none!(user) failed\n  actual:   Some(\"root\")\n  expected: None"
    );
    let missing: Option<u8> = None;
    assert_eq!(
        message(|| {
            assert_is_some!(missing, "no {}", "token");
            Ok(())
        }),
        "assert_is_some!(missing) failed\n  actual:   None\n  expected: Some(_)\n  message:  no token"
    );
    assert_eq!(
        message(|| {
            assert_ok!("x1".parse::<u8>());
            Ok(())
        }),
        "assert_ok!(\"x1\".parse::<u8>()) failed\n  \
         actual:   Err(ParseIntError { kind: InvalidDigit })\n  expected: Ok(_)"
    );
    assert_eq!(
        message(|| {
            assert_err!("7".parse::<u8>());
            Ok(())
        }),
        "assert_err!(\"7\".parse::<u8>()) failed\n  actual:   Ok(7)\n  expected: Err(_)"
    );
}

#[test]
fn assert_ok_shows_an_error_whose_value_has_no_debug() {
    let r: Result<Opaque, &str> = Err("refused");
    assert_eq!(
        message(|| {
            let _conn = assert_ok!(r);
            Ok(())
        }),
        "assert_ok!(r) failed\n  actual:   Err(\"refused\")\n  expected: Ok(_)"
    );
}

#[test]
fn membership_assertions() {
    let tables = vec!["users", "orders"];
    assert_eq!(
        message(|| {
            assert_in!("payments", tables);
            Ok(())
        }),
        "assert_in!(\"payments\", tables) failed\n  item:   \"payments\"\n  not in: [\"users\", \"orders\"]"
    );
    assert_eq!(
        message(|| {
            assert_not_in!("error", "an error occurred");
            Ok(())
        }),
        "assert_not_in!(\"error\", \"an error occurred\") failed\n  \
         item:     \"error\"\n  found in: \"an error occurred\""
    );
}

#[test]
fn assert_matches_shows_the_pattern_and_guard() {
    let status: Result<u16, String> = Ok(503);
    assert_eq!(
        message(|| {
            assert_matches!(status, Ok(code) if code < 500, "status of {}", "/health");
            Ok(())
        }),
        "assert_matches!(status, Ok(code) if code < 500) failed\n  \
         actual:   Ok(503)\n  expected: matches Ok(code) if code < 500\n  message:  status of /health"
    );
}

#[test]
fn assert_panics_messages() {
    assert_eq!(
        message(|| {
            assert_panics!(|| 1 + 1);
            Ok(())
        }),
        "assert_panics!(|| 1 + 1) failed\n  actual:   returned without panicking\n  expected: a panic"
    );
    assert_eq!(
        message(|| {
            assert_panics!(|| panic!("timeout"), expected = "refused", "connecting");
            Ok(())
        }),
        "assert_panics!(|| panic!(\"timeout\"), expected = \"refused\") failed\n  \
         actual:   a panic with the message \"timeout\"\n  \
         expected: a panic with a message containing \"refused\"\n  \
         message:  connecting"
    );
}

#[test]
fn ordering_assertions() {
    let latency_ms = 900;
    assert_eq!(
        message(|| {
            assert_less!(latency_ms, 250);
            Ok(())
        }),
        "assert_less!(latency_ms, 250) failed\n  actual:   900\n  expected: less than 250"
    );
    assert_eq!(
        message(|| {
            assert_less_equal!(3, 2);
            Ok(())
        }),
        "assert_less_equal!(3, 2) failed\n  actual:   3\n  expected: less than or equal to 2"
    );
    assert_eq!(
        message(|| {
            assert_greater!(0, 0, "no users in {}", "users");
            Ok(())
        }),
        "assert_greater!(0, 0) failed\n  actual:   0\n  expected: greater than 0\n  message:  no users in users"
    );
    assert_eq!(
        message(|| {
            assert_greater_equal!(1.5, 2.0);
            Ok(())
        }),
        "assert_greater_equal!(1.5, 2.0) failed\n  actual:   1.5\n  expected: greater than or equal to 2.0"
    );
}

#[test]
fn almost_equal_follows_unittest() {
    assert_eq!(
        message(|| {
            assert_almost_equal!(1.5, 1.0);
            Ok(())
        }),
        "assert_almost_equal!(1.5, 1.0) failed\n  \
         actual:     1.5\n  expected:   1.0, to 7 places\n  difference: 0.5"
    );
    assert_eq!(
        message(|| {
            assert_almost_equal!(1.25, 1.0, delta = 0.125, "drift");
            Ok(())
        }),
        "assert_almost_equal!(1.25, 1.0, delta = 0.125) failed\n  \
         actual:     1.25\n  expected:   1.0 ± 0.125\n  difference: 0.25\n  message:    drift"
    );
    assert_eq!(
        message(|| {
            assert_not_almost_equal!(2.0, 2.0, places = 3);
            Ok(())
        }),
        "assert_not_almost_equal!(2.0, 2.0, places = 3) failed\n  \
         actual:     2.0\n  expected:   not 2.0, to 3 places\n  difference: 0.0"
    );
    // round(1.00000004 - 1, 7) == 0, round(1.0000001 - 1, 7) != 0
    let close = || -> SmokeResult {
        assert_almost_equal!(1.000_000_04, 1.0);
        Ok(())
    };
    close().unwrap();
    assert!(message(|| {
        assert_almost_equal!(1.000_000_1, 1.0);
        Ok(())
    })
    .starts_with("assert_almost_equal!(1.000_000_1, 1.0) failed"));
    assert!(message(|| {
        assert_almost_equal!(f64::NAN, f64::NAN);
        Ok(())
    })
    .contains("difference: NaN"));
}

#[test]
fn regex_assertions() {
    let version = "ffmpeg version 5.1";
    assert_eq!(
        message(|| {
            assert_regex!(version, r"version [6-9]\.");
            Ok(())
        }),
        "assert_regex!(version, r\"version [6-9]\\.\") failed\n  \
         text:     \"ffmpeg version 5.1\"\n  expected: a match for /version [6-9]\\./"
    );
    assert_eq!(
        message(|| {
            assert_not_regex!("an Error here", "(?i)error");
            Ok(())
        }),
        "assert_not_regex!(\"an Error here\", \"(?i)error\") failed\n  \
         text:     \"an Error here\"\n  expected: no match for /(?i)error/\n  found:    \"Error\" at 3"
    );
}

#[test]
fn a_bad_regex_is_an_error_not_a_failure() {
    let e = failure(|| {
        assert_regex!("x", "(");
        Ok(())
    });
    assert_eq!(e.kind(), ErrorKind::Error);
    assert!(
        e.message()
            .starts_with("assert_regex!(\"x\", \"(\"): bad regex: "),
        "{e}"
    );
}

#[test]
fn assert_count_equal_lists_the_differing_counts() {
    #[derive(Debug, PartialEq)]
    struct Node(&'static str); // neither Hash nor Ord
    assert_eq!(
        message(|| {
            assert_count_equal!(
                vec![Node("a"), Node("b"), Node("b")],
                vec![Node("b"), Node("a"), Node("c")]
            );
            Ok(())
        }),
        "assert_count_equal!(vec![Node(\"a\"), Node(\"b\"), Node(\"b\")],\n\
         vec![Node(\"b\"), Node(\"a\"), Node(\"c\")]) failed\n  \
         counts: actual 2, expected 1: Node(\"b\")\n          \
         actual 0, expected 1: Node(\"c\")"
            .replace(",\n", ", ")
    );
}

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
    crate::__private_0_1::test("soft", "assert::tests", file!(), line!(), |_| {
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
fn every_form_of_arguments_and_message_is_accepted() {
    let n = 2;
    let run = || -> SmokeResult {
        // no message, with and without a trailing comma
        assert_equal!(n, 2);
        assert_equal!(n, 2,);
        assert_true!(n > 1,);
        assert_is_none!(None::<u8>,);
        assert_matches!(Some(n), Some(2),);
        assert_matches!(Some(n), Some(m) if m > 1,);
        assert_almost_equal!(1.0, 1.0,);
        assert_almost_equal!(1.0, 1.01, places = 1,);
        assert_almost_equal!(1.0, 1.01, delta = 0.1,);
        assert_equal!(assert_panics!(|| panic!("p"),), "p");
        assert_panics!(|| panic!("p"), expected = "p",);
        // a message: a literal, with arguments, inline arguments, a trailing comma
        assert_equal!(n, 2, "literal");
        assert_equal!(n, 2, "{} and {}", n, "b");
        assert_equal!(n, 2, "{n} inline");
        assert_equal!(n, 2, "{} trailing", n,);
        assert_not_equal!(n, 3, "{}", n);
        assert_true!(n > 1, "{}", n,);
        assert_false!(n > 5, "{}", n);
        assert_is!(&n, &n, "{}", n);
        assert_is_not!(&n, &3, "{}", n);
        assert_is_none!(None::<u8>, "{}", n);
        assert_equal!(assert_is_some!(Some(n), "{}", n,), 2);
        assert_equal!(assert_ok!(Ok::<_, ()>(n), "{}", n), 2);
        assert_equal!(assert_err!(Err::<(), _>(n), "{}", n), 2);
        assert_in!(n, [1, 2], "{}", n);
        assert_not_in!(n, [1, 3], "{}", n);
        assert_matches!(Some(n), Some(2), "{}", n);
        assert_matches!(Some(n), Some(m) if m > 1, "{}", n,);
        assert_less!(n, 3, "{}", n);
        assert_less_equal!(n, 2, "{}", n);
        assert_greater!(n, 1, "{}", n);
        assert_greater_equal!(n, 2, "{}", n);
        assert_almost_equal!(1.0, 1.0, "{}", n);
        assert_almost_equal!(1.0, 1.01, places = 1, "{}", n);
        assert_almost_equal!(1.0, 1.01, delta = 0.1, "{}", n,);
        assert_not_almost_equal!(1.0, 2.0, "{}", n);
        assert_not_almost_equal!(1.0, 2.0, places = 1, "{}", n);
        assert_not_almost_equal!(1.0, 2.0, delta = 0.1, "{}", n);
        assert_regex!("abc", "b", "{}", n);
        assert_not_regex!("abc", "x", "{}", n);
        assert_count_equal!([1, 2], [2, 1], "{}", n);
        assert_panics!(|| panic!("p"), "{}", n);
        assert_panics!(|| panic!("p"), expected = "p", "{}", n,);
        Ok(())
    };
    run().unwrap();
}

#[test]
fn a_message_with_arguments_and_a_trailing_comma_is_formatted() {
    let n = 4;
    assert_eq!(
        message(|| {
            assert_equal!(n, 3, "{} and {n}", "a",);
            Ok(())
        }),
        "assert_equal!(n, 3) failed\n  actual:   4\n  expected: 3\n  message:  a and 4"
    );
    assert_eq!(
        message(|| {
            assert_almost_equal!(1.0, 2.0, places = 2, "{}", "off",);
            Ok(())
        }),
        "assert_almost_equal!(1.0, 2.0, places = 2) failed\n  \
         actual:     1.0\n  expected:   2.0, to 2 places\n  difference: 1.0\n  message:    off"
    );
    assert_eq!(
        message(|| {
            assert_panics!(|| (), expected = "boom", "{}", "quiet",);
            Ok(())
        }),
        "assert_panics!(|| (), expected = \"boom\") failed\n  \
         actual:   returned without panicking\n  \
         expected: a panic with a message containing \"boom\"\n  \
         message:  quiet"
    );
    // A trailing comma alone adds no message.
    assert_eq!(
        message(|| {
            assert_true!(n > 5,);
            Ok(())
        }),
        "assert_true!(n > 5) failed\n  actual:   false\n  expected: true"
    );
}

#[test]
fn the_message_is_evaluated_only_on_failure() {
    let evaluated = std::cell::Cell::new(0);
    let note = || {
        evaluated.set(evaluated.get() + 1);
        "note"
    };
    let run = || -> SmokeResult {
        assert_equal!(1, 1, "{}", note());
        assert_true!(true, "{}", note());
        assert_almost_equal!(1.0, 1.0, delta = 0.1, "{}", note());
        assert_is_some!(Some(1), "{}", note());
        assert!(expect_in!(1, [1], "{}", note()));
        assert_equal!(2, 3, "{}", note());
        Ok(())
    };
    let e = run().unwrap_err();
    assert_eq!(evaluated.get(), 1);
    assert!(e.message().ends_with("message:  note"), "{e}");
}

/// A type whose only `PartialEq` and `PartialOrd` are with itself (dependencies add more
/// to primitives: serde_json's `u16 == Value`), so the other side can be inferred.
#[derive(Debug, Default, PartialEq, PartialOrd)]
struct Grade(u8);

impl std::str::FromStr for Grade {
    type Err = std::num::ParseIntError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse().map(Grade)
    }
}

#[test]
fn values_are_inferred_from_the_other_side() {
    let run = || -> SmokeResult {
        let grade = Grade(2);
        assert_equal!(grade, "2".parse().unwrap());
        assert_less!(grade, "3".parse().unwrap());
        assert_equal!(grade, Default::default(), "{}", "not zero");
        Ok(())
    };
    let e = run().unwrap_err();
    assert_eq!(
        e.message(),
        "assert_equal!(grade, Default::default()) failed\n  \
         actual:   Grade(2)\n  expected: Grade(0)\n  message:  not zero"
    );
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

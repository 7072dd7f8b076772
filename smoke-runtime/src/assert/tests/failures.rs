//! The exact failure text of every other assertion macro, and a bad regex as an error.

use super::*;

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

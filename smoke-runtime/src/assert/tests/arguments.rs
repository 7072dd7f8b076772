//! What the macros accept: passing checks, every form of arguments and message, inference.

use std::collections::{BTreeMap, HashSet};

use super::*;

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

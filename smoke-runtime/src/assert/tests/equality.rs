//! `assert_equal!`'s failure: its location, the values and message, diffs, long source text.

use super::*;

#[derive(Debug, PartialEq)]
struct Config {
    name: &'static str,
    port: u16,
    hosts: Vec<&'static str>,
    retries: u32,
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

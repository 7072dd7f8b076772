use super::*;
use crate::prelude::*;

/// The message an assertion fails with.
fn failure_message(check: impl FnOnce() -> SmokeResult) -> String {
    match check() {
        Ok(()) => panic!("the check passed"),
        Err(e) => e.message().to_owned(),
    }
}

#[test]
fn url_passwords_are_masked_and_the_rest_kept() {
    let r = Redactor::new();
    assert_eq!(
        r.redact("mysql://root:pa55@127.0.0.1:3306/test and redis://:only@cache:6379"),
        "mysql://root:***@127.0.0.1:3306/test and redis://:***@cache:6379"
    );
    assert_eq!(
        r.redact("http://example.com:8080/x"),
        "http://example.com:8080/x"
    );
    assert_eq!(r.redact("user@example.com"), "user@example.com");
}

#[test]
fn passwords_with_at_slash_or_colon_are_masked_whole() {
    let r = Redactor::new();
    for (given, expected) in [
        (
            "mysql://app:p@ss/w0rd@db:3306/app",
            "mysql://app:***@db:3306/app",
        ),
        ("postgres://u:p@ss@h/x", "postgres://u:***@h/x"),
        ("redis://u:pa/ss@cache:6379", "redis://u:***@cache:6379"),
        ("amqp://u:p:w@mq", "amqp://u:***@mq"),
        (
            "a mysql://app:p@ss/w@db/x then b@example.com",
            "a mysql://app:***@db/x then b@example.com",
        ),
        (
            "connect \"postgres://app:hunter2@db:5432/app\" failed",
            "connect \"postgres://app:***@db:5432/app\" failed",
        ),
    ] {
        assert_eq!(r.redact(given), expected, "{given}");
    }
    // URLs without user info are left alone.
    for url in [
        "https://example.com/a/b?c=d#e",
        "postgres://db:5432/app",
        "mailto:user@example.com",
    ] {
        assert_eq!(r.redact(url), url);
    }
}

#[test]
fn a_url_user_without_a_password_is_masked() {
    let r = Redactor::new();
    for (given, expected) in [
        (
            "clone https://ghp_abc123@github.com/org/repo failed",
            "clone https://***@github.com/org/repo failed",
        ),
        (
            "https://sk_live_51Habc@api.stripe.com/v1/charges",
            "https://***@api.stripe.com/v1/charges",
        ),
        (
            "ssh://git@example.com:22/repo",
            "ssh://***@example.com:22/repo",
        ),
        ("http://user@host/x", "http://***@host/x"),
    ] {
        assert_eq!(r.redact(given), expected, "{given}");
    }
    // An `@` after the host is no user info.
    assert_eq!(
        r.redact("https://example.com/users/@alice"),
        "https://example.com/users/@alice"
    );
}

#[test]
fn key_value_passwords_are_masked() {
    let r = Redactor::new();
    for (given, expected) in [
        (
            "host=db user=app password=s3cret dbname=x",
            "host=db user=app password=*** dbname=x",
        ),
        (
            "host=db password='s 3' dbname=x",
            "host=db password=*** dbname=x",
        ),
        (
            r"host=db password='it\'s here' dbname=x",
            "host=db password=*** dbname=x",
        ),
        (
            "host=db PASSWORD = \"two words\" port=5432",
            "host=db PASSWORD = *** port=5432",
        ),
        (
            r#"actual: "host=db password=\"s 3\" dbname=x""#,
            r#"actual: "host=db password=*** dbname=x""#,
        ),
        (
            "Server=db;Uid=app;Pwd=s3cret;Database=x",
            "Server=db;Uid=app;Pwd=***;Database=x",
        ),
        ("DB_PASSWORD=hunter2 is set", "DB_PASSWORD=*** is set"),
        ("passwd=x", "passwd=***"),
    ] {
        assert_eq!(r.redact(given), expected, "{given}");
    }
    // Nothing to mask.
    assert_eq!(r.redact("password= "), "password= ");
    assert_eq!(r.redact("the password is wrong"), "the password is wrong");
}

#[test]
fn credential_query_parameters_are_masked() {
    let r = Redactor::new();
    assert_eq!(
        r.redact(
            "GET https://bucket.s3.amazonaws.com/a.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256\
             &X-Amz-Credential=AKIAEXAMPLE%2F20240101%2Fus-east-1%2Fs3%2Faws4_request\
             &X-Amz-Date=20240101T000000Z&X-Amz-Expires=900&X-Amz-Security-Token=FwoGZX\
             &X-Amz-SignedHeaders=host&X-Amz-Signature=0123abcdef 403"
        ),
        "GET https://bucket.s3.amazonaws.com/a.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential=***&X-Amz-Date=20240101T000000Z&X-Amz-Expires=900\
         &X-Amz-Security-Token=***&X-Amz-SignedHeaders=host&X-Amz-Signature=*** 403"
    );
    for (given, expected) in [
        (
            "https://acct.blob.core.windows.net/c/b?sv=2022-11-02&sig=abc%2Bdef%3D&se=x",
            "https://acct.blob.core.windows.net/c/b?sv=2022-11-02&sig=***&se=x",
        ),
        (
            "https://cdn/x?Signature=abc&Expires=1",
            "https://cdn/x?Signature=***&Expires=1",
        ),
        (
            "/cb?code=1&access_token=tok#frag",
            "/cb?code=1&access_token=***#frag",
        ),
        ("/v1?APIKEY=k1&q=2", "/v1?APIKEY=***&q=2"),
        ("/v1?api_key=k1", "/v1?api_key=***"),
        ("/v1?q=1&key=AIzaSyExample", "/v1?q=1&key=***"),
        ("/v1?token=t0k", "/v1?token=***"),
        ("\"/v1?token=t0k\"", "\"/v1?token=***\""),
    ] {
        assert_eq!(r.redact(given), expected, "{given}");
    }
    // Parameters of other names, and the names outside a query, are kept.
    for kept in [
        "/v1?monkey=1&keys=2&tokens=3",
        "token=abc outside a URL",
        "the key=value pairs",
    ] {
        assert_eq!(r.redact(kept), kept);
    }
}

#[test]
fn a_configured_url_is_masked_whole_before_the_url_rule() {
    let url = "postgres://app:hunter2@db-primary.internal:5432/billing";
    let r = Redactor::new().secret(url).secret("hunter2");
    assert_eq!(
        r.redact(&format!("connect {url} failed")),
        "connect *** failed"
    );
    assert_eq!(
        r.redact("connect postgres://app:hunter2@replica:5432/billing failed"),
        "connect postgres://app:***@replica:5432/billing failed"
    );
}

#[test]
fn secrets_are_masked_longest_first() {
    let r = Redactor::new().secret("abc").secret("abcdef").secret("abc");
    assert_eq!(r.redact("x abcdef y abc"), "x *** y ***");
    assert_eq!(format!("{r:?}"), "Redactor { secrets: 2, max_len: 4096 }");
}

#[test]
fn secrets_escaped_by_debug_or_json_are_masked() {
    for secret in [
        "Pa\"ss-7731",
        r"a\b-7731",
        "tab\there-7731",
        "it's-7731",
        "bell\u{7}-7731",
    ] {
        let r = Redactor::new().secret(secret);
        let debug = format!("actual: {secret:?}, expected: \"x\"");
        assert_eq!(
            r.redact(&debug),
            "actual: \"***\", expected: \"x\"",
            "{debug}"
        );
        let json = serde_json::json!({ "password": secret }).to_string();
        assert_eq!(r.redact(&json), r#"{"password":"***"}"#, "{json}");
        let twice = format!("{:?}", format!("{secret:?}"));
        assert_eq!(r.redact(&twice), r#""\"***\"""#, "{twice}");
        assert_eq!(r.redact(&format!("raw {secret} end")), "raw *** end");
    }
}

#[test]
fn assertion_failures_do_not_show_a_secret() {
    let secret = "Pa\"ss-7731";
    let r = Redactor::new().secret(secret);
    let message = failure_message(|| {
        let actual = String::from(secret);
        assert_equal!(actual, "expected");
        Ok(())
    });
    assert!(message.contains(r#"Pa\"ss-7731"#), "{message}");
    let redacted = r.redact(&message);
    assert!(!redacted.contains("7731"), "{redacted}");
}

const PEM: &str = "-----BEGIN PRIVATE KEY-----\n\
                   MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n\
                   VJTUt9Us8cKjMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDu\n\
                   -----END PRIVATE KEY-----\n";

#[test]
fn multi_line_secrets_are_masked_whole_escaped_and_line_by_line() {
    let r = Redactor::new().secret(PEM);
    assert_eq!(r.redact(&format!("key: {PEM}")), "key: ***");
    assert_eq!(r.redact(&format!("key: {PEM:?}")), "key: \"***\"");
    let json = serde_json::to_string(PEM).expect("a string serializes");
    assert_eq!(r.redact(&json), "\"***\"");
    // A file read without its final newline, and a CRLF copy shown line by line.
    assert_eq!(r.redact(PEM.trim()), "***");
    let crlf = PEM.replace('\n', "\r\n");
    assert!(!r.redact(&crlf).contains("MIIEvQ"), "{}", r.redact(&crlf));
    // A line diff shows the lines apart, each with a marker.
    let diff = "- VJTUt9Us8cKjMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDu\n\
                + MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7";
    assert_eq!(r.redact(diff), "- ***\n+ ***");
    // Lines too short to be told from ordinary text are not masked on their own.
    let r = Redactor::new().secret("{\n  \"k\": 1\n}");
    assert_eq!(r.redact("{ } done"), "{ } done");
}

#[test]
fn multi_line_assertion_diffs_do_not_show_a_secret() {
    let r = Redactor::new().secret(PEM);
    let message = failure_message(|| {
        let actual = PEM.replace("C3SC6", "xxxxx");
        assert_equal!(actual, PEM);
        Ok(())
    });
    let redacted = r.redact(&message);
    assert!(!redacted.contains("MIIEvQ"), "{redacted}");
}

#[test]
fn a_secret_read_from_a_file_is_masked_without_its_newline() {
    let r = Redactor::new().secret("tok-12345\n");
    assert_eq!(r.redact("Bearer tok-12345 refused"), "Bearer *** refused");
}

#[test]
#[should_panic(expected = "a secret to mask is empty or only whitespace")]
fn an_empty_secret_is_refused() {
    let _ = Redactor::new().secret("");
}

#[test]
fn a_blank_secret_is_refused_and_nothing_blanked() {
    let mut r = Redactor::new();
    assert_eq!(r.try_add_secret(""), Err(EmptySecret));
    assert_eq!(r.try_add_secret(" \n\t"), Err(EmptySecret));
    assert_eq!(r.try_add_secret("ok-secret"), Ok(()));
    assert_eq!(r.redact("a b ok-secret"), "a b ***");
    let refused = std::panic::catch_unwind(|| Redactor::new().secret("\n"));
    assert!(refused.is_err());
}

#[test]
fn long_messages_are_capped_on_a_char_boundary() {
    let r = Redactor::new().max_len(40);
    let out = r.redact(&"é".repeat(100));
    assert!(out.chars().count() <= 40, "{out}");
    assert!(out.ends_with("(92 more characters)"), "{out}");
    assert_eq!(r.redact("short"), "short");
}

#[test]
fn credential_fields_of_json_documents_are_masked() {
    let r = Redactor::new();
    assert_eq!(
        r.redact(r#"{"user": "app", "password": "s3 cr\"et", "host": "db"}"#),
        r#"{"user": "app", "password": "***", "host": "db"}"#
    );
    assert_eq!(
        r.redact(r#"{"client_secret":"abc","apiKey" : "k-1","accessToken":"t"}"#),
        r#"{"client_secret":"***","apiKey" : "***","accessToken":"***"}"#
    );
    // As the assertion macros show a JSON text: `Debug`-escaped.
    let shown = format!("{:?}", r#"{"DB_PASSWORD": "hunter2", "db": "x"}"#);
    let out = r.redact(&shown);
    assert!(!out.contains("hunter2"), "{out}");
    assert!(out.contains(r#"\"db\": \"x\""#), "{out}");
    // Keys that merely resemble one are left alone.
    assert_eq!(
        r.redact(r#"{"tokens_used": 3, "name": "password reset"}"#),
        r#"{"tokens_used": 3, "name": "password reset"}"#
    );
}

#[test]
fn authorization_credentials_in_text_are_masked() {
    let r = Redactor::new();
    assert_eq!(
        r.redact("sent Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc_DEF-123 and got 401"),
        "sent Authorization: Bearer *** and got 401"
    );
    assert_eq!(
        r.redact("authorization: basic YXBwOmh1bnRlcjI="),
        "authorization: basic ***"
    );
    // Words after "bearer" or "basic" that are not credentials stay.
    for prose in [
        r#"WWW-Authenticate: Bearer realm="smoke""#,
        "Basic authentication is disabled",
        "bearer tokens expire",
    ] {
        assert_eq!(r.redact(prose), prose);
    }
}

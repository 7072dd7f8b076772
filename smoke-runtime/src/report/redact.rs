//! Keeping secrets in the process: every message of a report scrubbed of URL passwords
//! and of configured secret values, and capped in length, before any format renders it.
//!
//! ```
//! use smoke_runtime::report::redact::Redactor;
//!
//! let redactor = Redactor::new().secret("s3cr3t-api-key").max_len(60);
//! assert_eq!(
//!     redactor.redact("connect postgres://app:hunter2@db:5432/app failed"),
//!     "connect postgres://app:***@db:5432/app failed"
//! );
//! assert_eq!(redactor.redact("key=s3cr3t-api-key rejected"), "key=*** rejected");
//! assert!(redactor.redact(&"x".repeat(500)).ends_with("(472 more characters)"));
//! ```

use std::sync::OnceLock;

use regex::Regex;

use crate::Report;

/// What replaces a secret.
pub const MASK: &str = "***";

/// The default cap on a message's length, in characters.
pub const DEFAULT_MAX_LEN: usize = 4096;

/// Scrubs secrets out of messages and caps their length.
#[derive(Clone)]
pub struct Redactor {
    secrets: Vec<String>,
    max_len: usize,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The secrets themselves are never printed.
        f.debug_struct("Redactor")
            .field("secrets", &self.secrets.len())
            .field("max_len", &self.max_len)
            .finish()
    }
}

impl Default for Redactor {
    fn default() -> Self {
        Self::new()
    }
}

/// `scheme://user:password@`: the password is the second group. It runs to the last `@`
/// before whitespace, so a password with a raw `@`, `/` or `:` in it is masked whole (at
/// worst, more than the password is masked, never less).
fn url_password() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"([A-Za-z][A-Za-z0-9+.\-]*://[^\s/?#@:]*:)(\S*)@")
            .expect("the URL password pattern is valid")
    })
}

impl Redactor {
    /// Scrubs URL passwords and caps messages at [`DEFAULT_MAX_LEN`] characters; no
    /// secret values yet.
    pub fn new() -> Self {
        Redactor {
            secrets: Vec::new(),
            max_len: DEFAULT_MAX_LEN,
        }
    }

    /// Adds a value that must never appear in a message (an API key, a password). Empty
    /// values are ignored.
    pub fn secret(mut self, value: impl Into<String>) -> Self {
        self.add_secret(value);
        self
    }

    /// Adds a secret value in place.
    pub fn add_secret(&mut self, value: impl Into<String>) {
        let value = value.into();
        if !value.is_empty() && !self.secrets.contains(&value) {
            self.secrets.push(value);
            // Longest first, so a secret that contains another is masked whole.
            self.secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
    }

    /// Caps every message at `max_len` characters (at least 16).
    pub fn max_len(mut self, max_len: usize) -> Self {
        self.max_len = max_len.max(16);
        self
    }

    /// The cap on a message's length, in characters.
    pub fn message_cap(&self) -> usize {
        self.max_len
    }

    /// `text` with URL passwords and secret values masked, then capped in length.
    pub fn redact(&self, text: &str) -> String {
        let mut out = url_password()
            .replace_all(text, |c: &regex::Captures<'_>| format!("{}{MASK}@", &c[1]))
            .into_owned();
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), MASK);
            }
        }
        cap(out, self.max_len)
    }

    /// The same test result with its message redacted.
    pub fn redact_test(&self, test: &crate::TestReport) -> crate::TestReport {
        let mut test = test.clone();
        test.message = test.message.map(|m| self.redact(&m));
        test
    }

    /// The same report with every test's message redacted.
    pub fn redact_report(&self, report: &Report) -> Report {
        let mut report = report.clone();
        self.redact_report_in_place(&mut report);
        report
    }

    /// Redacts every test's message in place.
    pub fn redact_report_in_place(&self, report: &mut Report) {
        for test in &mut report.tests {
            if let Some(message) = &test.message {
                test.message = Some(self.redact(message));
            }
        }
    }
}

/// `text` cut to `max` characters, with a note of how many were cut.
fn cap(text: String, max: usize) -> String {
    let total = text.chars().count();
    if total <= max {
        return text;
    }
    let note_room = 32;
    let keep = max.saturating_sub(note_room).max(1);
    let cut_at = text.char_indices().nth(keep).map_or(text.len(), |(i, _)| i);
    format!("{}… ({} more characters)", &text[..cut_at], total - keep)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        // URLs without a password are left alone.
        for url in [
            "https://example.com/a/b?c=d#e",
            "ssh://git@example.com:22/repo",
            "http://user@host/x",
            "postgres://db:5432/app",
        ] {
            assert_eq!(r.redact(url), url);
        }
    }

    #[test]
    fn secrets_are_masked_longest_first() {
        let r = Redactor::new().secret("abc").secret("abcdef").secret("");
        assert_eq!(r.redact("x abcdef y abc"), "x *** y ***");
    }

    #[test]
    fn long_messages_are_capped_on_a_char_boundary() {
        let r = Redactor::new().max_len(40);
        let out = r.redact(&"é".repeat(100));
        assert!(out.chars().count() <= 40, "{out}");
        assert!(out.ends_with("(92 more characters)"), "{out}");
        assert_eq!(r.redact("short"), "short");
    }
}

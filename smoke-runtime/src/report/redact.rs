//! Keeping secrets in the process: every message of a report scrubbed of configured secret
//! values and of credentials of known shapes, and capped in length, before any format
//! renders it.
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
//!
//! # Rules
//!
//! [`Redactor::redact`] replaces with [`MASK`], in this order:
//!
//! 1. **Configured secrets** ([`Redactor::secret`]), longest first, so that a secret which
//!    contains another (a whole connection URL and its password) is masked whole. Each is
//!    looked for in several forms:
//!    - as given, and trimmed of surrounding whitespace (a value read from a file usually
//!      ends in a newline);
//!    - escaped, once or twice, the way Rust's `Debug` shows a string (`{:?}`, which is how
//!      the assertion macros show values: `Pa"ss` appears as `Pa\"ss`, a newline as `\n`, a
//!      tab as `\t`) and the way JSON does (serde_json), without the surrounding quotes;
//!    - for a secret of several lines (a PEM key), also each of its lines of at least
//!      [`MIN_LINE_LEN`] characters, trimmed, in the same forms, since a line diff shows
//!      the lines apart.
//! 2. **URL user info**: `scheme://user:password@` keeps the user and masks the password,
//!    which runs to the last `@` before whitespace, so a password with a raw `@`, `/` or
//!    `:` in it is masked whole (at worst, more than the password is masked, never less).
//!    `scheme://user@` without a password masks the user, since a token is often passed
//!    that way and cannot be told from a user name: `https://ghp_abc123@github.com/org/repo`
//!    becomes `https://***@github.com/org/repo`.
//! 3. **Key/value passwords**: the value after `password=`, `passwd=` or `pwd=` (any case,
//!    also inside a longer name such as `DB_PASSWORD=`, spaces allowed around `=`), as in
//!    libpq connection strings (`host=db user=app password=s3cret dbname=x`). A value in
//!    single or double quotes (`password='s 3'`, with backslash escapes) is masked to its
//!    closing quote, any other to the next whitespace, `;` or `&`.
//! 4. **Credential query parameters**: the value of each parameter in
//!    [`QUERY_PARAMETERS`] (any case) after `?` or `&`, up to the next `&`, `#`,
//!    whitespace, quote or backslash: signed-URL signatures and credentials
//!    (`X-Amz-Signature=...`), tokens and API keys.
//! 5. **Credential fields of JSON documents**: the string value of a key that names a
//!    password, secret, token or API key (`"password": "..."`, `"client_secret": "..."`,
//!    `"apiKey": "..."`, any case), also as `Debug` shows JSON (`\"password\": \"...\"`).
//! 6. **Authorization credentials in text**: what follows `Bearer ` or `Basic ` (any case),
//!    when it looks like a credential (8 or more token characters, a digit or a symbol
//!    among them, so `Basic authentication` stays), as in a copied
//!    `Authorization: Bearer eyJhbGciOi...` header.
//!
//! Then the message is capped at [`Redactor::max_len`] characters.
//!
//! A value that is neither configured nor of one of these shapes is not recognised: give
//! every secret a test may see to [`Redactor::secret`].

use std::sync::OnceLock;

use regex::Regex;

use crate::Report;

/// What replaces a secret.
pub const MASK: &str = "***";

/// The default cap on a message's length, in characters.
pub const DEFAULT_MAX_LEN: usize = 4096;

/// How long a line of a multi-line secret must be, in characters once trimmed, to be
/// masked on its own (shorter lines, such as a lone `}`, would mask too much).
pub const MIN_LINE_LEN: usize = 8;

/// The query parameters whose values are masked (compared without regard to case): the
/// signature and credentials of AWS and Google Cloud signed URLs, Azure SAS signatures
/// (`sig`), OAuth tokens and secrets, API keys and passwords.
pub const QUERY_PARAMETERS: &[&str] = &[
    "X-Amz-Signature",
    "X-Amz-Credential",
    "X-Amz-Security-Token",
    "X-Goog-Signature",
    "X-Goog-Credential",
    "Signature",
    "sig",
    "token",
    "access_token",
    "refresh_token",
    "id_token",
    "client_secret",
    "secret",
    "api_key",
    "api-key",
    "apikey",
    "key",
    "password",
    "passwd",
    "pwd",
];

/// Scrubs secrets out of messages and caps their length.
#[derive(Clone)]
pub struct Redactor {
    /// The configured secrets, as given.
    secrets: Vec<String>,
    /// Every form of every configured secret to look for, longest first.
    needles: Vec<String>,
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

/// A secret that cannot be masked: it is empty or only whitespace. Masking it would blank
/// every message, and it usually means that the variable or file meant to hold the secret
/// was not set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EmptySecret;

impl std::fmt::Display for EmptySecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(
            "a secret to mask is empty or only whitespace: masking it would blank every \
             message; check that the variable or file that holds it is set",
        )
    }
}

impl std::error::Error for EmptySecret {}

/// The `Regex` of a pattern (a `&str` or a `String`), compiled the first time it is
/// asked for; `$what` names it in the message of the panic a broken pattern would cause.
macro_rules! compiled {
    ($what:literal, $pattern:expr) => {{
        static RE: OnceLock<Regex> = OnceLock::new();
        RE.get_or_init(|| Regex::new(&$pattern).expect(concat!("the ", $what, " pattern is valid")))
    }};
}

/// `scheme://user:password@`: the password is the second group. It runs to the last `@`
/// before whitespace, so a password with a raw `@`, `/` or `:` in it is masked whole (at
/// worst, more than the password is masked, never less).
fn url_password() -> &'static Regex {
    compiled!(
        "URL password",
        r"([A-Za-z][A-Za-z0-9+.\-]*://[^\s/?#@:]*:)(\S*)@"
    )
}

/// `scheme://user@`, no password: the user (a token, often) is the second group.
fn url_user() -> &'static Regex {
    compiled!("URL user", r"([A-Za-z][A-Za-z0-9+.\-]*://)([^\s/?#@:]+)@")
}

/// `password=value`: the key and `=` are the first group, the value the second.
fn key_value_password() -> &'static Regex {
    compiled!(
        "key/value password",
        concat!(
            r"(?i)((?:password|passwd|pwd)[ \t]*=[ \t]*)",
            r#"('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\\"(?:[^\\]|\\[^"])*?\\"|[^\s;&]+)"#,
        )
    )
}

/// `?name=value` or `&name=value` for the names in [`QUERY_PARAMETERS`].
fn query_parameter() -> &'static Regex {
    compiled!("query parameter", {
        let names: Vec<String> = QUERY_PARAMETERS.iter().map(|n| regex::escape(n)).collect();
        format!(r#"(?i)([?&](?:{})=)[^&#\s"'\\]+"#, names.join("|"))
    })
}

/// The names of JSON keys whose string values are credentials.
const JSON_KEYS: &str = r"[A-Za-z0-9_\-]*?(?:password|passwd|pwd|secret|token|api[_\-]?key)";

/// `"password": "value"`: up to the value's opening quote is the first group.
fn json_field() -> &'static Regex {
    compiled!(
        "JSON field",
        format!(r#"(?i)("{JSON_KEYS}"\s*:\s*")(?:[^"\\]|\\.)*""#)
    )
}

/// `\"password\": \"value\"`: a JSON field as `Debug` shows it.
fn json_field_escaped() -> &'static Regex {
    compiled!(
        "escaped JSON field",
        format!(r#"(?i)(\\"{JSON_KEYS}\\"\s*:\s*\\")(?:[^\\]|\\[^"])*?\\""#)
    )
}

/// `Bearer <credential>` / `Basic <credential>`: the scheme and the space are the first
/// group.
fn authorization_credential() -> &'static Regex {
    compiled!(
        "authorization credential",
        r"(?i)\b((?:bearer|basic)\s+)([A-Za-z0-9\-._~+/]{8,}=*)"
    )
}

impl Redactor {
    /// Masks credentials of known shapes (see the [module](self)) and caps messages at
    /// [`DEFAULT_MAX_LEN`] characters; no secret values yet.
    pub fn new() -> Self {
        Redactor {
            secrets: Vec::new(),
            needles: Vec::new(),
            max_len: DEFAULT_MAX_LEN,
        }
    }

    /// Adds a value that must never appear in a message (an API key, a password), in any
    /// of the forms the [module](self) lists.
    ///
    /// # Panics
    ///
    /// When `value` is empty or only whitespace ([`EmptySecret`]);
    /// [`Redactor::try_add_secret`] reports that as an error instead.
    #[track_caller]
    pub fn secret(mut self, value: impl Into<String>) -> Self {
        self.add_secret(value);
        self
    }

    /// Adds a secret value in place.
    ///
    /// # Panics
    ///
    /// When `value` is empty or only whitespace ([`EmptySecret`]);
    /// [`Redactor::try_add_secret`] reports that as an error instead.
    #[track_caller]
    pub fn add_secret(&mut self, value: impl Into<String>) {
        if let Err(empty) = self.try_add_secret(value) {
            panic!("{empty}");
        }
    }

    /// Adds a secret value in place, or refuses one that is empty or only whitespace.
    pub fn try_add_secret(&mut self, value: impl Into<String>) -> Result<(), EmptySecret> {
        let value = value.into();
        if value.trim().is_empty() {
            return Err(EmptySecret);
        }
        if !self.secrets.contains(&value) {
            self.needles.extend(forms(&value));
            // Longest first, so a secret that contains another is masked whole.
            self.needles
                .sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
            self.needles.dedup();
            self.secrets.push(value);
        }
        Ok(())
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

    /// `text` with secret values and credentials masked, then capped in length.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for needle in &self.needles {
            if out.contains(needle.as_str()) {
                out = out.replace(needle.as_str(), MASK);
            }
        }
        let out =
            url_password().replace_all(&out, |c: &regex::Captures<'_>| format!("{}{MASK}@", &c[1]));
        let out =
            url_user().replace_all(&out, |c: &regex::Captures<'_>| format!("{}{MASK}@", &c[1]));
        let out = key_value_password()
            .replace_all(&out, |c: &regex::Captures<'_>| format!("{}{MASK}", &c[1]));
        let out = query_parameter()
            .replace_all(&out, |c: &regex::Captures<'_>| format!("{}{MASK}", &c[1]));
        let out =
            json_field().replace_all(&out, |c: &regex::Captures<'_>| format!("{}{MASK}\"", &c[1]));
        let out = json_field_escaped().replace_all(&out, |c: &regex::Captures<'_>| {
            format!("{}{MASK}\\\"", &c[1])
        });
        let out = authorization_credential().replace_all(&out, |c: &regex::Captures<'_>| {
            // A credential has a digit or a symbol; a plain word ("Basic authentication")
            // is prose.
            if c[2].bytes().any(|b| !b.is_ascii_alphabetic()) {
                format!("{}{MASK}", &c[1])
            } else {
                c[0].to_owned()
            }
        });
        cap(out.into_owned(), self.max_len)
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

/// Every form of `secret` a message may show (see the module's rules), none empty.
fn forms(secret: &str) -> Vec<String> {
    let mut sources = vec![secret, secret.trim()];
    if secret.contains('\n') {
        sources.extend(
            secret
                .lines()
                .map(str::trim)
                .filter(|line| line.chars().count() >= MIN_LINE_LEN),
        );
    }
    let mut forms = Vec::new();
    for source in sources {
        let mut round = vec![source.to_owned()];
        // Escaped once, then twice (a `Debug` of a string that holds a `Debug`).
        for _ in 0..2 {
            let next: Vec<String> = round
                .iter()
                .flat_map(|form| [debug_escaped(form), json_escaped(form)])
                .collect();
            forms.append(&mut round);
            round = next;
        }
        forms.append(&mut round);
    }
    forms.retain(|form| !form.is_empty());
    forms
}

/// `text` as `{:?}` shows it, without the quotes.
fn debug_escaped(text: &str) -> String {
    let quoted = format!("{text:?}");
    quoted[1..quoted.len() - 1].to_owned()
}

/// `text` as a JSON string, without the quotes.
fn json_escaped(text: &str) -> String {
    let quoted = serde_json::to_string(text).expect("a string always serializes to JSON");
    quoted[1..quoted.len() - 1].to_owned()
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
mod tests;

//! The text of a failed assertion: a headline with the macro and its arguments' source,
//! labelled values, a line diff when the values are long, and the user's message.
//!
//! ```text
//! assert_equal!(user.name, "alice") failed
//!   actual:   "bob"
//!   expected: "alice"
//!   message:  after the rename
//! ```

use std::fmt;

use crate::{Context, SmokeError};

/// Where an assertion stands: its macro, its arguments' source text, its place.
///
/// The macros name one per call; it is only read when the assertion fails.
#[derive(Clone, Copy, Debug)]
pub struct Site {
    /// The macro's name, without the `!`.
    pub name: &'static str,
    /// The source text of its arguments, without the message.
    pub args: &'static str,
    /// `file!()` of the call.
    pub file: &'static str,
    /// `line!()` of the call.
    pub line: u32,
}

/// What a failed assertion found: labelled values and a line diff. The macro adds its
/// [`Site`] and the user's message when it turns this into the test's error.
#[derive(Debug, Default)]
pub struct Failure {
    fields: Vec<(&'static str, String)>,
    diff: Option<Vec<String>>,
    /// Set when the assertion could not be checked at all (a bad regex): the test errors.
    error: Option<String>,
}

impl Failure {
    /// A failure with nothing to show yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Not a failure but an error of the test: the assertion could not be checked.
    pub(crate) fn error(text: String) -> Self {
        Failure {
            error: Some(text),
            ..Self::default()
        }
    }

    /// Adds a labelled value; a multi-line value is indented under its first line.
    pub fn field(mut self, label: &'static str, value: impl fmt::Display) -> Self {
        self.fields.push((label, value.to_string()));
        self
    }

    /// Adds a line diff (lines as [`super::diff`] makes them).
    pub(crate) fn diff(mut self, lines: Vec<String>) -> Self {
        self.diff = Some(lines);
        self
    }

    /// The message's text: the headline, the fields, the diff, the user's message.
    pub fn render(&self, site: &Site, message: Option<&str>) -> String {
        let mut out = format!("{}!({}) failed", site.name, one_line(site.args));
        let mut fields: Vec<(&str, &str)> =
            self.fields.iter().map(|(l, v)| (*l, v.as_str())).collect();
        let width = fields
            .iter()
            .map(|(l, _)| l.len())
            .chain(message.map(|_| "message".len()))
            .max()
            .unwrap_or(0)
            + 1;
        let diff_at = fields.len();
        if let Some(message) = message {
            fields.push(("message", message));
        }
        for (i, (label, value)) in fields.iter().enumerate() {
            if i == diff_at {
                self.push_diff(&mut out);
            }
            push_field(&mut out, label, value, width);
        }
        if diff_at == fields.len() {
            self.push_diff(&mut out);
        }
        out
    }

    fn push_diff(&self, out: &mut String) {
        if let Some(lines) = &self.diff {
            out.push_str("\n  diff (- expected, + actual):");
            for line in lines {
                out.push_str("\n    ");
                out.push_str(line);
            }
        }
    }

    /// The error the test ends with, located at the call: a failure of the assertion at
    /// `site`, with the user's message (formatted only now, on failure).
    #[cold]
    pub fn into_error(self, site: &Site, message: Option<fmt::Arguments<'_>>) -> SmokeError {
        let error = match &self.error {
            Some(text) => SmokeError::error(format!("{}!({}): {text}", site.name, site.args)),
            None => {
                let message = message.map(|m| m.to_string());
                SmokeError::failure(self.render(site, message.as_deref()))
            }
        };
        error.at(site.file, site.line)
    }

    /// What an `expect_*` macro does with a failure: records it with the running test,
    /// which then fails at its end with every recorded failure. Outside a smoke test there
    /// is no test to record it with, so it panics with the message rather than be lost.
    #[cold]
    #[track_caller]
    pub fn record(self, site: &Site, message: Option<fmt::Arguments<'_>>) {
        let failure = self.into_error(site, message);
        match Context::current() {
            Some(ctx) => ctx.record_failure(failure),
            None => panic!("{failure}"),
        }
    }
}

/// Source text on one line: `stringify!` breaks long expressions over several.
fn one_line(source: &str) -> String {
    source
        .split('\n')
        .map(str::trim)
        .filter(|piece| !piece.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn push_field(out: &mut String, label: &str, value: &str, width: usize) {
    let head = format!("{label}:");
    out.push_str(&format!("\n  {head:<width$} "));
    let indent = " ".repeat(2 + width + 1);
    for (i, line) in value.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            if !line.is_empty() {
                out.push_str(&indent);
            }
        }
        out.push_str(line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SITE: Site = Site {
        name: "assert_equal",
        args: "user.name, \"alice\"",
        file: "src/x.rs",
        line: 7,
    };

    #[test]
    fn fields_are_aligned_and_the_message_comes_last() {
        let f = Failure::new()
            .field("actual", "\"bob\"")
            .field("expected", "\"alice\"");
        assert_eq!(
            f.render(&SITE, Some("after the rename")),
            "assert_equal!(user.name, \"alice\") failed\n  \
             actual:   \"bob\"\n  \
             expected: \"alice\"\n  \
             message:  after the rename"
        );
    }

    #[test]
    fn multi_line_values_are_indented_and_the_diff_precedes_the_message() {
        let f = Failure::new()
            .field("actual", "Point {\n    x: 1,\n}")
            .diff(vec!["- a".into(), "+ b".into()]);
        assert_eq!(
            f.render(&SITE, Some("m")),
            "assert_equal!(user.name, \"alice\") failed\n  \
             actual:  Point {\n               x: 1,\n           }\n  \
             diff (- expected, + actual):\n    - a\n    + b\n  \
             message: m"
        );
    }

    #[test]
    fn the_error_is_a_failure_at_the_site() {
        let e = Failure::new().field("actual", 1).into_error(&SITE, None);
        assert_eq!(e.kind(), crate::ErrorKind::Failure);
        assert_eq!(e.location().unwrap().to_string(), "src/x.rs:7");
        assert_eq!(
            e.to_string(),
            "assert_equal!(user.name, \"alice\") failed\n  actual: 1\n  at src/x.rs:7"
        );
    }
}

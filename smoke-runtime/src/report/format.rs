//! [`Format`]: the one list of document formats, with each one's name, media types and
//! renderer.

use std::fmt;

use super::damping::Verdict;
use super::history::History;
use super::{health, html, json, junit, text, RenderOptions};
use crate::Report;

/// A document format a report is rendered in: its name (`?format=`, `--format`), its
/// media types and `Content-Type`, and its renderer. Every front end uses this one type:
/// the endpoint negotiates among them, the command line and `cargo smoke` write them.
///
/// ```
/// use smoke_runtime::report::{Format, RenderOptions};
/// use smoke_runtime::Report;
///
/// let report = Report { started_at: "2026-11-29T00:00:00.000Z".into(), time_ms: 1.0, test_classes: 0, tests: vec![] };
/// let format = Format::from_name("json").unwrap();
/// assert_eq!(format.content_type(), "application/json");
/// assert!(format.render(&report, &RenderOptions::default()).contains("\"status\": \"PASS\""));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// `text/plain`: the django-smoketest text (the default).
    Text,
    /// `application/json`: the django-smoketest-compatible JSON.
    Json,
    /// `application/health+json`: the IETF health check response format.
    Health,
    /// `text/html`: a self-contained page.
    Html,
    /// `application/xml` (or `text/xml`): JUnit XML.
    Junit,
}

impl Format {
    /// Every format, in the server's order of preference.
    pub const ALL: [Format; 5] = [
        Format::Text,
        Format::Json,
        Format::Health,
        Format::Html,
        Format::Junit,
    ];

    /// The name `?format=` takes: `text`, `json`, `health`, `html` or `junit`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Health => "health",
            Format::Html => "html",
            Format::Junit => "junit",
        }
    }

    /// The format `?format=` names, if any.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The media types an `Accept` header may ask this format by; the first is the one
    /// responses carry.
    pub fn media_types(self) -> &'static [&'static str] {
        match self {
            Format::Text => &["text/plain"],
            Format::Json => &["application/json"],
            Format::Health => &["application/health+json"],
            Format::Html => &["text/html"],
            Format::Junit => &["application/xml", "text/xml"],
        }
    }

    /// The report in this format.
    pub fn render(self, report: &Report, options: &RenderOptions) -> String {
        match self {
            Format::Text => text::render(report, options),
            Format::Json => json::render(report, options),
            Format::Health => health::render(report, options),
            Format::Html => html::render(report, options),
            Format::Junit => junit::render(report, options),
        }
    }

    /// The report in this format as the endpoint serves it: its own status the reported
    /// one of `verdict` (after flap damping; see [`Verdict`]), with the raw one beside it
    /// where the format has room (JSON `raw_status`, a text line and an HTML box when they
    /// differ; health+json statuses and checks), and with details each test's recent runs,
    /// reported status and flaky mark from `history` where the format shows them (JSON,
    /// HTML, health+json, JUnit properties, text notes).
    pub fn render_with_history(
        self,
        report: &Report,
        options: &RenderOptions,
        history: &History,
        verdict: Verdict,
    ) -> String {
        match self {
            Format::Text => text::render_with_history(report, options, history, verdict),
            Format::Json => json::render_with_history(report, options, history, verdict),
            Format::Health => health::render_with_history(report, options, history, verdict),
            Format::Html => html::render_with_history(report, options, history, verdict),
            Format::Junit => junit::render_with_history(report, options, history),
        }
    }

    /// The `Content-Type` of a response in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Text => "text/plain; charset=utf-8",
            Format::Json => "application/json",
            Format::Health => "application/health+json",
            Format::Html => "text/html; charset=utf-8",
            Format::Junit => "application/xml; charset=utf-8",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

//! [`Provenance`]: where an answer's result came from and how old it is, stamped onto
//! every format the endpoint serves.
//!
//! | format | what it carries |
//! |---|---|
//! | text | a line `source: cache, ended 2026-11-29T12:00:00.000Z, 12.5 s ago` after `time:` |
//! | JSON | top-level `source`, `age_seconds` and `ended_at` (django-smoketest's keys untouched) |
//! | health+json | the same keys, and a `notes` entry saying it in words |
//! | HTML | a line `<div id="source">` at the bottom of the header's time and start |
//! | JUnit | `<property>` `smoke.source`, `smoke.age_seconds`, `smoke.ended_at` in each suite |
//!
//! The endpoint's answers carry it in headers too: `Age` and `X-Smoke-Source`. The
//! Prometheus metrics need no age: `time() - smoke_last_run_timestamp_seconds` is it.
//!
//! ```
//! use std::time::Duration;
//! use smoke_runtime::report::provenance::{Provenance, Source};
//! use smoke_runtime::report::Format;
//!
//! let p = Provenance { source: Source::Cache, ended_at: 1767323045.25, age: Duration::from_millis(2500) };
//! let text = p.stamp(Format::Text, "PASS\ntime: 1.000000ms\n".into());
//! assert_eq!(text, "PASS\ntime: 1.000000ms\nsource: cache, ended 2026-01-02T03:04:05.250Z, 2.5 s ago\n");
//! let json = p.stamp(Format::Json, "{\n  \"status\": \"PASS\"\n}\n".into());
//! let value: serde_json::Value = serde_json::from_str(&json).unwrap();
//! assert_eq!(value["source"], "cache");
//! assert_eq!(value["age_seconds"], 2.5);
//! ```

use std::fmt;
use std::time::Duration;

use super::history::rfc3339;
use super::Format;

/// Where a served result came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Source {
    /// A run this request started or joined: `run`.
    Run,
    /// An earlier run's result, served again: `cache`.
    Cache,
    /// A run of the background schedule (in flight when asked, or its latest result):
    /// `schedule`.
    Schedule,
}

impl Source {
    /// `run`, `cache` or `schedule`: what `X-Smoke-Source` and the `source` keys say.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Run => "run",
            Source::Cache => "cache",
            Source::Schedule => "schedule",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a result came from and how old it is when served.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Provenance {
    /// Who ran it, from the answer's point of view.
    pub source: Source,
    /// When its run ended, Unix seconds.
    pub ended_at: f64,
    /// How old it is when served.
    pub age: Duration,
}

impl Provenance {
    /// The age in seconds, to the millisecond.
    pub fn age_seconds(&self) -> f64 {
        (self.age.as_secs_f64() * 1000.0).round() / 1000.0
    }

    /// When its run ended, RFC 3339 in UTC.
    pub fn ended_rfc3339(&self) -> String {
        rfc3339(self.ended_at)
    }

    /// The provenance in words: `cache, ended 2026-…Z, 2.5 s ago`.
    fn words(&self) -> String {
        format!(
            "{}, ended {}, {} s ago",
            self.source,
            self.ended_rfc3339(),
            self.age_seconds()
        )
    }

    /// `body`, a document in `format`, with this provenance added (see the [module
    /// documentation](self)); a body not shaped as the renderer writes it is returned
    /// as it is.
    pub fn stamp(&self, format: Format, body: String) -> String {
        match format {
            Format::Text => self.stamp_text(body),
            Format::Json => self.stamp_json(body, false),
            Format::Health => self.stamp_json(body, true),
            Format::Html => self.stamp_html(body),
            Format::Junit => self.stamp_junit(body),
        }
    }

    fn stamp_text(&self, mut body: String) -> String {
        let line = format!("source: {}\n", self.words());
        // After the header's `time:` line, before any detail.
        let at = if body.starts_with("time: ") {
            Some(0)
        } else {
            body.find("\ntime: ").map(|i| i + 1)
        };
        match at.and_then(|at| body[at..].find('\n').map(|end| at + end + 1)) {
            Some(end) => body.insert_str(end, &line),
            None => {
                if !body.is_empty() && !body.ends_with('\n') {
                    body.push('\n');
                }
                body.push_str(&line);
            }
        }
        body
    }

    fn stamp_json(&self, mut body: String, notes: bool) -> String {
        let Some(close) = body.rfind("\n}") else {
            return body;
        };
        let string = |s: &str| serde_json::to_string(s).unwrap_or_default();
        let mut keys = format!(
            ",\n  \"source\": {},\n  \"age_seconds\": {},\n  \"ended_at\": {}",
            string(self.source.as_str()),
            self.age_seconds(),
            string(&self.ended_rfc3339()),
        );
        if notes {
            keys.push_str(&format!(
                ",\n  \"notes\": [\n    {}\n  ]",
                string(&format!("result from {}", self.words()))
            ));
        }
        body.insert_str(close, &keys);
        body
    }

    fn stamp_html(&self, mut body: String) -> String {
        let Some(at) = body.find("</header>") else {
            return body;
        };
        let line = format!(
            "<div id=\"source\" data-source=\"{}\" data-age-seconds=\"{}\">source: {}</div>",
            self.source,
            self.age_seconds(),
            self.words()
        );
        // The last line of the header's meta block (time, start) when it ends the header,
        // else a block of its own.
        if body[..at].ends_with("</div>") {
            body.insert_str(at - "</div>".len(), &line);
        } else {
            body.insert_str(at, &format!("<div class=\"meta\">{line}</div>"));
        }
        body
    }

    fn stamp_junit(&self, body: String) -> String {
        let properties = format!(
            "\n    <properties>\n      <property name=\"smoke.source\" value=\"{}\"/>\n      \
             <property name=\"smoke.age_seconds\" value=\"{}\"/>\n      \
             <property name=\"smoke.ended_at\" value=\"{}\"/>\n    </properties>",
            self.source,
            self.age_seconds(),
            self.ended_rfc3339()
        );
        // As the first child of every suite: attribute values hold no raw `>`.
        let mut out = String::with_capacity(body.len() + properties.len() * 4);
        let mut rest = body.as_str();
        while let Some(start) = rest.find("<testsuite ") {
            let Some(end) = rest[start..].find('>').map(|e| start + e) else {
                break;
            };
            out.push_str(&rest[..=end]);
            if !rest[..end].ends_with('/') {
                out.push_str(&properties);
            }
            rest = &rest[end + 1..];
        }
        out.push_str(rest);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::text::tests::sample;
    use crate::report::RenderOptions;

    fn cached() -> Provenance {
        Provenance {
            source: Source::Cache,
            ended_at: 1767323045.25,
            age: Duration::from_millis(3200),
        }
    }

    #[test]
    fn every_format_still_parses_and_says_where_from() {
        let report = sample();
        let options = RenderOptions::default();
        for format in Format::ALL {
            let body = cached().stamp(format, format.render(&report, &options));
            assert!(body.contains("cache"), "{format}: {body}");
            match format {
                Format::Json | Format::Health => {
                    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
                    assert_eq!(v["source"], "cache");
                    assert_eq!(v["age_seconds"], 3.2);
                    assert_eq!(v["ended_at"], "2026-01-02T03:04:05.250Z");
                    assert!(v["status"].is_string());
                }
                Format::Junit => {
                    let suites = body.matches("<testsuite ").count();
                    assert!(suites > 0);
                    assert_eq!(
                        body.matches("<property name=\"smoke.source\" value=\"cache\"/>")
                            .count(),
                        suites
                    );
                    let mut reader = quick_xml::Reader::from_str(&body);
                    loop {
                        match reader.read_event().unwrap() {
                            quick_xml::events::Event::Eof => break,
                            _ => continue,
                        }
                    }
                }
                Format::Text => {
                    let lines: Vec<&str> = body.lines().collect();
                    let time = lines.iter().position(|l| l.starts_with("time: ")).unwrap();
                    assert!(lines[time + 1].starts_with("source: cache, ended "));
                }
                Format::Html => {
                    let header = body.find("</header>").unwrap();
                    assert!(body[..header].contains("id=\"source\""));
                }
            }
        }
    }
}

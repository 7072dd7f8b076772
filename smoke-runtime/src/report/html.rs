//! The report as a self-contained HTML page: no scripts, fonts, images or style sheets
//! from elsewhere, so it renders the same behind any firewall.
//!
//! At the top a banner with the overall status (`PASS` in green, `FAIL` in red), the
//! counts and the time; below it, with details, a table of the tests (problems first) with
//! their outcome, duration, tags and message. Given the coordinator's history
//! ([`render_with_history`]), a `trend` column shows each test's recent runs as a strip
//! of small coloured cells, newest on the right, each with a tooltip (outcome, duration,
//! when, the message's first line), and under it "failing since …" or "passing since …"
//! with the number of runs in a row. The endpoint's banner shows the reported status
//! after flap damping; when that differs from this run's, a box beside it says so
//! (`id="raw-status"`).
//!
//! ```
//! use smoke_runtime::report::{html, RenderOptions};
//! use smoke_runtime::Report;
//!
//! let report = Report { started_at: "2026-01-02T03:04:05.000Z".into(), time_ms: 0.0,
//!     test_classes: 0, tests: vec![] };
//! let page = html::render(&report, &RenderOptions::default());
//! assert!(page.starts_with("<!DOCTYPE html>"));
//! assert!(page.contains(r#"id="status">PASS<"#));
//! ```

use std::fmt::Write;

use crate::report::damping::{Reported, Verdict};
use crate::report::history::{rfc3339, History, TestHistory};
use crate::report::RenderOptions;
use crate::{Outcome, Report};

/// The media type of this format.
pub const CONTENT_TYPE: &str = "text/html; charset=utf-8";

/// `text` with `&`, `<`, `>`, `"` and `'` escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1f2328; background: #f6f8fa; }
header { padding: 20px 28px; color: #fff; display: flex; align-items: center; gap: 28px; flex-wrap: wrap; }
header.pass { background: #1a7f37; }
header.fail { background: #cf222e; }
#status { font-size: 44px; font-weight: 800; letter-spacing: 2px; }
.counts { display: flex; gap: 18px; flex-wrap: wrap; font-size: 16px; }
.counts b { font-size: 22px; display: block; }
.raw { font-size: 13px; line-height: 1.35; padding: 4px 10px; border-radius: 6px; background: rgba(0,0,0,.18); }
.meta { margin-left: auto; font-size: 13px; opacity: .9; text-align: right; }
main { padding: 20px 28px; }
table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid #d0d7de; }
th, td { text-align: left; padding: 8px 10px; border-bottom: 1px solid #d0d7de; vertical-align: top; }
th { background: #eaeef2; font-size: 13px; text-transform: uppercase; letter-spacing: .5px; }
.table { overflow-x: auto; }
td.name { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13px; overflow-wrap: anywhere; min-width: 16ch; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 700; color: #fff; white-space: nowrap; }
.passed { background: #1a7f37; } .failed, .errored { background: #cf222e; }
.timed-out { background: #bc4c00; } .skipped { background: #6e7781; }
.tag { display: inline-block; padding: 0 6px; margin: 1px; border: 1px solid #d0d7de; border-radius: 6px; font-size: 12px; background: #f6f8fa; }
pre { margin: 0; white-space: pre-wrap; word-break: break-word; font: 12px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; min-width: 22ch; }
tr.problem td { background: #fff5f5; }
p.note { color: #57606a; }
.strip { display: grid; grid-auto-flow: column; grid-auto-columns: minmax(3px, 8px); gap: 1px; justify-content: start; }
.cell { display: block; height: 18px; border-radius: 2px; }
.since { font-size: 12px; color: #57606a; margin-top: 3px; }
.since .when { white-space: nowrap; }
.since.failing { color: #cf222e; font-weight: 600; }
.reported { font-size: 12px; margin-top: 3px; white-space: nowrap; }
.reported.failing { color: #cf222e; font-weight: 600; } .reported.pending { color: #6e7781; }
.badge.flaky { background: #8250df; margin-left: 4px; }
"#;

fn class_of(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Passed => "passed",
        Outcome::Failed => "failed",
        Outcome::Errored => "errored",
        Outcome::TimedOut => "timed-out",
        Outcome::Skipped => "skipped",
    }
}

/// The trend cell of one test: its runs as coloured cells, oldest first, and its streak.
fn trend(page: &mut String, history: &TestHistory) {
    page.push_str("<div class=\"strip\">");
    for run in &history.runs {
        let mut title = format!(
            "{} · {:.1} ms · {}",
            run.outcome.as_str(),
            run.duration_ms,
            rfc3339(run.at)
        );
        if let Some(message) = &run.message {
            title.push_str(" · ");
            title.push_str(message);
        }
        let _ = write!(
            page,
            "<span class=\"cell {}\" title=\"{}\"></span>",
            class_of(run.outcome),
            escape(&title)
        );
    }
    page.push_str("</div>");
    let streak = match (history.failing_since, history.passing_since) {
        (Some(since), _) => Some(("failing", since, history.consecutive_failures)),
        (None, Some(since)) => Some(("passing", since, history.consecutive_passes)),
        (None, None) => None,
    };
    if let Some((word, since, runs)) = streak {
        let _ = write!(
            page,
            "<div class=\"since {word}\">{word} since <span class=\"when\">\
             <time datetime=\"{at}\">{at}</time> ({runs} run{plural})</span></div>",
            at = rfc3339(since),
            plural = if runs == 1 { "" } else { "s" }
        );
    }
    damped(page, history);
}

/// The reported status under the trend (noted "damped" when it differs from the latest
/// outcome), and the flaky badge.
fn damped(page: &mut String, history: &TestHistory) {
    let status = history.reported.as_str();
    let raw_failing = history.runs.back().is_some_and(|r| r.outcome.is_problem());
    let differs = match history.reported {
        Reported::Passing => raw_failing,
        Reported::Failing => !raw_failing,
        Reported::Pending => raw_failing,
    };
    let _ = write!(
        page,
        "<div class=\"reported {status}\">reported {status}{}",
        if differs { " (damped)" } else { "" }
    );
    if history.flaky {
        page.push_str("<span class=\"badge flaky\" title=\"its recent runs flip between passing and failing\">flaky</span>");
    }
    page.push_str("</div>");
}

/// The page of `report`. Without details it shows the status, counts and time only.
pub fn render(report: &Report, options: &RenderOptions) -> String {
    render_with_history(report, options, &History::default(), Verdict::raw(report))
}

/// Like [`render`], with a trend column from `history` when it has runs of the report's
/// tests (with details only), and the banner in the reported status of `verdict` (after
/// flap damping), with this run's own status under it when damping changed it.
pub fn render_with_history(
    report: &Report,
    options: &RenderOptions,
    history: &History,
    verdict: Verdict,
) -> String {
    let c = report.counts();
    let status = verdict.status();
    let mut page = String::with_capacity(4096 + report.tests.len() * 400);
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{status} · smoke tests</title><style>{STYLE}</style></head>\n<body>\n\
         <header class=\"{class}\"><div id=\"status\">{status}</div>\n",
        class = if verdict.passes { "pass" } else { "fail" },
    );
    if verdict.damped() {
        let _ = writeln!(
            page,
            "<div id=\"raw-status\" class=\"raw\">this run: <b>{}</b><br>reported {status} \
             after flap damping</div>",
            verdict.raw_status()
        );
    }
    page.push_str("<div class=\"counts\">");
    for (label, n, id) in [
        ("run", c.run, "count-run"),
        ("passed", c.passed, "count-passed"),
        ("failed", c.failed, "count-failed"),
        ("errored", c.errored, "count-errored"),
        ("skipped", c.skipped, "count-skipped"),
    ] {
        let _ = write!(page, "<div><b id=\"{id}\">{n}</b>{label}</div>");
    }
    let _ = write!(
        page,
        "</div>\n<div class=\"meta\">time: <span id=\"time\">{:.0} ms</span><br>started {}<br>\
         {} test class(es)</div></header>\n<main>\n",
        report.time_ms,
        escape(&report.started_at),
        report.test_classes
    );
    if options.details {
        let trends = report.tests.iter().any(|t| history.get(&t.name).is_some());
        let _ = writeln!(
            page,
            "<div class=\"table\"><table id=\"tests\"><thead><tr><th>test</th><th>outcome</th>{}<th>duration</th>\
             <th>tags</th><th>message</th></tr></thead><tbody>",
            if trends { "<th>trend</th>" } else { "" }
        );
        let mut tests: Vec<_> = report.tests.iter().collect();
        // Problems first, then by name, so what matters is at the top.
        tests.sort_by_key(|t| (!t.outcome.is_problem(), &*t.name));
        for t in tests {
            let _ = write!(
                page,
                "<tr class=\"test{problem}\" data-outcome=\"{class}\"><td class=\"name\">{name}</td>\
                 <td><span class=\"badge {class}\">{outcome}</span></td>",
                problem = if t.outcome.is_problem() { " problem" } else { "" },
                class = class_of(t.outcome),
                // Long paths may wrap after `::`, never inside a name.
                name = escape(&t.name).replace("::", "::<wbr>"),
                outcome = t.outcome.as_str(),
            );
            if trends {
                page.push_str("<td class=\"trend\">");
                if let Some(h) = history.get(&t.name) {
                    trend(&mut page, h);
                }
                page.push_str("</td>");
            }
            let _ = write!(
                page,
                "<td class=\"num\">{duration:.1} ms</td><td>",
                duration = t.duration_ms,
            );
            for tag in t.tags.iter() {
                let _ = write!(page, "<span class=\"tag\">{}</span>", escape(tag));
            }
            page.push_str("</td><td>");
            if let Some(message) = &t.message {
                let _ = write!(page, "<pre>{}", escape(message));
                if let Some(at) = &t.location {
                    let _ = write!(page, "\n  at {}", escape(&at.to_string()));
                }
                page.push_str("</pre>");
            }
            page.push_str("</td></tr>\n");
        }
        page.push_str("</tbody></table></div>\n");
        if report.tests.is_empty() {
            page.push_str("<p class=\"note\">No test was selected.</p>\n");
        }
    } else {
        page.push_str(
            "<p class=\"note\">Test names and messages are not shown to this caller.</p>\n",
        );
    }
    page.push_str("</main>\n</body></html>\n");
    page
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TestReport;

    #[test]
    fn markup_in_names_and_messages_is_escaped() {
        let report = Report {
            started_at: "t".into(),
            time_ms: 1.0,
            test_classes: 1,
            tests: vec![TestReport {
                name: "m::<b>".into(),
                class: "m".into(),
                file: "f.rs".into(),
                line: 1,
                tags: vec!["x\"y".into()].into(),
                outcome: Outcome::Failed,
                duration_ms: 1.0,
                message: Some("<script>alert(1)</script>".into()),
                location: None,
            }],
        };
        let page = render(&report, &RenderOptions::default());
        assert!(!page.contains("<script>"), "{page}");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(page.contains("m::<wbr>&lt;b&gt;"));
        assert!(page.contains("x&quot;y"));
        assert!(page.contains(r#"id="status">FAIL<"#));
        assert!(!page.contains("http://") && !page.contains("https://"));
    }
}

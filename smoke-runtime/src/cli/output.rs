//! What the command line prints besides the report: the list, the per-test progress, and
//! libtest's closing line.

use std::io::Write;

use serde::Serialize;

use super::Format;
use crate::report::text::Paint;
use crate::{Outcome, Report, TestDescriptor, TestReport};

/// libtest's `N tests` / `1 test`.
fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// One listed test in `--list --format json`.
#[derive(Serialize)]
struct Listed<'a> {
    name: String,
    class: String,
    file: &'a str,
    line: u32,
    tags: &'a [&'a str],
    skip: Option<&'a str>,
    /// Its own timeout (`timeout = "..."`), in milliseconds; `null`: the run's default.
    timeout_ms: Option<u128>,
    serial: bool,
    /// The full names of its prerequisites (`requires(...)`), in the order it names them.
    requires: Vec<String>,
}

/// `--list`: libtest's `name: test` lines (then `N tests, 0 benchmarks` unless terse),
/// or a JSON array with `--format json`.
pub(super) fn list(tests: &[&TestDescriptor], format: Format, out: &mut dyn Write) {
    if format == Format::Json {
        let listed: Vec<Listed<'_>> = tests
            .iter()
            .map(|t| Listed {
                name: t.full_name(),
                class: t.class_name(),
                file: t.file,
                line: t.line,
                tags: t.tags,
                skip: t.skip,
                timeout_ms: t.timeout.map(|timeout| timeout.as_millis()),
                serial: t.serial,
                requires: t.prerequisites().map(TestDescriptor::full_name).collect(),
            })
            .collect();
        let json = serde_json::to_string_pretty(&listed).expect("a list always serializes");
        let _ = writeln!(out, "{json}");
        return;
    }
    for test in tests {
        let _ = writeln!(out, "{}: test", test.full_name());
    }
    if format != Format::Terse {
        let _ = writeln!(out, "\n{}, 0 benchmarks", plural(tests.len(), "test"));
    }
}

/// How progress is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Style {
    /// `test a::b ... ok`, a line per test.
    Pretty,
    /// `.`, `F` or `i` per test.
    Terse,
    /// Nothing.
    Silent,
}

/// Writes the progress of a run as each test finishes.
pub(super) struct Progress<'w> {
    out: &'w mut dyn Write,
    style: Style,
    paint: Paint,
    report_time: bool,
    total: usize,
    done: usize,
    column: usize,
}

/// Where libtest's terse output wraps.
const TERSE_WIDTH: usize = 88;

impl<'w> Progress<'w> {
    pub(super) fn new(
        out: &'w mut dyn Write,
        style: Style,
        color: bool,
        report_time: bool,
        total: usize,
    ) -> Self {
        Progress {
            out,
            style,
            paint: Paint { on: color },
            report_time,
            total,
            done: 0,
            column: 0,
        }
    }

    /// A line of its own (such as the shuffle seed).
    pub(super) fn note(&mut self, line: &str) {
        if self.style != Style::Silent {
            let _ = writeln!(self.out, "{line}");
        }
    }

    /// `running N tests`, as libtest opens.
    pub(super) fn start(&mut self) {
        if self.style != Style::Silent {
            let _ = writeln!(self.out, "\nrunning {}", plural(self.total, "test"));
            let _ = self.out.flush();
        }
    }

    /// One finished test.
    pub(super) fn test(&mut self, test: &TestReport) {
        self.done += 1;
        match self.style {
            Style::Silent => return,
            Style::Pretty => {
                let word = match test.outcome {
                    Outcome::Passed => self.paint.paint(Paint::GREEN, "ok"),
                    Outcome::Skipped => {
                        let ignored = self.paint.paint(Paint::YELLOW, "ignored");
                        match test.message.as_deref().and_then(|m| m.lines().next()) {
                            Some(reason) => format!("{ignored}, {reason}"),
                            None => ignored,
                        }
                    }
                    Outcome::Failed | Outcome::Errored | Outcome::TimedOut => {
                        self.paint.paint(Paint::RED, "FAILED")
                    }
                };
                let time = if self.report_time && test.outcome != Outcome::Skipped {
                    format!(" <{:.3}s>", test.duration_ms / 1000.0)
                } else {
                    String::new()
                };
                let _ = writeln!(self.out, "test {} ... {word}{time}", test.name);
            }
            Style::Terse => {
                let mark = match test.outcome {
                    Outcome::Passed => self.paint.paint(Paint::GREEN, "."),
                    Outcome::Skipped => self.paint.paint(Paint::YELLOW, "i"),
                    _ => self.paint.paint(Paint::RED, "F"),
                };
                let _ = write!(self.out, "{mark}");
                self.column += 1;
                if self.column == TERSE_WIDTH {
                    let _ = writeln!(self.out, " {}/{}", self.done, self.total);
                    self.column = 0;
                }
            }
        }
        let _ = self.out.flush();
    }

    /// Ends the terse line.
    pub(super) fn finish(&mut self) {
        if self.style == Style::Terse && self.column > 0 {
            let _ = writeln!(self.out);
        }
        let _ = self.out.flush();
    }
}

/// libtest's closing line, which CI tooling reads:
/// `test result: ok. 3 passed; 0 failed; 1 ignored; 0 measured; 2 filtered out; finished in 0.05s`.
/// Errored and timed-out tests count as failed, skipped ones as ignored.
pub(super) fn closing_line(report: &Report, filtered_out: usize, color: bool) -> String {
    let paint = Paint { on: color };
    let counts = report.counts();
    let status = if report.passed() {
        paint.paint(Paint::GREEN, "ok")
    } else {
        paint.paint(Paint::RED, "FAILED")
    };
    format!(
        "test result: {status}. {} passed; {} failed; {} ignored; 0 measured; {filtered_out} filtered out; finished in {:.2}s",
        counts.passed,
        counts.failed + counts.errored,
        counts.skipped,
        report.time_ms / 1000.0
    )
}

/// Puts `tests` in the order of `seed` (a xorshift Fisher-Yates shuffle: the same seed,
/// the same order).
pub(super) fn shuffle<T>(tests: &mut [T], seed: u64) {
    let mut state = seed | 1;
    for i in (1..tests.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let j = (state % (i as u64 + 1)) as usize;
        tests.swap(i, j);
    }
}

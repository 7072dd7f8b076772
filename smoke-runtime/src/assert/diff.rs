//! Line diffs of long values, for failure messages.

use similar::{ChangeTag, TextDiff};

/// Up to this many lines on both sides together, a diff shows every line; beyond, only
/// the changed lines with [`CONTEXT`] lines around them.
const WHOLE: usize = 40;

/// Unchanged lines kept around each change in a long diff.
const CONTEXT: usize = 3;

/// The line diff from `expected` to `actual`: each line prefixed with `- ` (only in
/// `expected`), `+ ` (only in `actual`) or two spaces (in both). Long diffs keep only the
/// changes and their context, with `...` between the groups.
///
/// A changed last line without a final newline, where the other side has one, says
/// `(no newline at end)`, so a diff never shows two identical lines.
pub(crate) fn line_diff(expected: &str, actual: &str) -> Vec<String> {
    let diff = TextDiff::from_lines(expected, actual);
    let groups = if expected.lines().count() + actual.lines().count() <= WHOLE {
        vec![diff.ops().to_vec()]
    } else {
        diff.grouped_ops(CONTEXT)
    };
    let mut lines = Vec::new();
    for (i, group) in groups.iter().enumerate() {
        if i > 0 {
            lines.push("...".to_owned());
        }
        for op in group {
            for change in diff.iter_changes(op) {
                let (sign, other) = match change.tag() {
                    ChangeTag::Delete => ("- ", actual),
                    ChangeTag::Insert => ("+ ", expected),
                    ChangeTag::Equal => ("  ", ""),
                };
                let value = change.value();
                let text = value.strip_suffix('\n').unwrap_or(value);
                let mut line = format!("{sign}{text}");
                if change.tag() != ChangeTag::Equal
                    && !value.ends_with('\n')
                    && other.ends_with('\n')
                {
                    line.push_str(" (no newline at end)");
                }
                lines.push(line.trim_end().to_owned());
            }
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_diff_shows_every_line() {
        assert_eq!(
            line_diff("a\nb\nc", "a\nB\nc"),
            vec!["  a", "- b", "+ B", "  c"]
        );
    }

    #[test]
    fn a_long_diff_keeps_changes_and_context() {
        let expected: String = (0..60).map(|i| format!("line {i}\n")).collect();
        let actual = expected
            .replace("line 10\n", "line ten\n")
            .replace("line 50\n", "line fifty\n");
        let lines = line_diff(&expected, &actual);
        assert_eq!(
            lines,
            vec![
                "  line 7",
                "  line 8",
                "  line 9",
                "- line 10",
                "+ line ten",
                "  line 11",
                "  line 12",
                "  line 13",
                "...",
                "  line 47",
                "  line 48",
                "  line 49",
                "- line 50",
                "+ line fifty",
                "  line 51",
                "  line 52",
                "  line 53",
            ]
        );
    }

    #[test]
    fn a_missing_final_newline_is_named() {
        assert_eq!(
            line_diff("a\nb\n", "a\nb"),
            vec!["  a", "- b", "+ b (no newline at end)"]
        );
    }
}

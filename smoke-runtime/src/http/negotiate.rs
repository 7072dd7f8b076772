//! Content negotiation: which [`Format`] answers a request, from `?format=` or the
//! `Accept` header (with q-values, wildcards and specificity).

pub use crate::report::Format;

/// One media range of an `Accept` header.
#[derive(Clone, Debug, PartialEq)]
struct Range {
    kind: String,
    subtype: String,
    /// The weight, in thousandths (0..=1000).
    q: u16,
}

impl Range {
    /// How specifically this range matches `media` (`type/subtype`): 3 exact, 2 `type/*`,
    /// 1 `*/*`, `None` no match.
    fn matches(&self, media: &str) -> Option<u8> {
        let (kind, subtype) = media.split_once('/')?;
        if self.kind == "*" {
            Some(1)
        } else if !self.kind.eq_ignore_ascii_case(kind) {
            None
        } else if self.subtype == "*" {
            Some(2)
        } else if self.subtype.eq_ignore_ascii_case(subtype) {
            Some(3)
        } else {
            None
        }
    }
}

fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

fn is_token(s: &str) -> bool {
    !s.is_empty() && s.chars().all(is_tchar)
}

/// Parses a qvalue (`0`, `0.5`, `1.000`) into thousandths.
fn parse_q(value: &str) -> Option<u16> {
    let (whole, frac) = match value.split_once('.') {
        Some((w, f)) => (w, f),
        None => (value, ""),
    };
    if frac.len() > 3 || !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut thousandths: u16 = 0;
    for (i, c) in frac.chars().enumerate() {
        thousandths += (c as u16 - '0' as u16) * [100, 10, 1][i];
    }
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

/// Parses an `Accept` header value into its media ranges, in order.
fn parse_accept(header: &str) -> Result<Vec<Range>, String> {
    let mut ranges = Vec::new();
    for element in header.split(',') {
        let element = element.trim();
        if element.is_empty() {
            continue;
        }
        let mut parts = split_params(element)?.into_iter();
        let media = parts.next().unwrap_or_default();
        let (kind, subtype) = media
            .split_once('/')
            .ok_or_else(|| format!("`{media}` is not a media range (type/subtype)"))?;
        let (kind, subtype) = (kind.trim(), subtype.trim());
        if !is_token(kind) || !is_token(subtype) || (kind == "*" && subtype != "*") {
            return Err(format!("`{media}` is not a media range (type/subtype)"));
        }
        let mut q = 1000;
        for param in parts {
            let (name, value) = param
                .split_once('=')
                .ok_or_else(|| format!("parameter `{param}` has no value"))?;
            let (name, value) = (name.trim(), value.trim());
            if !is_token(name) {
                return Err(format!("`{name}` is not a parameter name"));
            }
            if name.eq_ignore_ascii_case("q") {
                q = parse_q(value).ok_or_else(|| {
                    format!("q={value} is not a weight between 0 and 1 with at most 3 decimals")
                })?;
            }
        }
        ranges.push(Range {
            kind: kind.to_owned(),
            subtype: subtype.to_owned(),
            q,
        });
    }
    Ok(ranges)
}

/// Splits `media;p=1;q="x;y"` at the semicolons that are not inside quotes.
fn split_params(element: &str) -> Result<Vec<String>, String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut escaped = false;
    for c in element.chars() {
        if escaped {
            current.push(c);
            escaped = false;
        } else if quoted && c == '\\' {
            current.push(c);
            escaped = true;
        } else if c == '"' {
            current.push(c);
            quoted = !quoted;
        } else if c == ';' && !quoted {
            parts.push(std::mem::take(&mut current).trim().to_owned());
        } else {
            current.push(c);
        }
    }
    if quoted {
        return Err("a quoted parameter value is not closed".to_owned());
    }
    parts.push(current.trim().to_owned());
    Ok(parts)
}

/// How well a format matches: weight, specificity, earliness in the header.
type Score = (u16, u8, std::cmp::Reverse<usize>);

/// Why no format answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NegotiationError {
    /// The header does not parse (400).
    Malformed(String),
    /// It parses, but no format is acceptable (406).
    NotAcceptable,
}

/// The format that best satisfies `accept` (the header's values, joined): the highest
/// weight wins, then the most specific match, then the earliest range in the header, then
/// the server's order ([`Format::ALL`]). No header, or an empty one, gets [`Format::Text`].
///
/// ```
/// use smoke_runtime::http::{negotiate, Format};
///
/// assert_eq!(negotiate(None), Ok(Format::Text));
/// assert_eq!(negotiate(Some("application/health+json")), Ok(Format::Health));
/// assert_eq!(
///     negotiate(Some("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")),
///     Ok(Format::Html)
/// );
/// assert_eq!(negotiate(Some("text/plain;q=0.1, application/json")), Ok(Format::Json));
/// assert!(negotiate(Some("image/png")).is_err());
/// ```
pub fn negotiate(accept: Option<&str>) -> Result<Format, NegotiationError> {
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return Ok(Format::Text);
    };
    if let Some(format) = exactly_one(accept) {
        return Ok(format);
    }
    by_ranges(accept)
}

/// [`negotiate`] for a header with content: its ranges parsed, each format weighed.
fn by_ranges(accept: &str) -> Result<Format, NegotiationError> {
    let ranges = parse_accept(accept).map_err(NegotiationError::Malformed)?;
    if ranges.is_empty() {
        return Ok(Format::Text);
    }
    let mut best: Option<(Score, Format)> = None;
    for format in Format::ALL {
        // The format's weight comes from the most specific range matching one of its types.
        let mut mine: Option<(u8, usize, u16)> = None;
        for media in format.media_types() {
            for (position, range) in ranges.iter().enumerate() {
                if let Some(specificity) = range.matches(media) {
                    let better = match mine {
                        None => true,
                        Some((s, p, q)) => {
                            (specificity, range.q, std::cmp::Reverse(position))
                                > (s, q, std::cmp::Reverse(p))
                        }
                    };
                    if better {
                        mine = Some((specificity, position, range.q));
                    }
                }
            }
        }
        let Some((specificity, position, q)) = mine else {
            continue;
        };
        if q == 0 {
            continue;
        }
        let score = (q, specificity, std::cmp::Reverse(position));
        if best.as_ref().is_none_or(|(b, _)| score > *b) {
            best = Some((score, format));
        }
    }
    best.map(|(_, f)| f).ok_or(NegotiationError::NotAcceptable)
}

/// The format of an `Accept` header that is one of the formats' media types and nothing
/// else (what most clients send): what the ranges would choose, without parsing them.
fn exactly_one(accept: &str) -> Option<Format> {
    let accept = accept.trim();
    Format::ALL.into_iter().find(|format| {
        format
            .media_types()
            .iter()
            .any(|media| media.eq_ignore_ascii_case(accept))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lone_media_type_is_chosen_as_its_ranges_would_choose_it() {
        for format in Format::ALL {
            for media in format.media_types() {
                for accept in [
                    media.to_string(),
                    media.to_uppercase(),
                    format!(" {media} "),
                ] {
                    assert_eq!(exactly_one(&accept), Some(format), "{accept}");
                    assert_eq!(by_ranges(&accept), Ok(format), "{accept}");
                }
            }
        }
        assert_eq!(exactly_one("application/json, text/html"), None);
        assert_eq!(exactly_one("application/json;q=0"), None);
    }

    #[test]
    fn weights_specificity_and_order() {
        assert_eq!(negotiate(Some("*/*")), Ok(Format::Text));
        assert_eq!(negotiate(Some("application/*")), Ok(Format::Json));
        assert_eq!(negotiate(Some("text/html, */*")), Ok(Format::Html));
        assert_eq!(
            negotiate(Some("application/json, text/plain")),
            Ok(Format::Json)
        );
        assert_eq!(negotiate(Some("text/xml")), Ok(Format::Junit));
        assert_eq!(negotiate(Some("TEXT/HTML")), Ok(Format::Html));
        assert_eq!(
            negotiate(Some("text/plain;charset=utf-8")),
            Ok(Format::Text)
        );
        // An exact q=0 excludes a format even when a wildcard would take it.
        assert_eq!(
            negotiate(Some("text/plain;q=0, */*;q=0.1")),
            Ok(Format::Json)
        );
        assert_eq!(negotiate(Some(" , ")), Ok(Format::Text));
        assert_eq!(
            negotiate(Some("application/json;q=0.5;foo=\"a;b\", text/html;q=0.6")),
            Ok(Format::Html)
        );
    }

    #[test]
    fn nothing_acceptable_and_malformed() {
        assert_eq!(
            negotiate(Some("image/png")),
            Err(NegotiationError::NotAcceptable)
        );
        assert_eq!(
            negotiate(Some("*/*;q=0")),
            Err(NegotiationError::NotAcceptable)
        );
        for bad in [
            "text",
            "*/html",
            "text/html;q=2",
            "text/html;q=0.1234",
            "a/b;q",
            "a/b;x=\"open",
        ] {
            assert!(
                matches!(negotiate(Some(bad)), Err(NegotiationError::Malformed(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn q_values() {
        assert_eq!(parse_q("1"), Some(1000));
        assert_eq!(parse_q("1.000"), Some(1000));
        assert_eq!(parse_q("0.25"), Some(250));
        assert_eq!(parse_q("0."), Some(0));
        assert_eq!(parse_q("1.5"), None);
        assert_eq!(parse_q("-0"), None);
        assert_eq!(parse_q(""), None);
    }
}

//! The query string of a smoke request: `tag=`, `test=` (both repeatable), `format=` and
//! `fresh=`,
//! decoded strictly so that a malformed query is a clear 400 and never a guess.

use super::Format;

/// The most parameters a query may have.
pub const MAX_PARAMS: usize = 64;

/// A parsed query.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    /// `?tag=`: take tests that have any of these tags.
    pub tags: Vec<String>,
    /// `?test=`: take the tests of these full names.
    pub tests: Vec<String>,
    /// `?format=`: overrides the `Accept` header.
    pub format: Option<Format>,
    /// `?fresh=1` (or `true`): a run that starts no earlier than the request, for callers
    /// with the token; `0` / `false` is the default.
    pub fresh: bool,
}

/// Decodes one `application/x-www-form-urlencoded` component: `+` is a space, `%XX` a
/// byte, and the bytes must be UTF-8.
fn decode(component: &str) -> Result<String, String> {
    let bytes = component.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3).and_then(|h| {
                    std::str::from_utf8(h)
                        .ok()
                        .and_then(|h| u8::from_str_radix(h, 16).ok())
                        .filter(|_| h.iter().all(u8::is_ascii_hexdigit))
                });
                match hex {
                    Some(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    None => {
                        return Err(format!(
                            "`{}` has a `%` that is not followed by two hex digits",
                            shorten(component)
                        ))
                    }
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| format!("`{}` does not decode to UTF-8", shorten(component)))
}

/// `s` cut short (to 80 characters) for an error message.
pub(super) fn shorten(s: &str) -> String {
    if s.chars().count() <= 80 {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(80).collect::<String>())
    }
}

/// Parses a query string (without the `?`). `allowed` names the parameters this route
/// takes; any other is an error.
///
/// ```
/// use smoke_runtime::http::{parse_query, Format};
///
/// let q = parse_query("tag=db&tag=readiness&format=json", &["tag", "test", "format"]).unwrap();
/// assert_eq!(q.tags, ["db", "readiness"]);
/// assert_eq!(q.format, Some(Format::Json));
/// assert!(parse_query("tag=%zz", &["tag"]).is_err());
/// assert!(parse_query("colour=red", &["tag"]).is_err());
/// ```
pub fn parse_query(raw: &str, allowed: &[&str]) -> Result<Query, String> {
    let mut query = Query::default();
    let mut count = 0;
    for pair in raw.split('&') {
        if pair.is_empty() {
            continue;
        }
        count += 1;
        if count > MAX_PARAMS {
            return Err(format!("the query has more than {MAX_PARAMS} parameters"));
        }
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = decode(key)?;
        let value = decode(value)?;
        if !allowed.contains(&key.as_str()) {
            return Err(format!(
                "unknown query parameter `{}`; this route takes: {}",
                shorten(&key),
                if allowed.is_empty() {
                    "none".to_owned()
                } else {
                    allowed.join(", ")
                }
            ));
        }
        if value.trim().is_empty() {
            return Err(format!("`{key}` needs a value, as in `?{key}=...`"));
        }
        match key.as_str() {
            "tag" => query.tags.push(value),
            "test" => query.tests.push(value),
            "format" => {
                if query.format.is_some() {
                    return Err("`format` is given more than once".to_owned());
                }
                let format = Format::from_name(&value).ok_or_else(|| {
                    format!(
                        "unknown format `{}`; formats: {}",
                        shorten(&value),
                        Format::ALL.map(Format::name).join(", ")
                    )
                })?;
                query.format = Some(format);
            }
            "fresh" => {
                query.fresh = match value.as_str() {
                    "1" | "true" => true,
                    "0" | "false" => false,
                    _ => {
                        return Err(format!(
                            "`fresh` is 1, true, 0 or false, not `{}`",
                            shorten(&value)
                        ))
                    }
                };
            }
            _ => unreachable!("allowed names are tag, test, format and fresh"),
        }
    }
    Ok(query)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: &[&str] = &["tag", "test", "format", "fresh"];

    #[test]
    fn decodes_plus_and_percent() {
        let q = parse_query("test=a%3A%3Ab&tag=with+space&&", ALL).unwrap();
        assert_eq!(q.tests, ["a::b"]);
        assert_eq!(q.tags, ["with space"]);
        assert_eq!(parse_query("", ALL).unwrap(), Query::default());
        assert!(parse_query("fresh=1", ALL).unwrap().fresh);
        assert!(!parse_query("fresh=false", ALL).unwrap().fresh);
    }

    #[test]
    fn rejects_what_it_cannot_read() {
        for bad in [
            "tag=%",
            "tag=%4",
            "tag=%g1",
            "tag=%ff",
            "tag=",
            "tag",
            "format=pdf",
            "format=json&format=text",
            "x=1",
            "tag=%2",
            "fresh=yes",
        ] {
            assert!(parse_query(bad, ALL).is_err(), "{bad}");
        }
        assert!(parse_query("tag=a", &["format"]).is_err());
        let many = vec!["tag=a"; MAX_PARAMS + 1].join("&");
        assert!(parse_query(&many, ALL).is_err());
    }
}

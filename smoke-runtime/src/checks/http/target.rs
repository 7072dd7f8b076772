//! Where an HTTP check's URL points: scheme, host, port, path, and the credentials of its
//! user info (sent as `Authorization: Basic`).

use http::Uri;

use crate::{SmokeError, SmokeResult};

/// The user and password of a URL's userinfo, percent-decoded.
pub(super) struct Credentials {
    user: String,
    password: String,
}

impl Credentials {
    /// `user[:password]` of a URL, or why it cannot be read.
    fn parse(userinfo: &str) -> Result<Credentials, String> {
        let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
        Ok(Credentials {
            user: percent_decode(user).ok_or("its user name is not valid percent-encoded UTF-8")?,
            password: percent_decode(password)
                .ok_or("its password is not valid percent-encoded UTF-8")?,
        })
    }

    /// The `Authorization` header's value: `Basic base64(user:password)`.
    pub(super) fn basic(&self) -> String {
        format!(
            "Basic {}",
            base64(format!("{}:{}", self.user, self.password).as_bytes())
        )
    }
}

/// `%XX` escapes decoded; `None` for a bad escape or bytes that are not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Standard base64 with padding (RFC 4648).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> shift) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Where a URL points.
pub(super) struct Target {
    pub(super) tls: bool,
    pub(super) host: String,
    pub(super) port: u16,
    pub(super) path: String,
    pub(super) credentials: Option<Credentials>,
}

impl Target {
    /// The parts of `url`; an error calls it `shown`.
    pub(super) fn parse(url: &str, shown: &str) -> SmokeResult<Target> {
        let invalid = |why: &str| {
            SmokeError::error(format!(
                "{shown:?} is not a URL the HTTP check can use: {why}; write it as \
                 http://host[:port]/path or https://..."
            ))
        };
        let uri: Uri = url.parse().map_err(|e| invalid(&format!("{e}")))?;
        let tls = match uri.scheme_str() {
            Some("http") => false,
            Some("https") => true,
            Some(other) => return Err(invalid(&format!("the scheme {other} is not http(s)"))),
            None => return Err(invalid("it has no scheme")),
        };
        let credentials = match uri.authority().and_then(|a| a.as_str().rsplit_once('@')) {
            Some((userinfo, _)) => Some(Credentials::parse(userinfo).map_err(|why| invalid(&why))?),
            None => None,
        };
        let host = uri.host().ok_or_else(|| invalid("it has no host"))?;
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let port = uri.port_u16().unwrap_or(if tls { 443 } else { 80 });
        let path = uri
            .path_and_query()
            .map_or("/".to_owned(), |p| p.as_str().to_owned());
        let path = if path.is_empty() {
            "/".to_owned()
        } else {
            path
        };
        Ok(Target {
            tls,
            host,
            port,
            path,
            credentials,
        })
    }

    pub(super) fn host_header(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        let default = if self.tls { 443 } else { 80 };
        if self.port == default {
            host
        } else {
            format!("{host}:{}", self.port)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::redact::Redactor;

    /// `url`'s parts, as `fetch` reads them (errors show it with its password masked).
    fn parse(url: &str) -> SmokeResult<Target> {
        Target::parse(url, &Redactor::new().redact(url))
    }

    #[test]
    fn urls_are_split_into_what_the_request_needs() {
        let t = parse("http://example.com:8080/a/b?c=d").unwrap();
        assert_eq!(
            (t.tls, t.host.as_str(), t.port, t.path.as_str()),
            (false, "example.com", 8080, "/a/b?c=d")
        );
        assert_eq!(t.host_header(), "example.com:8080");
        let t = parse("https://[::1]").unwrap();
        assert_eq!(
            (t.tls, t.host.as_str(), t.port, t.path.as_str()),
            (true, "::1", 443, "/")
        );
        assert_eq!(t.host_header(), "[::1]");
        assert!(parse("ftp://x/").is_err());
        assert!(parse("localhost:80").is_err());
        assert!(t.credentials.is_none());
    }

    #[test]
    fn userinfo_becomes_basic_credentials() {
        let t = parse("https://deploy%40ci:p%3Ass%20w@api.internal:8443/x").unwrap();
        assert_eq!((t.host.as_str(), t.port), ("api.internal", 8443));
        let c = t.credentials.unwrap();
        assert_eq!(
            (c.user.as_str(), c.password.as_str()),
            ("deploy@ci", "p:ss w")
        );
        // RFC 7617's example.
        let c = Credentials::parse("Aladdin:open%20sesame").unwrap();
        assert_eq!(c.basic(), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        let err = parse("http://u:%zzsecret@h/").err().unwrap();
        assert!(!err.message().contains("secret"), "{}", err.message());
        assert!(err.message().contains("u:***@h"), "{}", err.message());
    }
}

//! The bearer-token check of [`Details::WhenAuthorized`](super::Details::WhenAuthorized).
//!
//! The configured token is trimmed of surrounding whitespace (a token mounted from a file
//! usually ends in a newline) and kept as its SHA-256 digest. A presented token is hashed
//! too and the two digests are compared in constant time, so the time the check takes
//! depends neither on where the tokens first differ nor on the configured token's length.

use http::header::AUTHORIZATION;
use http::HeaderMap;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// A configured bearer token, kept only as its digest.
///
/// ```
/// use http::{HeaderMap, HeaderValue};
/// use smoke_runtime::http::token::{Access, BearerToken};
///
/// // As read from a mounted secret file, final newline included.
/// let token = BearerToken::new("s3cret-token\n").unwrap();
/// let mut headers = HeaderMap::new();
/// assert_eq!(token.check(&headers), Access::Anonymous);
/// headers.insert("authorization", HeaderValue::from_static("Bearer s3cret-token"));
/// assert_eq!(token.check(&headers), Access::Granted);
/// headers.insert("authorization", HeaderValue::from_static("Bearer s3cret"));
/// assert_eq!(token.check(&headers), Access::Refused);
/// assert!(BearerToken::new(" \n").is_none());
/// ```
#[derive(Clone)]
pub struct BearerToken {
    digest: [u8; 32],
}

impl std::fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BearerToken(***)")
    }
}

/// What a request's `Authorization` header makes of the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// No `Authorization` header: the caller gets the summary.
    Anonymous,
    /// `Authorization: Bearer <the token>`.
    Granted,
    /// Any other `Authorization`: a wrong token, another scheme, a malformed or repeated
    /// header.
    Refused,
}

impl BearerToken {
    /// The configured token, trimmed of surrounding whitespace; `None` when nothing is
    /// left of it, or when it has a character an `Authorization` header cannot carry as
    /// text (anything but visible ASCII: a space, a non-ASCII letter), since no request
    /// could then ever present it.
    pub fn new(configured: &str) -> Option<Self> {
        let token = configured.trim();
        let presentable = token.bytes().all(|b| b.is_ascii_graphic());
        (!token.is_empty() && presentable).then(|| BearerToken {
            digest: digest(token),
        })
    }

    /// Whether `given` is the token, exactly (callers trim it).
    pub fn matches(&self, given: &str) -> bool {
        digest(given).ct_eq(&self.digest).into()
    }

    /// The caller's access from the request's headers: one `Authorization` header,
    /// `Bearer` in any case, then the token, trimmed.
    pub fn check(&self, headers: &HeaderMap) -> Access {
        let mut values = headers.get_all(AUTHORIZATION).iter();
        let Some(value) = values.next() else {
            return Access::Anonymous;
        };
        let given = value
            .to_str()
            .ok()
            .filter(|_| values.next().is_none())
            .and_then(|v| {
                let (scheme, rest) = v.trim().split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
            });
        match given {
            Some(given) if self.matches(given) => Access::Granted,
            _ => Access::Refused,
        }
    }
}

fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(
                AUTHORIZATION,
                HeaderValue::from_str(value).expect("a valid header value"),
            );
        }
        headers
    }

    #[test]
    fn a_configured_token_with_a_trailing_newline_matches() {
        let token = BearerToken::new("s3cret-token\n").expect("a token");
        assert!(token.matches("s3cret-token"));
        assert_eq!(
            token.check(&headers(&["Bearer s3cret-token"])),
            Access::Granted
        );
        let token = BearerToken::new("  s3cret-token\r\n").expect("a token");
        assert_eq!(
            token.check(&headers(&["bearer  s3cret-token "])),
            Access::Granted
        );
    }

    #[test]
    fn a_wrong_token_of_the_same_or_another_length_is_refused() {
        let token = BearerToken::new("s3cret-token").expect("a token");
        for wrong in [
            "s3cret-tokeN",
            "x3cret-token",
            "s3cret-toke",
            "s3cret-token2",
            "",
        ] {
            assert!(!token.matches(wrong), "{wrong:?}");
        }
        for wrong in [
            "Bearer s3cret-tokeN",
            "Bearer s3cret",
            "Bearer s3cret-token-and-more",
            "Bearer",
            "Bearer ",
            "Basic s3cret-token",
            "s3cret-token",
        ] {
            assert_eq!(token.check(&headers(&[wrong])), Access::Refused, "{wrong}");
        }
    }

    #[test]
    fn a_repeated_header_is_refused_and_none_is_anonymous() {
        let token = BearerToken::new("s3cret-token").expect("a token");
        assert_eq!(
            token.check(&headers(&["Bearer s3cret-token", "Bearer s3cret-token"])),
            Access::Refused
        );
        assert_eq!(token.check(&HeaderMap::new()), Access::Anonymous);
    }

    #[test]
    fn an_empty_token_is_refused() {
        for empty in ["", " ", "\n", " \t\r\n"] {
            assert!(BearerToken::new(empty).is_none(), "{empty:?}");
        }
    }

    /// Found by the `token` fuzz target: a token with a non-ASCII letter could be
    /// configured, but no header can present it as text, so no caller could ever match.
    #[test]
    fn a_token_no_header_can_carry_is_refused() {
        for token in ["s3b\u{190}", "pass word", "tab\tinside", "caf\u{e9}"] {
            assert!(BearerToken::new(token).is_none(), "{token:?}");
        }
        assert!(BearerToken::new("A-z0.9_~+/=").is_some());
    }

    /// The status of `GET /metrics` (which checks the token and runs nothing) with these
    /// `Authorization` headers.
    fn metrics_status(smoke: &crate::http::Smoke, authorization: &[&str]) -> http::StatusCode {
        let mut request = http::Request::get("/metrics");
        for value in authorization {
            request = request.header(AUTHORIZATION, *value);
        }
        let request = request.body(()).expect("a valid request");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(smoke.handle(request)).status()
    }

    #[test]
    fn the_endpoint_trims_the_configured_token() {
        let smoke = crate::http::Smoke::builder()
            .details(crate::http::Details::WhenAuthorized(
                "s3cret-token\n".into(),
            ))
            .build();
        assert_eq!(
            metrics_status(&smoke, &["Bearer s3cret-token"]),
            http::StatusCode::OK
        );
        assert_eq!(metrics_status(&smoke, &[]), http::StatusCode::OK);
        for wrong in [
            "Bearer s3cret-tokeN",
            "Bearer s3cret",
            "Bearer s3cret-token\t2",
        ] {
            assert_eq!(
                metrics_status(&smoke, &[wrong]),
                http::StatusCode::UNAUTHORIZED,
                "{wrong}"
            );
        }
    }

    #[test]
    #[should_panic(expected = "Details::WhenAuthorized needs a non-empty token")]
    fn the_endpoint_refuses_a_token_that_is_empty_once_trimmed() {
        let _ = crate::http::Smoke::builder()
            .details(crate::http::Details::WhenAuthorized(" \n".into()))
            .build();
    }

    #[test]
    fn the_token_is_not_shown() {
        let token = BearerToken::new("s3cret-token").expect("a token");
        assert_eq!(format!("{token:?}"), "BearerToken(***)");
    }
}

//! The webhook receiver of [status changes](super::notify): a JSON POST through the
//! HTTP check's client ([`HttpCheck`]: `http://`, and `https://` with the `tls` feature,
//! verified against the system's roots and any given), with a per-try timeout and retries
//! with exponential backoff.

use std::fmt;
use std::time::Duration;

use http::Uri;

use crate::checks::HttpCheck;

/// The most of a receiver's answer read (its status is what counts).
const MAX_ANSWER: usize = 64 * 1024;

/// A receiver of JSON POSTs, for [`SmokeBuilder::webhook`](crate::http::SmokeBuilder).
///
/// ```
/// use std::time::Duration;
/// use smoke_runtime::coordinator::notify::Webhook;
///
/// let hook = Webhook::new("https://hooks.example.com/services/T000/B000/XXXX")
///     .header("Authorization", "Bearer hook-token")
///     .timeout(Duration::from_secs(3))
///     .tries(5);
/// // Neither the path nor the headers are shown: they may hold tokens.
/// assert!(!format!("{hook:?}").contains("XXXX"));
/// ```
#[derive(Clone)]
pub struct Webhook {
    /// The URL, headers, timeout and roots; POSTed a change at a time.
    client: HttpCheck,
    /// What logs call it: its origin, never its path.
    shown: String,
    headers: usize,
    tries: u32,
    backoff: Duration,
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL's path and the headers may hold tokens.
        f.debug_struct("Webhook")
            .field("url", &self.shown)
            .field("headers", &self.headers)
            .field("tries", &self.tries)
            .finish_non_exhaustive()
    }
}

impl Webhook {
    /// A webhook at `url` (`http://host[:port]/path`, or `https://` with the `tls`
    /// feature): 3 tries, 5 s each, backoff 0.5 s.
    pub fn new(url: impl Into<String>) -> Self {
        let url = url.into();
        let shown = origin(&url);
        Webhook {
            client: HttpCheck::new(url)
                .header("Content-Type", "application/json")
                .timeout(Duration::from_secs(5))
                .max_body(MAX_ANSWER)
                .shown_as(shown.clone()),
            shown,
            headers: 0,
            tries: 3,
            backoff: Duration::from_millis(500),
        }
    }

    /// Sends this header too, e.g. `Authorization`.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.client = self.client.header(name, value);
        self.headers += 1;
        self
    }

    /// How long one try may take, connecting and the TLS handshake included (default
    /// 5 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.client = self.client.timeout(timeout);
        self
    }

    /// How many times a change is sent before it is given up (default 3, at least 1).
    pub fn tries(mut self, tries: u32) -> Self {
        self.tries = tries.max(1);
        self
    }

    /// The wait after the first failed try, doubled after each (default 0.5 s).
    pub fn backoff(mut self, backoff: Duration) -> Self {
        self.backoff = backoff;
        self
    }

    /// Trusts the CA certificates in `pem` (a private CA's) for an `https://` receiver,
    /// besides the system's roots.
    #[cfg(feature = "tls")]
    pub fn root_certificate_pem(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.client = self.client.root_certificate_pem(pem);
        self
    }

    /// Why this webhook cannot be sent to: its URL is not `http(s)://host[:port]/...`,
    /// or it is `https://` without the `tls` feature.
    pub fn check(&self) -> Result<(), String> {
        self.client.validate()
    }

    /// Sends `body` once; `Ok` on a 2xx answer.
    async fn post(&self, body: &str) -> Result<(), String> {
        self.client
            .clone()
            .post(body)
            .run()
            .await
            .map(drop)
            .map_err(|e| e.message().to_owned())
    }

    /// Sends `body`, trying again after a failure until the tries run out; a change
    /// given up is logged (with the receiver's origin only: its path may hold a token).
    pub(super) async fn deliver(&self, body: &str) {
        let mut wait = self.backoff;
        for attempt in 1..=self.tries {
            let Err(why) = self.post(body).await else {
                return;
            };
            if attempt == self.tries {
                eprintln!(
                    "smoke: webhook {} gave up after {attempt} tries: {why}",
                    self.shown
                );
                return;
            }
            tokio::time::sleep(wait).await;
            wait = wait.saturating_mul(2);
        }
    }
}

impl From<&str> for Webhook {
    fn from(url: &str) -> Self {
        Webhook::new(url)
    }
}

impl From<String> for Webhook {
    fn from(url: String) -> Self {
        Webhook::new(url)
    }
}

/// `scheme://host[:port]/…` of `url`: what messages and logs call a webhook (its user
/// info, path and query left out, as they may hold tokens).
fn origin(url: &str) -> String {
    let uri: Option<Uri> = url.parse().ok();
    match uri
        .as_ref()
        .and_then(|u| Some((u.scheme_str()?, u.host()?, u.port_u16())))
    {
        Some((scheme, host, Some(port))) => format!("{scheme}://{host}:{port}/…"),
        Some((scheme, host, None)) => format!("{scheme}://{host}/…"),
        None => "a webhook URL that does not parse".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_origin_is_shown() {
        assert_eq!(
            origin("https://user:pw@hooks.example.com/T0/B0/secret?x=y"),
            "https://hooks.example.com/…"
        );
        assert_eq!(origin("http://127.0.0.1:9/hook"), "http://127.0.0.1:9/…");
        let bad = Webhook::new("ftp://example.com/secret-path")
            .check()
            .unwrap_err();
        assert!(bad.contains("ftp://example.com/…"), "{bad}");
        assert!(!bad.contains("secret-path"), "{bad}");
        assert!(Webhook::new("no scheme").check().is_err());
    }
}

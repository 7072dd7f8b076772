//! The webhook receiver of [status changes](super::notify): a JSON POST over plain
//! HTTP/1.1 (`Connection: close`), with a per-try timeout and retries with exponential
//! backoff.

use std::fmt;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A receiver of JSON POSTs, for [`SmokeBuilder::webhook`](crate::http::SmokeBuilder).
#[derive(Clone)]
pub struct Webhook {
    url: String,
    headers: Vec<(String, String)>,
    timeout: Duration,
    tries: u32,
    backoff: Duration,
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL's path and the headers may hold tokens.
        f.debug_struct("Webhook")
            .field("host", &target(&self.url).map(|t| t.authority).ok())
            .field("headers", &self.headers.len())
            .finish()
    }
}

impl Webhook {
    /// A webhook at `url` (`http://host[:port]/path`): 3 tries, 5 s each, backoff 0.5 s.
    pub fn new(url: impl Into<String>) -> Self {
        Webhook {
            url: url.into(),
            headers: Vec::new(),
            timeout: Duration::from_secs(5),
            tries: 3,
            backoff: Duration::from_millis(500),
        }
    }

    /// Sends this header too, e.g. `Authorization`.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// How long one try may take, connecting included (default 5 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
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

    /// Why this webhook cannot be sent to (its URL is not `http://host[:port]/...`).
    pub fn check(&self) -> Result<(), String> {
        target(&self.url).map(|_| ())
    }

    /// Sends `body` once; `Ok` on a 2xx answer.
    async fn post(&self, body: &str) -> Result<(), String> {
        let target = target(&self.url)?;
        let exchange = async {
            let mut stream = TcpStream::connect(&target.authority)
                .await
                .map_err(|e| format!("cannot connect: {e}"))?;
            let mut request = format!(
                "POST {} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
                 Content-Length: {}\r\nConnection: close\r\nUser-Agent: smoke-notify\r\n",
                target.path,
                target.authority,
                body.len()
            );
            // A header that would break the request's framing is not sent.
            let framed = |text: &str| !text.contains(['\r', '\n']);
            for (name, value) in self.headers.iter().filter(|(n, v)| framed(n) && framed(v)) {
                request.push_str(&format!("{name}: {value}\r\n"));
            }
            request.push_str("\r\n");
            request.push_str(body);
            stream
                .write_all(request.as_bytes())
                .await
                .map_err(|e| format!("cannot send: {e}"))?;
            let mut head = [0u8; 64];
            let mut read = 0;
            while read < 12 {
                let n = stream
                    .read(&mut head[read..])
                    .await
                    .map_err(|e| format!("no answer: {e}"))?;
                if n == 0 {
                    return Err("the connection closed without an answer".to_owned());
                }
                read += n;
            }
            let line = String::from_utf8_lossy(&head[..read]);
            let code = line.split(' ').nth(1).unwrap_or("");
            if code.starts_with('2') {
                Ok(())
            } else {
                Err(format!("answered {code}"))
            }
        };
        match tokio::time::timeout(self.timeout, exchange).await {
            Ok(answer) => answer,
            Err(_) => Err(format!(
                "no answer within {}",
                humantime::format_duration(self.timeout)
            )),
        }
    }

    /// Sends `body`, trying again after a failure until the tries run out; a change
    /// given up is logged (with the receiver's host only: its path may hold a token).
    pub(super) async fn deliver(&self, body: &str) {
        let mut wait = self.backoff;
        for attempt in 1..=self.tries {
            let Err(why) = self.post(body).await else {
                return;
            };
            if attempt == self.tries {
                let host = target(&self.url).map(|t| t.authority).unwrap_or_default();
                eprintln!("smoke: webhook {host} gave up after {attempt} tries: {why}");
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

struct Target {
    authority: String,
    path: String,
}

fn target(url: &str) -> Result<Target, String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| "only http:// webhooks are supported".to_owned())?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let authority = if authority.contains(':') {
        authority.to_owned()
    } else {
        format!("{authority}:80")
    };
    Ok(Target {
        authority,
        path: path.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_urls_are_targets() {
        let t = target("http://127.0.0.1:9/hook?a=b").unwrap();
        assert_eq!(t.authority, "127.0.0.1:9");
        assert_eq!(t.path, "/hook?a=b");
        assert!(target("https://example.com/").is_err());
    }
}

//! An HTTP(S) URL answers with the expected status.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use http::header::{HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, HOST, LOCATION, USER_AGENT};
use http::{HeaderMap, Request, StatusCode, Uri};
use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use super::human_duration;
use crate::report::redact::Redactor;
use crate::{SmokeError, SmokeResult};

/// The largest body [`HttpCheck::fetch`] reads.
const DEFAULT_MAX_BODY: usize = 16 * 1024 * 1024;

/// A GET request to a URL, with the answer expected of it.
///
/// `http://` always works; `https://` needs the `tls` feature and verifies the server's
/// certificate against the system's root certificates (plus any given with
/// `root_certificate_pem`). Redirects are not followed: a 3xx is an answer like any other.
///
/// ```no_run
/// # async fn f() -> smoke_runtime::SmokeResult {
/// use std::time::Duration;
/// use smoke_runtime::checks::HttpCheck;
///
/// let answer = HttpCheck::new("http://search.internal:9200/_cluster/health")
///     .header("Authorization", "Basic c21va2U6dGVzdA==")
///     .timeout(Duration::from_secs(3))
///     .expect_status(200)
///     .run()
///     .await?;
/// assert!(answer.text().contains("green"));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct HttpCheck {
    url: String,
    headers: Vec<(String, String)>,
    timeout: Duration,
    expected: Option<u16>,
    max_body: usize,
    connect_to: Option<SocketAddr>,
    #[cfg(feature = "tls")]
    roots: super::tls::ExtraRoots,
}

impl fmt::Debug for HttpCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header values may be credentials: only their names are shown.
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("HttpCheck")
            .field("url", &self.shown_url())
            .field("headers", &names)
            .field("timeout", &self.timeout)
            .field("expected", &self.expected)
            .field("connect_to", &self.connect_to)
            .finish_non_exhaustive()
    }
}

/// What a server answered.
#[derive(Clone, Debug)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body (at most the check's body limit).
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A response header's value, when present and printable.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl HttpCheck {
    /// A check of `url` that expects any 2xx status within 10 seconds.
    pub fn new(url: impl Into<String>) -> Self {
        HttpCheck {
            url: url.into(),
            headers: Vec::new(),
            timeout: Duration::from_secs(10),
            expected: None,
            max_body: DEFAULT_MAX_BODY,
            connect_to: None,
            #[cfg(feature = "tls")]
            roots: Default::default(),
        }
    }

    /// Adds a request header (`Authorization`, `Accept`, ...). Values are never shown in
    /// messages.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The time allowed for connecting, the TLS handshake and the whole answer (default
    /// 10 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The exact status [`run`](Self::run) expects (default: any 2xx).
    pub fn expect_status(mut self, status: u16) -> Self {
        self.expected = Some(status);
        self
    }

    /// The largest body read (default 16 MiB); a longer one is an error.
    pub fn max_body(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// Connects to `address` instead of resolving the URL's host, keeping the URL's host
    /// for everything else: the `Host` header, the TLS server name and the certificate's
    /// check (as curl's `--connect-to`). For asking one replica of a service whose name
    /// resolves to several.
    ///
    /// ```no_run
    /// # async fn f() -> smoke_runtime::SmokeResult {
    /// use smoke_runtime::checks::HttpCheck;
    ///
    /// let answer = HttpCheck::new("https://api.internal/smoketest")
    ///     .connect_to("10.0.3.17:443".parse().unwrap())
    ///     .run()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn connect_to(mut self, address: SocketAddr) -> Self {
        self.connect_to = Some(address);
        self
    }

    /// Trusts the CA certificates in `pem` (for a private CA), besides the system's.
    #[cfg(feature = "tls")]
    pub fn root_certificate_pem(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.roots.add_pem(pem.as_ref());
        self
    }

    /// The URL checked, as given (with any password in it).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The URL checked with the password of its userinfo masked
    /// (`https://user:***@host/`): what messages show.
    ///
    /// ```
    /// use smoke_runtime::checks::HttpCheck;
    ///
    /// let check = HttpCheck::new("https://deploy:s3cret@api.internal/smoketest");
    /// assert_eq!(check.shown_url(), "https://deploy:***@api.internal/smoketest");
    /// ```
    pub fn shown_url(&self) -> String {
        Redactor::new().redact(&self.url)
    }

    /// Sends the request and returns the answer whatever its status. Credentials in the
    /// URL (`https://user:password@host/`, percent-encoded) are sent as `Authorization:
    /// Basic`, unless an `Authorization` header is given. A server that does
    /// not answer in time (refused connection, failed handshake, timeout) is a failure;
    /// an invalid URL or header is an error.
    pub async fn fetch(&self) -> SmokeResult<HttpResponse> {
        let target = Target::parse(&self.url)?;
        let request = self.request(&target)?;
        match tokio::time::timeout(self.timeout, self.exchange(&target, request)).await {
            Ok(result) => result,
            Err(_) => Err(SmokeError::failure(format!(
                "GET {} got no complete answer within {}; the service is down, overloaded \
                 or blocked: check that it runs and that the address is right",
                self.shown_url(),
                human_duration(self.timeout)
            ))),
        }
    }

    /// Sends the request and checks the status (the one given to
    /// [`expect_status`](Self::expect_status), or any 2xx); returns the answer.
    pub async fn run(&self) -> SmokeResult<HttpResponse> {
        let answer = self.fetch().await?;
        let ok = match self.expected {
            Some(code) => answer.status == code,
            None => (200..300).contains(&answer.status),
        };
        if ok {
            return Ok(answer);
        }
        let expected = match self.expected {
            Some(code) => describe_status(code),
            None => "a 2xx status".to_owned(),
        };
        let mut message = format!(
            "GET {} answered {}, expected {expected}",
            self.shown_url(),
            describe_status(answer.status)
        );
        if let Some(location) = answer.header(LOCATION.as_str()) {
            message.push_str(&format!(" (redirect to {location})"));
        }
        let snippet = body_snippet(&answer.body);
        if !snippet.is_empty() {
            message.push_str(&format!("; the body begins: {snippet:?}"));
        }
        message.push_str(match answer.status {
            401 | 403 => "; check the credentials the check sends",
            404 => "; check the URL's path and that the right version is deployed",
            500..=599 => "; check the service's logs",
            _ => "",
        });
        Err(SmokeError::failure(message))
    }

    fn request(&self, target: &Target) -> SmokeResult<Request<Empty<Bytes>>> {
        let mut builder = Request::get(target.path.as_str())
            .header(HOST, target.host_header())
            .header(USER_AGENT, concat!("smoke/", env!("CARGO_PKG_VERSION")));
        let mut has_accept = false;
        let mut has_authorization = false;
        for (name, value) in &self.headers {
            let name = HeaderName::from_bytes(name.trim().as_bytes()).map_err(|_| {
                SmokeError::error(format!("HttpCheck: {name:?} is not a valid header name"))
            })?;
            let value = HeaderValue::from_str(value.trim()).map_err(|_| {
                SmokeError::error(format!(
                    "HttpCheck: the value of header {name} is not a valid header value"
                ))
            })?;
            has_accept |= name == ACCEPT;
            has_authorization |= name == AUTHORIZATION;
            builder = builder.header(name, value);
        }
        if let (Some(credentials), false) = (&target.credentials, has_authorization) {
            builder = builder.header(AUTHORIZATION, credentials.basic());
        }
        if !has_accept {
            builder = builder.header(ACCEPT, "*/*");
        }
        builder
            .body(Empty::new())
            .map_err(|e| SmokeError::error(format!("HttpCheck: cannot build the request: {e}")))
    }

    async fn exchange(
        &self,
        target: &Target,
        request: Request<Empty<Bytes>>,
    ) -> SmokeResult<HttpResponse> {
        let connected = match self.connect_to {
            Some(address) => TcpStream::connect(address).await,
            None => TcpStream::connect((target.host.as_str(), target.port)).await,
        };
        let tcp = connected.map_err(|e| {
            let at = match self.connect_to {
                Some(address) => format!(" (at {address})"),
                None => String::new(),
            };
            SmokeError::failure(format!(
                "GET {}: could not connect to {}:{}{at}: {e}; check that the service runs \
                 and listens there, and that no firewall blocks it",
                self.shown_url(),
                target.host,
                target.port
            ))
        })?;
        if target.tls {
            #[cfg(feature = "tls")]
            {
                let stream = super::tls::handshake(&target.host, tcp, &self.roots)
                    .await
                    .map_err(|e| {
                        SmokeError::failure(format!("GET {}: {}", self.shown_url(), e.message()))
                    })?;
                return self.send(stream, request).await;
            }
            #[cfg(not(feature = "tls"))]
            {
                drop(tcp);
                return Err(SmokeError::error(format!(
                    "GET {}: https:// needs the `tls` feature of smoke-runtime",
                    self.shown_url()
                )));
            }
        }
        self.send(tcp, request).await
    }

    async fn send<S>(&self, stream: S, request: Request<Empty<Bytes>>) -> SmokeResult<HttpResponse>
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let broken = |e: hyper::Error| {
            SmokeError::failure(format!(
                "GET {}: the connection broke: {}; check the service's logs and that the \
                 address speaks HTTP/1.1{}",
                self.shown_url(),
                // `outer: inner: innermost`, as `?` would make it.
                SmokeError::from(e).message(),
                if self.url.starts_with("http://") {
                    " (not HTTPS)"
                } else {
                    ""
                }
            ))
        };
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(broken)?;
        let driver = tokio::spawn(connection);
        let response = sender.send_request(request).await.map_err(broken)?;
        let (parts, body) = response.into_parts();
        let body = Limited::new(body, self.max_body)
            .collect()
            .await
            .map_err(|e| {
                SmokeError::failure(format!(
                    "GET {}: reading the body failed: {e}{}",
                    self.shown_url(),
                    if e.is::<http_body_util::LengthLimitError>() {
                        format!(" (the limit is {} bytes)", self.max_body)
                    } else {
                        String::new()
                    }
                ))
            })?
            .to_bytes();
        driver.abort();
        Ok(HttpResponse {
            status: parts.status.as_u16(),
            headers: parts.headers,
            body: body.to_vec(),
        })
    }
}

/// Checks that `url` answers GET with status `expected` within `timeout`.
///
/// ```no_run
/// # async fn f() -> smoke_runtime::SmokeResult {
/// use std::time::Duration;
/// use smoke_runtime::checks;
///
/// checks::http_status("http://localhost:8080/healthz", 200, Duration::from_secs(2)).await?;
/// # Ok(()) }
/// ```
pub async fn http_status(url: &str, expected: u16, timeout: Duration) -> SmokeResult {
    HttpCheck::new(url)
        .timeout(timeout)
        .expect_status(expected)
        .run()
        .await
        .map(|_| ())
}

/// The user and password of a URL's userinfo, percent-decoded.
struct Credentials {
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
    fn basic(&self) -> String {
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
struct Target {
    tls: bool,
    host: String,
    port: u16,
    path: String,
    credentials: Option<Credentials>,
}

impl Target {
    fn parse(url: &str) -> SmokeResult<Target> {
        let invalid = |why: &str| {
            SmokeError::error(format!(
                "{:?} is not a URL the HTTP check can use: {why}; write it as \
                 http://host[:port]/path or https://...",
                Redactor::new().redact(url)
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

    fn host_header(&self) -> String {
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

/// `503` -> `"503 Service Unavailable"`.
fn describe_status(code: u16) -> String {
    match StatusCode::from_u16(code)
        .ok()
        .and_then(|s| s.canonical_reason())
    {
        Some(reason) => format!("{code} {reason}"),
        None => code.to_string(),
    }
}

/// The first 200 characters of a body, on one line.
fn body_snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut snippet: String = line.chars().take(200).collect();
    if line.chars().count() > 200 {
        snippet.push('…');
    }
    snippet
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_split_into_what_the_request_needs() {
        let t = Target::parse("http://example.com:8080/a/b?c=d").unwrap();
        assert_eq!(
            (t.tls, t.host.as_str(), t.port, t.path.as_str()),
            (false, "example.com", 8080, "/a/b?c=d")
        );
        assert_eq!(t.host_header(), "example.com:8080");
        let t = Target::parse("https://[::1]").unwrap();
        assert_eq!(
            (t.tls, t.host.as_str(), t.port, t.path.as_str()),
            (true, "::1", 443, "/")
        );
        assert_eq!(t.host_header(), "[::1]");
        assert!(Target::parse("ftp://x/").is_err());
        assert!(Target::parse("localhost:80").is_err());
        assert!(t.credentials.is_none());
    }

    #[test]
    fn userinfo_becomes_basic_credentials() {
        let t = Target::parse("https://deploy%40ci:p%3Ass%20w@api.internal:8443/x").unwrap();
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
        let err = Target::parse("http://u:%zzsecret@h/").err().unwrap();
        assert!(!err.message().contains("secret"), "{}", err.message());
        assert!(err.message().contains("u:***@h"), "{}", err.message());
    }
}

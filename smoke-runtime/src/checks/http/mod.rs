//! An HTTP(S) URL answers with the expected status; also the client the endpoint's
//! webhooks POST through.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use http::header::{HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, HOST, LOCATION, USER_AGENT};
use http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

mod target;

use super::human_duration;
use crate::report::redact::Redactor;
use crate::{SmokeError, SmokeResult};
use target::Target;

/// The largest body [`HttpCheck::fetch`] reads.
const DEFAULT_MAX_BODY: usize = 16 * 1024 * 1024;

/// A GET request to a URL (or a POST, with [`post`](HttpCheck::post)), with the answer
/// expected of it.
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
    method: Method,
    body: Bytes,
    /// What messages call the URL, when not [`HttpCheck::shown_url`].
    shown: Option<String>,
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
            .field("url", &self.shown())
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
            method: Method::GET,
            body: Bytes::new(),
            shown: None,
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

    /// Sends a POST with `body` instead of a GET (say what it is with a `Content-Type`
    /// [`header`](Self::header)).
    ///
    /// ```no_run
    /// # async fn f() -> smoke_runtime::SmokeResult {
    /// use smoke_runtime::checks::HttpCheck;
    ///
    /// HttpCheck::new("http://search.internal:9200/_search")
    ///     .post(r#"{"size": 0}"#)
    ///     .header("Content-Type", "application/json")
    ///     .run()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn post(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.method = Method::POST;
        self.body = Bytes::from(body.into());
        self
    }

    /// What messages call the URL instead of [`shown_url`](Self::shown_url) (a webhook's
    /// path may hold its token).
    pub(crate) fn shown_as(mut self, shown: String) -> Self {
        self.shown = Some(shown);
        self
    }

    /// Why the URL cannot be asked (not `http(s)://host...`, or `https://` without the
    /// `tls` feature), before any request is sent.
    pub(crate) fn validate(&self) -> Result<(), String> {
        let target = Target::parse(&self.url, &self.shown()).map_err(|e| e.message().to_owned())?;
        if target.tls && !cfg!(feature = "tls") {
            return Err(format!(
                "{}: https:// needs the `tls` feature of smoke-runtime",
                self.shown()
            ));
        }
        Ok(())
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

    /// What messages call the URL: [`shown_url`](Self::shown_url), or what
    /// [`shown_as`](Self::shown_as) says.
    fn shown(&self) -> String {
        self.shown.clone().unwrap_or_else(|| self.shown_url())
    }

    /// The request as messages name it: `GET https://host/path`.
    fn what(&self) -> String {
        format!("{} {}", self.method, self.shown())
    }

    /// Sends the request and returns the answer whatever its status. Credentials in the
    /// URL (`https://user:password@host/`, percent-encoded) are sent as `Authorization:
    /// Basic`, unless an `Authorization` header is given. A server that does
    /// not answer in time (refused connection, failed handshake, timeout) is a failure;
    /// an invalid URL or header is an error.
    pub async fn fetch(&self) -> SmokeResult<HttpResponse> {
        let target = Target::parse(&self.url, &self.shown())?;
        let request = self.request(&target)?;
        match tokio::time::timeout(self.timeout, self.exchange(&target, request)).await {
            Ok(result) => result,
            Err(_) => Err(SmokeError::failure(format!(
                "{} got no complete answer within {}; the service is down, overloaded \
                 or blocked: check that it runs and that the address is right",
                self.what(),
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
            "{} answered {}, expected {expected}",
            self.what(),
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

    fn request(&self, target: &Target) -> SmokeResult<Request<Full<Bytes>>> {
        let mut builder = Request::builder()
            .method(self.method.clone())
            .uri(target.path.as_str())
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
            .body(Full::new(self.body.clone()))
            .map_err(|e| SmokeError::error(format!("HttpCheck: cannot build the request: {e}")))
    }

    async fn exchange(
        &self,
        target: &Target,
        request: Request<Full<Bytes>>,
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
                "{}: could not connect to {}:{}{at}: {e}; check that the service runs \
                 and listens there, and that no firewall blocks it",
                self.what(),
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
                        SmokeError::failure(format!("{}: {}", self.what(), e.message()))
                    })?;
                return self.send(stream, request).await;
            }
            #[cfg(not(feature = "tls"))]
            {
                drop(tcp);
                return Err(SmokeError::error(format!(
                    "{}: https:// needs the `tls` feature of smoke-runtime",
                    self.what()
                )));
            }
        }
        self.send(tcp, request).await
    }

    async fn send<S>(&self, stream: S, request: Request<Full<Bytes>>) -> SmokeResult<HttpResponse>
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let broken = |e: hyper::Error| {
            SmokeError::failure(format!(
                "{}: the connection broke: {}; check the service's logs and that the \
                 address speaks HTTP/1.1{}",
                self.what(),
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
                    "{}: reading the body failed: {e}{}",
                    self.what(),
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

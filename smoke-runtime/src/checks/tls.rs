//! TLS: certificates that are trusted and not about to expire.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

use super::human_duration;
use crate::{SmokeError, SmokeResult};

/// CA certificates trusted besides the system's, and what went wrong reading them.
#[derive(Clone, Debug, Default)]
pub(crate) struct ExtraRoots {
    certs: Vec<CertificateDer<'static>>,
    problem: Option<String>,
}

impl ExtraRoots {
    pub(crate) fn add_pem(&mut self, pem: &[u8]) {
        let mut found = 0;
        for cert in CertificateDer::pem_slice_iter(pem) {
            match cert {
                Ok(cert) => {
                    self.certs.push(cert);
                    found += 1;
                }
                Err(e) => {
                    self.problem = Some(format!("a root certificate's PEM is invalid: {e}"));
                    return;
                }
            }
        }
        if found == 0 {
            self.problem = Some("the root certificate PEM holds no CERTIFICATE block".to_owned());
        }
    }

    pub(crate) fn add_der(&mut self, der: Vec<u8>) {
        self.certs.push(CertificateDer::from(der));
    }
}

/// The system's root certificates as a store, read and parsed once per process.
static NATIVE_STORE: OnceLock<Arc<RootCertStore>> = OnceLock::new();

/// The store of the system's root certificates. The first call reads the system's CA
/// bundle (files) on tokio's blocking pool; later calls share the parsed store.
async fn native_store() -> SmokeResult<Arc<RootCertStore>> {
    if let Some(store) = NATIVE_STORE.get() {
        return Ok(store.clone());
    }
    tokio::task::spawn_blocking(|| {
        NATIVE_STORE
            .get_or_init(|| {
                let mut store = RootCertStore::empty();
                store.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
                Arc::new(store)
            })
            .clone()
    })
    .await
    .map_err(|e| {
        SmokeError::error(format!(
            "reading the system's root certificates failed: {e}"
        ))
    })
}

/// The roots to verify against: the system's store itself when no others are given
/// (nothing copied or parsed again), else a copy with the others added.
async fn root_store(roots: &ExtraRoots) -> SmokeResult<Arc<RootCertStore>> {
    let native = native_store().await?;
    if roots.certs.is_empty() {
        return Ok(native);
    }
    let mut store = RootCertStore::clone(&native);
    store.add_parsable_certificates(roots.certs.iter().cloned());
    Ok(Arc::new(store))
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Delegates to the WebPKI verifier, keeping the server's certificate so that its dates
/// can be reported even when verification fails.
#[derive(Debug)]
struct Recording {
    inner: Arc<WebPkiServerVerifier>,
    leaf: Mutex<Option<Vec<u8>>>,
}

impl ServerCertVerifier for Recording {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Ok(mut leaf) = self.leaf.lock() {
            *leaf = Some(end_entity.to_vec());
        }
        self.inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// The outcome of a handshake: the stream when it succeeded, the server's certificate
/// whenever it sent one.
struct Handshake {
    stream: Result<TlsStream<TcpStream>, std::io::Error>,
    leaf: Option<Vec<u8>>,
}

async fn handshake_recording(
    host: &str,
    tcp: TcpStream,
    roots: &ExtraRoots,
) -> SmokeResult<Handshake> {
    if let Some(problem) = &roots.problem {
        return Err(SmokeError::error(problem.clone()));
    }
    let store = root_store(roots).await?;
    if store.is_empty() {
        return Err(SmokeError::error(
            "no root certificates to verify servers against: install the system's CA bundle \
             (the ca-certificates package) or give the CA's certificate to the check",
        ));
    }
    let provider = provider();
    let inner = WebPkiServerVerifier::builder_with_provider(store, provider.clone())
        .build()
        .map_err(|e| SmokeError::error(format!("cannot set up certificate verification: {e}")))?;
    let verifier = Arc::new(Recording {
        inner,
        leaf: Mutex::new(None),
    });
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| SmokeError::error(format!("cannot set up TLS: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(verifier.clone())
        .with_no_client_auth();
    let name = ServerName::try_from(host.to_owned())
        .map_err(|e| SmokeError::error(format!("{host:?} is not a valid TLS server name: {e}")))?;
    let stream = TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await;
    let leaf = verifier.leaf.lock().ok().and_then(|mut l| l.take());
    Ok(Handshake { stream, leaf })
}

/// The TLS handshake of [`HttpCheck`](super::HttpCheck): the stream, or a failure that
/// says why the server is not trusted.
pub(crate) async fn handshake(
    host: &str,
    tcp: TcpStream,
    roots: &ExtraRoots,
) -> SmokeResult<TlsStream<TcpStream>> {
    let Handshake { stream, leaf } = handshake_recording(host, tcp, roots).await?;
    stream.map_err(|e| handshake_failure(host, &e, leaf.as_deref()))
}

fn handshake_failure(host: &str, error: &std::io::Error, leaf: Option<&[u8]>) -> SmokeError {
    let info = leaf.and_then(|der| CertificateInfo::parse(der).ok());
    let rustls_error = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>());
    let hint = match rustls_error {
        Some(rustls::Error::InvalidCertificate(cert_error)) => match cert_error {
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => match &info {
                Some(info) => format!(
                    "its certificate ({}) expired on {}, {} days ago: renew it and \
                         reload the server",
                    info.subject,
                    format_utc(info.not_after),
                    -info.days_left
                ),
                None => "its certificate has expired: renew it and reload the server".to_owned(),
            },
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                "its certificate is not valid yet: check the clocks of both machines".to_owned()
            }
            CertificateError::UnknownIssuer => format!(
                "its certificate{} is not signed by a CA this machine trusts: serve the full \
                 chain (certificate and intermediates), or add the private CA to the trust \
                 store or to the check",
                info.as_ref()
                    .map(|i| format!(" ({}, issued by {})", i.subject, i.issuer))
                    .unwrap_or_default()
            ),
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                format!(
                    "its certificate{} is not valid for the name {host}: add the name to the \
                     certificate's subject alternative names or use a name it covers",
                    info.as_ref()
                        .map(|i| format!(" ({})", i.subject))
                        .unwrap_or_default()
                )
            }
            _ => "its certificate was rejected: check it with `openssl s_client`".to_owned(),
        },
        _ => "check that the port speaks TLS and accepts modern protocol versions".to_owned(),
    };
    SmokeError::failure(format!(
        "the TLS handshake with {host} failed: {error}; {hint}"
    ))
}

/// What a server's certificate says about itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateInfo {
    /// The subject, `CN=example.com`.
    pub subject: String,
    /// The issuer, `C=US, O=Let's Encrypt, CN=R11`.
    pub issuer: String,
    /// When it stops being valid.
    pub not_after: SystemTime,
    /// Whole days from now until `not_after` (negative once expired).
    pub days_left: i64,
}

impl CertificateInfo {
    fn parse(der: &[u8]) -> Result<CertificateInfo, String> {
        let (_, cert) = x509_parser::parse_x509_certificate(der).map_err(|e| format!("{e}"))?;
        let not_after_secs = cert.validity().not_after.timestamp();
        let not_after = if not_after_secs >= 0 {
            UNIX_EPOCH + Duration::from_secs(not_after_secs as u64)
        } else {
            UNIX_EPOCH
        };
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        Ok(CertificateInfo {
            subject: cert.subject().to_string(),
            issuer: cert.issuer().to_string(),
            not_after,
            days_left: (not_after_secs - now).div_euclid(86_400),
        })
    }
}

/// `2026-11-24 23:53 UTC`.
fn format_utc(time: SystemTime) -> String {
    let secs = time
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60
    )
}

/// A TLS endpoint whose certificate must be trusted and valid for some more days.
///
/// The certificate is verified as a client would (chain to a trusted root, the name,
/// the dates) against the system's root certificates, plus any given with
/// [`root_certificate_pem`](Self::root_certificate_pem).
///
/// ```no_run
/// # async fn f() -> smoke_runtime::SmokeResult {
/// use smoke_runtime::checks::TlsCheck;
///
/// let cert = TlsCheck::new("api.example.com:443").min_days(14).run().await?;
/// println!("{} is valid for {} more days", cert.subject, cert.days_left);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct TlsCheck {
    address: String,
    server_name: Option<String>,
    min_days: u32,
    timeout: Duration,
    roots: ExtraRoots,
}

impl TlsCheck {
    /// A check of `address` (`host:port`; the port defaults to 443), requiring 14 more
    /// days of validity, within 10 seconds.
    pub fn new(address: impl Into<String>) -> Self {
        TlsCheck {
            address: address.into(),
            server_name: None,
            min_days: 14,
            timeout: Duration::from_secs(10),
            roots: ExtraRoots::default(),
        }
    }

    /// How many more days the certificate must be valid (default 14).
    pub fn min_days(mut self, days: u32) -> Self {
        self.min_days = days;
        self
    }

    /// The name the certificate must be valid for, when it is not the address's host
    /// (connecting to an IP address or a load balancer's own name).
    pub fn server_name(mut self, name: impl Into<String>) -> Self {
        self.server_name = Some(name.into());
        self
    }

    /// The time allowed for connecting and the handshake (default 10 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Trusts the CA certificates in `pem` (for a private CA), besides the system's.
    pub fn root_certificate_pem(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.roots.add_pem(pem.as_ref());
        self
    }

    /// Trusts a CA certificate given in DER, besides the system's.
    pub fn root_certificate_der(mut self, der: impl Into<Vec<u8>>) -> Self {
        self.roots.add_der(der.into());
        self
    }

    fn host_and_port(&self) -> SmokeResult<(String, u16)> {
        let address = self.address.trim();
        let (host, port) = match address.rsplit_once(':') {
            Some((host, port)) if !host.ends_with(':') && !port.contains(']') => {
                let port = port.parse::<u16>().map_err(|_| {
                    SmokeError::error(format!(
                        "TlsCheck: {address:?} has an invalid port; write it as host:port"
                    ))
                })?;
                (host, port)
            }
            _ => (address, 443),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() {
            return Err(SmokeError::error(format!(
                "TlsCheck: {address:?} has no host"
            )));
        }
        Ok((host.to_owned(), port))
    }

    /// Connects, verifies the certificate and checks how long it stays valid.
    pub async fn run(&self) -> SmokeResult<CertificateInfo> {
        let (host, port) = self.host_and_port()?;
        if let Some(problem) = &self.roots.problem {
            return Err(SmokeError::error(problem.clone()));
        }
        let name = self.server_name.clone().unwrap_or_else(|| host.clone());
        let work = async {
            let tcp = TcpStream::connect((host.as_str(), port))
                .await
                .map_err(|e| {
                    SmokeError::failure(format!(
                        "could not connect to {host}:{port} to check its certificate: {e}; check \
                     that the service runs and listens there"
                    ))
                })?;
            handshake_recording(&name, tcp, &self.roots).await
        };
        let Handshake { stream, leaf } =
            tokio::time::timeout(self.timeout, work)
                .await
                .map_err(|_| {
                    SmokeError::failure(format!(
                    "the TLS handshake with {host}:{port} did not finish within {}; check that \
                     the port speaks TLS and that the service is not overloaded",
                    human_duration(self.timeout)
                ))
                })??;
        if let Err(e) = stream {
            return Err(handshake_failure(&name, &e, leaf.as_deref()));
        }
        let der = leaf.ok_or_else(|| {
            SmokeError::error(format!(
                "{host}:{port} completed a handshake without a certificate"
            ))
        })?;
        let info = CertificateInfo::parse(&der).map_err(|e| {
            SmokeError::error(format!(
                "the certificate of {host}:{port} cannot be read: {e}"
            ))
        })?;
        if info.days_left < i64::from(self.min_days) {
            return Err(SmokeError::failure(format!(
                "the certificate of {name} ({}) expires on {}, in {} days, less than the {} \
                 days required; renew it (and check that automatic renewal works)",
                info.subject,
                format_utc(info.not_after),
                info.days_left,
                self.min_days
            )));
        }
        Ok(info)
    }
}

/// Checks that the certificate of the TLS endpoint `address` (`host:port`) is trusted,
/// valid for its name, and stays valid for at least `min_days` more days.
///
/// ```no_run
/// # async fn f() -> smoke_runtime::SmokeResult {
/// smoke_runtime::checks::tls_cert_valid_for("api.example.com:443", 14).await?;
/// # Ok(()) }
/// ```
pub async fn tls_cert_valid_for(address: &str, min_days: u32) -> SmokeResult {
    TlsCheck::new(address)
        .min_days(min_days)
        .run()
        .await
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_system_roots_are_read_and_parsed_once() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(async {
            let first = root_store(&ExtraRoots::default()).await.unwrap();
            let second = root_store(&ExtraRoots::default()).await.unwrap();
            assert!(Arc::ptr_eq(&first, &second));
            assert!(Arc::ptr_eq(&first, NATIVE_STORE.get().unwrap()));

            // Extra roots go into a copy; the shared store stays as it is.
            let Some(extra) = rustls_native_certs::load_native_certs().certs.pop() else {
                eprintln!("note: this machine has no system root certificates to add again");
                return;
            };
            let mut roots = ExtraRoots::default();
            roots.add_der(extra.to_vec());
            let with_extra = root_store(&roots).await.unwrap();
            assert!(!Arc::ptr_eq(&first, &with_extra));
            assert_eq!(with_extra.len(), first.len() + 1);
            let again = root_store(&ExtraRoots::default()).await.unwrap();
            assert_eq!(again.len(), first.len());
        });
    }

    #[test]
    fn dates_are_formatted_in_utc() {
        assert_eq!(format_utc(UNIX_EPOCH), "1970-01-01 00:00 UTC");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400 + 3 * 3600 + 25 * 60);
        assert_eq!(format_utc(leap), "2000-02-29 03:25 UTC");
        let later = UNIX_EPOCH + Duration::from_secs(1_798_761_599);
        assert_eq!(format_utc(later), "2026-12-31 23:59 UTC");
    }
}

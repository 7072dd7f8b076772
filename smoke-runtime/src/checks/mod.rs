//! Ready-made checks for what every service verifies about its environment.
//!
//! Each check is a function (async where it does I/O) that returns a [`SmokeResult`]
//! whose message says what was checked, what was found and what to do about it, so a
//! smoke test is often one line:
//!
//! ```no_run
//! use std::time::Duration;
//! use smoke_runtime::prelude::*;
//! use smoke_runtime::checks;
//!
//! #[smoke_test(tags("storage"))]
//! async fn upload_dir_writable() -> SmokeResult {
//!     checks::dir_writable("/var/lib/app/uploads").await
//! }
//!
//! #[smoke_test]
//! async fn enough_disk() -> SmokeResult {
//!     checks::disk_free("/var/lib/app", 5 * 1024 * 1024 * 1024).await
//! }
//!
//! #[smoke_test]
//! fn api_key_configured() -> SmokeResult {
//!     checks::env_var_set("PAYMENT_API_KEY")
//! }
//!
//! #[smoke_test]
//! async fn ffmpeg_recent() -> SmokeResult {
//!     checks::executable_version("ffmpeg", &["-version"], "4.4").await
//! }
//!
//! #[smoke_test]
//! async fn database_reachable() -> SmokeResult {
//!     checks::tcp_connect("db.internal:5432", Duration::from_secs(2)).await
//! }
//! ```
//!
//! # Failed or errored
//!
//! When the property a check verifies does not hold (the directory is not writable, the
//! port refuses connections, the status is 503, the certificate expires in 3 days) the
//! check returns a *failure* ([`SmokeError::failure`]). When the check itself cannot be
//! carried out (an invalid URL, a path whose file system cannot be queried, a program
//! that cannot be started for a reason other than being absent) it returns an *error*
//! ([`SmokeError::error`]).
//!
//! # Features
//!
//! `HttpCheck` and `http_status` need the `http-check` feature; `https://` URLs and
//! `TlsCheck` / `tls_cert_valid_for` need the `tls` feature (rustls with the ring
//! provider, the system's root certificates). `AwsCredentialsCheck` /
//! `aws_credentials_valid` need the `aws` feature (the AWS SDK's `aws-config` and
//! `aws-sdk-sts`, with the SDK's default HTTPS client).

mod env;
mod exe;
mod fs;
mod net;

#[cfg(feature = "aws")]
mod aws;
#[cfg(feature = "http-check")]
mod http;
#[cfg(feature = "tls")]
mod tls;

pub use env::{env_var_set, setting_present};
pub use exe::{executable_on_path, executable_version, find_executable, parse_version};
pub use fs::{dir_writable, disk_free, disk_free_percent};
pub use net::{dns_resolves, tcp_connect, AddressFamily};

#[cfg(feature = "aws")]
pub use aws::{aws_credentials_valid, AwsCredentialsCheck, CallerIdentity};
#[cfg(feature = "http-check")]
pub use http::{http_status, HttpCheck, HttpResponse};
#[cfg(feature = "tls")]
pub use tls::{tls_cert_valid_for, CertificateInfo, TlsCheck};

#[allow(unused_imports)]
use crate::{SmokeError, SmokeResult};

/// `1536` -> `"1.5 KiB"`.
pub(crate) fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 7] = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if n < 1024 {
        return format!("{n} bytes");
    }
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// A duration as people write it: `"2s"`, `"150ms"`.
pub(crate) fn human_duration(d: std::time::Duration) -> String {
    humantime::format_duration(d).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_read_like_people_write_them() {
        assert_eq!(human_bytes(12), "12 bytes");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(5 * 1024 * 1024 * 1024), "5.0 GiB");
    }
}

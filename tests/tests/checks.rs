//! The ready-made checks against real things: directories and file systems here, a
//! program written for the test, loopback listeners, an HTTP server, a TLS server with
//! certificates made for the test.

use std::path::{Path, PathBuf};
use std::time::Duration;

use smoke_runtime::checks::{self, AddressFamily, HttpCheck, TlsCheck};
use smoke_tests::http_responder::{Responder, Response};
use smoke_tests::tls::{Ca, TlsServer};
use smoke_tests::verdict::{errored, failed, says};

/// A fresh empty directory under the target directory, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!(
            "smoke-checks-{name}-{}-{:?}",
            std::process::id(),
            std::time::SystemTime::now()
        ));
        let dir = PathBuf::from(
            dir.to_string_lossy()
                .replace([' ', '{', '}', ':', ','], "_"),
        );
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

// ---- directories -------------------------------------------------------------------

#[tokio::test]
async fn a_writable_directory_passes_and_the_probe_is_removed() {
    let dir = Scratch::new("writable");
    checks::dir_writable(dir.path()).await.unwrap();
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "the probe file was left behind: {left:?}");
}

#[tokio::test]
async fn a_missing_directory_fails_with_how_to_create_it() {
    let dir = Scratch::new("missing");
    let missing = dir.path().join("uploads");
    let error = failed(checks::dir_writable(&missing).await);
    says(&error, "does not exist");
    says(&error, &format!("mkdir -p {}", missing.display()));
    says(&error, "uid ");
}

#[tokio::test]
async fn a_file_where_a_directory_should_be_fails() {
    let dir = Scratch::new("file");
    let file = dir.path().join("uploads");
    std::fs::write(&file, b"x").unwrap();
    let error = failed(checks::dir_writable(&file).await);
    says(&error, "is not a directory");
}

#[cfg(unix)]
#[tokio::test]
async fn a_directory_without_write_permission_fails_for_an_ordinary_user() {
    use std::os::unix::fs::PermissionsExt;
    let dir = Scratch::new("readonly");
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Whether this user can write there anyway (root can), found out the plain way.
    let probe = locked.join("plain-probe");
    let writable_anyway = std::fs::write(&probe, b"x").is_ok();
    let _ = std::fs::remove_file(&probe);
    let result = checks::dir_writable(&locked).await;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    if writable_anyway {
        result.unwrap();
    } else {
        let error = failed(result);
        says(&error, "is not writable");
        says(&error, "write permission");
    }
}

/// A directory no one may create files in, root included: sysfs refuses new files with
/// EACCES and procfs with ENOENT, whoever asks. So the failure is proven even when the
/// tests run as root, where a 0555 directory is writable anyway.
#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_directory_no_one_can_write_in_fails_even_for_root() {
    assert!(
        Path::new("/sys/kernel").is_dir(),
        "sysfs is not mounted on /sys"
    );
    let error = failed(checks::dir_writable("/sys/kernel").await);
    says(
        &error,
        "directory /sys/kernel is not writable: creating a probe file failed",
    );
    says(&error, "Permission denied");
    says(&error, "write permission");

    let error = failed(checks::dir_writable("/proc/self").await);
    says(
        &error,
        "directory /proc/self is not writable: creating a probe file failed",
    );
    says(
        &error,
        "check the directory's permissions and its file system",
    );
}

// ---- free space --------------------------------------------------------------------

#[tokio::test]
async fn free_space_passes_when_there_is_enough_and_fails_when_not() {
    let here = env!("CARGO_MANIFEST_DIR");
    checks::disk_free(here, 1).await.unwrap();
    checks::disk_free_percent(here, 0.0001).await.unwrap();

    let error = failed(checks::disk_free(here, u64::MAX).await);
    says(&error, "free on the file system that holds");
    says(&error, here);
    says(&error, "at least 16.0 EiB");

    // A file system with data on it never has 100% free.
    let error = failed(checks::disk_free_percent(here, 100.0).await);
    says(&error, "at least 100% is needed");
}

#[tokio::test]
async fn free_space_of_a_missing_path_is_an_error() {
    let error = errored(checks::disk_free("/no/such/path/anywhere", 1).await);
    says(
        &error,
        "cannot query the file system that holds /no/such/path/anywhere",
    );
    let error = errored(checks::disk_free_percent("/", 140.0).await);
    says(&error, "not a percentage");
}

// ---- executables -------------------------------------------------------------------

/// A shell script named `name` in `dir` that runs `body`.
#[cfg(unix)]
fn script(dir: &Path, name: &str, body: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.to_string_lossy().into_owned()
}

#[cfg(unix)]
#[tokio::test]
async fn a_program_of_a_recent_enough_version_passes_and_an_old_one_fails() {
    let dir = Scratch::new("exe");
    let tool = script(
        dir.path(),
        "tool",
        "echo 'tool version 2.5.1-3ubuntu1 Copyright (c) the tool developers' >&2",
    );
    checks::executable_version(&tool, &["-version"], "2.5")
        .await
        .unwrap();
    checks::executable_version(&tool, &["-version"], "2.5.1")
        .await
        .unwrap();
    checks::executable_version(&tool, &["-version"], "1.99")
        .await
        .unwrap();

    let error = failed(checks::executable_version(&tool, &["-version"], "2.10").await);
    says(&error, "is version 2.5.1-3ubuntu1");
    says(&error, "at least 2.10 is needed");
    says(&error, "upgrade");

    let error = errored(checks::executable_version(&tool, &["-version"], "latest").await);
    says(&error, "not a version number");
}

#[cfg(unix)]
#[tokio::test]
async fn a_program_that_fails_or_prints_no_version_fails_the_check() {
    let dir = Scratch::new("exe-bad");
    let broken = script(
        dir.path(),
        "broken",
        "echo 'libfoo.so: not found' >&2; exit 127",
    );
    let error = failed(checks::executable_version(&broken, &["--version"], "1").await);
    says(&error, "exited with status 127");
    says(&error, "libfoo.so: not found");

    let mute = script(dir.path(), "mute", "echo 'usage: mute [options]'");
    let error = failed(checks::executable_version(&mute, &["--version"], "1").await);
    says(&error, "printed no version number");
    says(&error, "usage: mute [options]");

    let not_executable = dir.path().join("plain");
    std::fs::write(&not_executable, "echo 1.0").unwrap();
    let error = failed(
        checks::executable_version(not_executable.to_str().unwrap(), &["--version"], "1").await,
    );
    says(&error, "was not found on the PATH");
}

#[tokio::test]
async fn programs_are_found_on_the_path() {
    // cargo runs this test, so it is on the PATH.
    checks::executable_on_path("cargo").await.unwrap();
    checks::executable_version("cargo", &["--version"], "1.70")
        .await
        .unwrap();
    let error = failed(checks::executable_version("cargo", &["--version"], "999.0").await);
    says(&error, "cargo is version 1.");

    let error = failed(checks::executable_on_path("surely-no-such-program-4711").await);
    says(
        &error,
        "surely-no-such-program-4711 was not found on the PATH",
    );
    says(&error, "install it");
}

// ---- DNS and TCP -------------------------------------------------------------------

#[tokio::test]
async fn names_that_resolve_pass_and_others_fail() {
    checks::dns_resolves("localhost", AddressFamily::Any)
        .await
        .unwrap();
    checks::dns_resolves("127.0.0.1", AddressFamily::V4)
        .await
        .unwrap();

    let error = failed(checks::dns_resolves("127.0.0.1", AddressFamily::V6).await);
    says(&error, "resolves to [127.0.0.1] but not to an IPv6 address");
    says(&error, "AAAA");

    // `.invalid` never resolves (RFC 6761).
    let error = failed(checks::dns_resolves("smoke-check.invalid", AddressFamily::Any).await);
    says(&error, "smoke-check.invalid");
}

#[tokio::test]
async fn a_listening_port_passes_and_a_closed_one_fails() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let open = listener.local_addr().unwrap().to_string();
    checks::tcp_connect(&open, Duration::from_secs(5))
        .await
        .unwrap();

    let closed = closed_port().await;
    let error = failed(checks::tcp_connect(&closed, Duration::from_secs(5)).await);
    says(&error, &format!("could not connect to {closed}"));
    says(&error, "listening on that port");

    let error = errored(checks::tcp_connect("localhost", Duration::from_secs(1)).await);
    says(&error, "has no port");
}

/// A loopback address where nothing listens.
async fn closed_port() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    drop(listener);
    address
}

/// A listener on loopback whose accept queue is full: it never accepts, so once the queue
/// holds what its backlog allows the kernel drops further SYNs and a connect hangs until
/// the client gives up. Returns the address and the connections that fill the queue.
#[cfg(target_os = "linux")]
async fn full_listener() -> (tokio::net::TcpListener, String, Vec<tokio::net::TcpStream>) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(0).unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let mut held = Vec::new();
    for _ in 0..16 {
        match tokio::time::timeout(
            Duration::from_millis(500),
            tokio::net::TcpStream::connect(&address),
        )
        .await
        {
            Ok(Ok(stream)) => held.push(stream),
            Ok(Err(e)) => panic!("connecting to fill the queue failed: {e}"),
            // The queue is full: this connect hung.
            Err(_) => return (listener, address, held),
        }
    }
    panic!("16 connections to a listener with backlog 0 were all accepted by the kernel");
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_port_that_does_not_answer_in_time_fails_with_the_timeout() {
    let (_listener, address, _held) = full_listener().await;
    let error = failed(checks::tcp_connect(&address, Duration::from_millis(300)).await);
    says(
        &error,
        &format!("could not connect to {address} within 300ms"),
    );
    says(&error, "a firewall drops the packets");
}

// ---- HTTP --------------------------------------------------------------------------

/// A server with one path per answer the checks must tell apart.
async fn http_server() -> Responder {
    Responder::start(|request| match request.path.as_str() {
        "/ok" => Response::text(200, "ok"),
        "/down" => Response::text(503, "database pool exhausted\n  (30 of 30 in use)"),
        "/moved" => Response::text(302, "").with_header("location", "/elsewhere"),
        "/slow" => Response::text(200, "late").delayed(Duration::from_secs(30)),
        "/private" => match request.header("authorization") {
            Some("Bearer letmein") => Response::text(200, "welcome"),
            _ => Response::text(401, "who are you?"),
        },
        // "deploy@ci" : "p:ss w0rd", as Basic credentials.
        "/basic" => match request.header("authorization") {
            Some("Basic ZGVwbG95QGNpOnA6c3MgdzByZA==") => Response::text(200, "welcome"),
            _ => Response::text(401, "who are you?"),
        },
        _ => Response::text(404, "no such page"),
    })
    .await
}

#[tokio::test]
async fn an_http_url_with_the_expected_status_passes() {
    let server = http_server().await;
    checks::http_status(&server.url("/ok"), 200, Duration::from_secs(5))
        .await
        .unwrap();
    let answer = HttpCheck::new(server.url("/private"))
        .header("Authorization", "Bearer letmein")
        .run()
        .await
        .unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(answer.text(), "welcome");
    assert_eq!(
        answer.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    // `fetch` returns whatever the status.
    let answer = HttpCheck::new(server.url("/down")).fetch().await.unwrap();
    assert_eq!(answer.status, 503);
}

#[tokio::test]
async fn an_http_url_with_another_status_fails_with_what_it_answered() {
    let server = http_server().await;
    let url = server.url("/down");
    let error = failed(checks::http_status(&url, 200, Duration::from_secs(5)).await);
    says(
        &error,
        &format!("GET {url} answered 503 Service Unavailable, expected 200 OK"),
    );
    says(&error, "database pool exhausted (30 of 30 in use)");
    says(&error, "check the service's logs");

    let error = failed(HttpCheck::new(server.url("/moved")).run().await.map(|_| ()));
    says(
        &error,
        "answered 302 Found, expected a 2xx status (redirect to /elsewhere)",
    );

    let error = failed(
        HttpCheck::new(server.url("/private"))
            .header("Authorization", "Bearer wrong-token")
            .run()
            .await
            .map(|_| ()),
    );
    says(&error, "401 Unauthorized");
    says(&error, "check the credentials");
    assert!(!error.message().contains("wrong-token"));
}

#[tokio::test]
async fn credentials_in_the_url_are_sent_as_basic_auth_and_never_shown() {
    let server = http_server().await;
    let port = server.addr().port();
    let url = format!("http://deploy%40ci:p%3Ass%20w0rd@127.0.0.1:{port}/basic");
    let answer = HttpCheck::new(&url).run().await.unwrap();
    assert_eq!(answer.text(), "welcome");

    let wrong = format!("http://deploy%40ci:hunter2@127.0.0.1:{port}/basic");
    let error = failed(HttpCheck::new(&wrong).run().await.map(|_| ()));
    says(
        &error,
        &format!("GET http://deploy%40ci:***@127.0.0.1:{port}/basic answered 401"),
    );
    assert!(!error.message().contains("hunter2"), "{}", error.message());

    let slow = format!("http://deploy:hunter2@127.0.0.1:{port}/slow");
    let error = failed(
        HttpCheck::new(&slow)
            .timeout(Duration::from_millis(200))
            .run()
            .await
            .map(|_| ()),
    );
    says(&error, "GET http://deploy:***@127.0.0.1:");
    assert!(!error.message().contains("hunter2"), "{}", error.message());

    let closed = closed_port().await;
    let error = failed(
        checks::http_status(
            &format!("http://deploy:hunter2@{closed}/"),
            200,
            Duration::from_secs(5),
        )
        .await,
    );
    says(
        &error,
        &format!("GET http://deploy:***@{closed}/: could not connect"),
    );
    assert!(!error.message().contains("hunter2"), "{}", error.message());
    assert!(!format!("{:?}", HttpCheck::new(&slow)).contains("hunter2"));

    // An Authorization header given explicitly wins over the URL's userinfo.
    let error = failed(
        HttpCheck::new(&url)
            .header("Authorization", "Bearer wrong-token")
            .run()
            .await
            .map(|_| ()),
    );
    says(&error, "401 Unauthorized");
}

#[tokio::test]
async fn an_http_url_that_does_not_answer_in_time_fails() {
    let server = http_server().await;
    let error =
        failed(checks::http_status(&server.url("/slow"), 200, Duration::from_millis(300)).await);
    says(&error, "got no complete answer within 300ms");

    let closed = closed_port().await;
    let error = failed(
        checks::http_status(&format!("http://{closed}/"), 200, Duration::from_secs(5)).await,
    );
    says(&error, &format!("could not connect to {closed}"));

    let error =
        errored(checks::http_status("localhost:8080/health", 200, Duration::from_secs(1)).await);
    says(&error, "is not a URL the HTTP check can use");
}

// ---- TLS ---------------------------------------------------------------------------

#[tokio::test]
async fn a_trusted_certificate_valid_long_enough_passes() {
    let ca = Ca::new("Smoke Test CA");
    let server = TlsServer::start(ca.leaf(-1, 90), |_| Response::text(200, "ok over tls")).await;
    let address = server.address.clone();
    let info = TlsCheck::new(&address)
        .root_certificate_pem(&ca.pem)
        .min_days(30)
        .run()
        .await
        .unwrap();
    assert_eq!(info.subject, "CN=localhost");
    assert_eq!(info.issuer, "CN=Smoke Test CA");
    assert!((88..=90).contains(&info.days_left), "{info:?}");

    // The same server through the HTTP check, over https.
    let port = server.port();
    let answer = HttpCheck::new(format!("https://localhost:{port}/"))
        .root_certificate_pem(&ca.pem)
        .run()
        .await
        .unwrap();
    assert_eq!(answer.text(), "ok over tls");
    drop(server);
}

#[tokio::test]
async fn a_certificate_expiring_soon_fails_with_its_date() {
    let ca = Ca::new("Smoke Test CA");
    let server = TlsServer::start(ca.leaf(-80, 10), |_| Response::text(200, "ok over tls")).await;
    let address = server.address.clone();
    let result = TlsCheck::new(&address)
        .root_certificate_pem(&ca.pem)
        .min_days(14)
        .run()
        .await;
    let error = failed(result.map(|_| ()));
    says(
        &error,
        "the certificate of 127.0.0.1 (CN=localhost) expires on ",
    );
    says(&error, "less than the 14 days required; renew it");
    drop(server);
}

#[tokio::test]
async fn an_expired_certificate_fails_with_when_it_expired() {
    let ca = Ca::new("Smoke Test CA");
    let server = TlsServer::start(ca.leaf(-100, -3), |_| Response::text(200, "ok over tls")).await;
    let address = server.address.clone();
    let result = TlsCheck::new(&address)
        .root_certificate_pem(&ca.pem)
        .run()
        .await;
    let error = failed(result.map(|_| ()));
    says(&error, "the TLS handshake with 127.0.0.1 failed");
    says(&error, "expired on ");
    says(&error, "3 days ago: renew it");
    drop(server);
}

#[tokio::test]
async fn an_untrusted_or_misnamed_certificate_fails() {
    let ca = Ca::new("Private CA");
    let server = TlsServer::start(ca.leaf(-1, 90), |_| Response::text(200, "ok over tls")).await;
    let address = server.address.clone();

    let error = failed(checks::tls_cert_valid_for(&address, 1).await);
    says(&error, "not signed by a CA this machine trusts");
    says(&error, "issued by CN=Private CA");

    let port = server.port();
    let error = failed(
        HttpCheck::new(format!("https://127.0.0.1:{port}/"))
            .run()
            .await
            .map(|_| ()),
    );
    says(&error, "not signed by a CA this machine trusts");

    let result = TlsCheck::new(&address)
        .server_name("api.example.com")
        .root_certificate_pem(&ca.pem)
        .run()
        .await;
    let error = failed(result.map(|_| ()));
    says(&error, "is not valid for the name api.example.com");
    drop(server);

    let closed = closed_port().await;
    let error = failed(checks::tls_cert_valid_for(&closed, 1).await);
    says(&error, &format!("could not connect to {closed}"));

    let error = errored(
        TlsCheck::new(&address)
            .root_certificate_pem("not a pem")
            .run()
            .await
            .map(|_| ()),
    );
    says(&error, "no CERTIFICATE block");
}

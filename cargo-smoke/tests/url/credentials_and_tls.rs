//! Credentials in headers and in the URL (sent, never printed), and HTTPS verified
//! against the CA given with `--cacert`.

use smoke_tests::tls::{Ca, TlsServer};

use crate::common::{cargo_smoke, exits, stderr, stdout};

use smoke_tests::port::free_port;

use super::{endpoint, server, PASS};

#[tokio::test]
async fn credentials_go_in_headers() {
    let server = server().await;
    let url = server.url("/private");
    let output = cargo_smoke(&["--url", &url]).await;
    exits(&output, 2);
    let err = stderr(&output);
    assert!(err.contains("answered HTTP 401"), "{err}");
    assert!(
        err.contains("pass them with --header 'Authorization: ...'"),
        "{err}"
    );

    let output = cargo_smoke(&["--url", &url, "--header", "Authorization: Bearer s3cret"]).await;
    exits(&output, 0);
    assert!(stdout(&output).starts_with("PASS\n"));

    let output = cargo_smoke(&["--url", &url, "--header", "no colon here"]).await;
    exits(&output, 2);
    assert!(stderr(&output).contains("is not `Name: value`"));
}

#[tokio::test]
async fn credentials_in_the_url_are_sent_and_never_printed() {
    let server = server().await;
    let port = server.addr().port();
    let url = format!("http://deploy:s3cret@127.0.0.1:{port}/private");
    let shown = format!("http://deploy:***@127.0.0.1:{port}/private");
    for format in ["text", "junit", "nagios", "json"] {
        let output = cargo_smoke(&["--url", &url, "--format", format]).await;
        // The endpoint accepted the Basic credentials and answered its (failing) report.
        exits(&output, if format == "nagios" { 2 } else { 1 });
        let (out, err) = (stdout(&output), stderr(&output));
        assert!(
            !out.contains("s3cret") && !err.contains("s3cret"),
            "{out}\n{err}"
        );
        if format == "text" {
            assert!(
                out.contains(&format!("endpoint: {shown} (HTTP 500)")),
                "{out}"
            );
        }
        if format == "junit" {
            assert!(
                out.contains(&format!("<testsuite name=\"{shown}\"")),
                "{out}"
            );
        }
    }

    let wrong = format!("http://deploy:hunter2@127.0.0.1:{port}/private");
    for format in ["text", "junit", "nagios"] {
        let output = cargo_smoke(&["--url", &wrong, "--format", format]).await;
        let (out, err) = (stdout(&output), stderr(&output));
        assert!(
            !out.contains("hunter2") && !err.contains("hunter2"),
            "{out}\n{err}"
        );
        assert!(
            out.contains(&format!(
                "http://deploy:***@127.0.0.1:{port}/private answered HTTP 401"
            )) || err.contains(&format!(
                "http://deploy:***@127.0.0.1:{port}/private answered HTTP 401"
            )),
            "{out}\n{err}"
        );
    }

    let closed = format!("http://deploy:hunter2@127.0.0.1:{}/smoketest", free_port());
    let output = cargo_smoke(&["--url", &closed, "--format", "junit"]).await;
    exits(&output, 2);
    let (out, err) = (stdout(&output), stderr(&output));
    assert!(
        !out.contains("hunter2") && !err.contains("hunter2"),
        "{out}\n{err}"
    );
    assert!(err.contains("GET http://deploy:***@127.0.0.1:"), "{err}");
}

#[tokio::test]
async fn https_endpoints_are_verified_against_the_ca_given() {
    let ca = Ca::new("Smoke Test CA");
    let server = TlsServer::start(ca.leaf(-1, 90), |request| endpoint(request, PASS, 200)).await;
    let url = format!("https://localhost:{}/smoketest", server.port());

    let output = cargo_smoke(&["--url", &url]).await;
    exits(&output, 2);
    let err = stderr(&output);
    assert!(
        err.contains("not signed by a CA this machine trusts"),
        "{err}"
    );

    let pem = std::env::temp_dir().join(format!("cargo-smoke-ca-{}.pem", std::process::id()));
    std::fs::write(&pem, &ca.pem).unwrap();
    let output = cargo_smoke(&[
        "--url",
        &url,
        "--cacert",
        pem.to_str().unwrap(),
        "--format",
        "nagios",
    ])
    .await;
    let _ = std::fs::remove_file(&pem);
    exits(&output, 0);
    assert!(
        stdout(&output).starts_with("SMOKE OK - 5 tests passed | "),
        "{}",
        stdout(&output)
    );

    let output = cargo_smoke(&["--url", &url, "--cacert", "/no/such/ca.pem"]).await;
    exits(&output, 2);
    assert!(stderr(&output).contains("cannot read --cacert /no/such/ca.pem"));
}

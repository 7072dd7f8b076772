//! `TlsCheck`, `tls_cert_valid_for` and `HttpCheck` over https against a TLS server with
//! certificates made for the test: valid, expiring soon, expired, untrusted, misnamed.

use smoke_runtime::checks::{self, HttpCheck, TlsCheck};
use smoke_tests::http_responder::Response;
use smoke_tests::tls::{Ca, TlsServer};
use smoke_tests::verdict::{errored, failed, says};

use super::closed_address;

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

    let closed = closed_address();
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

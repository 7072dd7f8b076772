//! `http_status` and `HttpCheck` against a local HTTP server: expected and other
//! statuses, credentials in the URL (sent, never shown), timeouts and bad URLs.

use std::time::Duration;

use smoke_runtime::checks::{self, HttpCheck};
use smoke_tests::http_responder::{Responder, Response};
use smoke_tests::verdict::{errored, failed, says};

use super::closed_address;

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

    let closed = closed_address();
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

    let closed = closed_address();
    let error = failed(
        checks::http_status(&format!("http://{closed}/"), 200, Duration::from_secs(5)).await,
    );
    says(&error, &format!("could not connect to {closed}"));

    let error =
        errored(checks::http_status("localhost:8080/health", 200, Duration::from_secs(1)).await);
    says(&error, "is not a URL the HTTP check can use");
}

//! The smoke endpoint as an [actix-web] 4 [`Scope`], to mount at any path of an `App`.
//!
//! [`scope`] gives the same routes and answers as [`Smoke::handle`]: `prefix` and
//! `prefix/` run the tests, the other routes of [`Route::from_path`] (`prefix/metrics`,
//! `prefix/livez`, `prefix/readyz`, `prefix/startupz`, `prefix/gate`) answer with or
//! without a trailing slash, any other path below the prefix is a 404; the same
//! statuses, headers and bodies, query handling, 401 for a wrong token and 405 (with
//! `Allow: GET, HEAD`) for other methods.
//!
//! actix-web 4 is built on version 0.2 of the `http` crate and the endpoint on 1.x, so the
//! request head (method, URI, headers) and the response (status, headers, body) are copied
//! across one header at a time; the request body is never read (so a Flagger webhook,
//! `POST prefix/gate`, gets 405; Argo Rollouts' `GET prefix/gate` works).
//!
//! ```no_run
//! use actix_web::{web, App, HttpServer};
//! use smoke_runtime::http::Smoke;
//!
//! # fn main() -> std::io::Result<()> {
//! let smoke = Smoke::builder().build();
//! actix_web::rt::System::new().block_on(
//!     HttpServer::new(move || {
//!         App::new()
//!             .route("/", web::get().to(|| async { "the service itself" }))
//!             .service(smoke_runtime::actix::scope(smoke.clone(), "/smoketest"))
//!     })
//!     .bind("127.0.0.1:8080")?
//!     .run(),
//! )
//! # }
//! ```
//!
//! The tests run on the worker's runtime (actix runs tokio underneath), and every clone of
//! the [`Smoke`] shares its runs, cache and limits, whichever worker answers.
//!
//! [actix-web]: https://docs.rs/actix-web

use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse, Scope};

#[cfg(doc)]
use crate::http::Route;
use crate::http::Smoke;
use crate::mount::{self, Mounted};

/// The endpoint's routes under `prefix` (a trailing `/` is ignored), as a scope to pass to
/// `App::service` (or `ServiceConfig::service`, or another scope's `service`).
///
/// # Panics
///
/// When `prefix` does not start with `/` or is the root.
///
/// ```
/// use actix_web::{test, App};
/// use smoke_runtime::http::Smoke;
///
/// # actix_web::rt::System::new().block_on(async {
/// let app = test::init_service(
///     App::new().service(smoke_runtime::actix::scope(Smoke::builder().build(), "/smoketest")),
/// )
/// .await;
/// let livez = test::call_service(&app, test::TestRequest::get().uri("/smoketest/livez/").to_request()).await;
/// assert_eq!(livez.status(), 200);
/// let post = test::call_service(&app, test::TestRequest::post().uri("/smoketest").to_request()).await;
/// assert_eq!(post.status(), 405);
/// assert_eq!(post.headers().get("allow").unwrap(), "GET, HEAD");
/// # });
/// ```
pub fn scope(smoke: Smoke, prefix: &str) -> Scope {
    let prefix = mount::canonical_prefix(prefix);
    web::scope(&prefix).default_service(web::to(move |request: HttpRequest| {
        let smoke = smoke.clone();
        async move { answer(&smoke, &request).await }
    }))
}

/// Answers one request that reached the scope.
async fn answer(smoke: &Smoke, request: &HttpRequest) -> HttpResponse {
    // What is left of the path once the scope (and any scope around it) matched.
    let route = match mount::route_rest(request.match_info().unprocessed()) {
        Some(Mounted::Route(route)) => route,
        _ => return to_actix(mount::not_found()),
    };
    let head = match to_http(request) {
        Ok(head) => head,
        Err(why) => {
            return HttpResponse::BadRequest()
                .content_type("text/plain; charset=utf-8")
                .body(format!("bad request: {why}\n"))
        }
    };
    to_actix(smoke.respond(route, &head).await)
}

/// The request head as the endpoint's `http` 1.x request.
fn to_http(request: &HttpRequest) -> Result<http::Request<()>, http::Error> {
    let uri = request
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    let mut head = http::Request::builder()
        .method(request.method().as_str())
        .uri(uri);
    for (name, value) in request.headers() {
        head = head.header(name.as_str(), value.as_bytes());
    }
    head.body(())
}

/// The endpoint's answer as an actix response, every header copied (repeated ones too).
fn to_actix(response: http::Response<String>) -> HttpResponse {
    let (parts, body) = response.into_parts();
    let status =
        StatusCode::from_u16(parts.status.as_u16()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut out = HttpResponse::with_body(status, body);
    for (name, value) in &parts.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_str().as_bytes()),
            HeaderValue::from_bytes(value.as_bytes()),
        ) {
            out.headers_mut().append(name, value);
        }
    }
    out.map_into_boxed_body()
}

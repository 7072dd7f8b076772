//! Property tests of the request parsing: random `Accept` headers and query strings, built
//! from the pieces real and broken clients send, over a real loopback connection. Every
//! smoke test here passes, so the properties are:
//!
//! - the endpoint never answers with a 5xx (a 5xx would claim a failed smoke run);
//! - it answers 200, 400, 401 (exactly when the bearer token is wrong) or 406, and a 4xx
//!   never starts a run;
//! - a 200 carries one of the five formats.
//!
//! The parsers are also fed arbitrary Unicode in process, where they must not panic.
//! `SMOKE_FUZZ_SEED` and `SMOKE_FUZZ_CASES` reproduce or extend a run.

use hyper::StatusCode;
use smoke_runtime::http::{negotiate, parse_query, Details, Smoke};
use smoke_runtime::prelude::*;
use smoke_runtime::Selection;
use smoke_tests::http_client::{raw, serve_axum, Client};

#[smoke_test(tags("db", "readiness"))]
fn fuzz_target_db() -> SmokeResult {
    Ok(())
}

#[smoke_test(tags("cache"))]
async fn fuzz_target_cache() -> SmokeResult {
    Ok(())
}

/// SplitMix64: small, fast, and the same sequence everywhere for a seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

fn seed_and_cases() -> (u64, usize) {
    let seed = std::env::var("SMOKE_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5EED_2026);
    let cases = std::env::var("SMOKE_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1500);
    (seed, cases)
}

const MEDIA: &[&str] = &[
    "text/plain",
    "application/json",
    "application/health+json",
    "text/html",
    "application/xml",
    "text/xml",
    "*/*",
    "text/*",
    "application/*",
    "image/png",
    "image/*",
    "application/xhtml+xml",
    "TEXT/HTML",
    "text/plain;charset=utf-8",
    "application/json;v=\"1;2\"",
    "video/mp4",
    "font/woff2",
];
const MEDIA_ODD: &[&str] = &[
    "*/html", "text", "/", "a/b/c", "", " ", "*", "x/y;\"", ";q=1", "a/b;c",
];
const Q: &[&str] = &[
    "", "", ";q=0", ";q=1", ";q=0.5", ";q=0.001", ";q=1.000", "; q=0.3", ";Q=0.9", ";level=1",
    ";a=\"b\"",
];
const Q_ODD: &[&str] = &[
    ";q=1.5",
    ";q=-1",
    ";q=",
    ";q",
    ";q=0.1234",
    ";q=abc",
    ";q=\"0.5\"",
];

/// One of `usual`, or now and then one of `odd`.
fn either<'a>(rng: &mut Rng, usual: &[&'a str], odd: &[&'a str]) -> &'a str {
    if rng.below(12) == 0 {
        rng.pick(odd)
    } else {
        rng.pick(usual)
    }
}

fn accept(rng: &mut Rng) -> String {
    let n = rng.below(5);
    let mut parts = Vec::new();
    for _ in 0..n {
        let mut part = either(rng, MEDIA, MEDIA_ODD).to_owned();
        part.push_str(either(rng, Q, Q_ODD));
        parts.push(part);
    }
    let separator = rng.pick(&[",", ", ", " ,", ",,"]);
    parts.join(separator)
}

const KEYS: &[&str] = &["tag", "test", "format", "format", "t%61g"];
const KEYS_ODD: &[&str] = &["Tag", "tags", "", "x", "format%", "%74%61%67"];
const VALUES: &[&str] = &[
    "db",
    "cache",
    "readiness",
    "json",
    "text",
    "health",
    "html",
    "junit",
    "http_fuzz::fuzz_target_db",
    "http_fuzz%3A%3Afuzz_target_cache",
    "%64b",
];
const VALUES_ODD: &[&str] = &[
    "nope",
    "",
    "pdf",
    "http_fuzz::missing",
    "%",
    "%4",
    "%zz",
    "%ff",
    "%c3%a9",
    "%00",
    "+",
    "a+b",
    "%2B",
    "=",
    "==",
    "%E2%82",
    "~!*'()",
];

fn query(rng: &mut Rng) -> String {
    let n = rng.below(4);
    let mut pairs = Vec::new();
    for _ in 0..n {
        let key = either(rng, KEYS, KEYS_ODD);
        let pair = match rng.below(12) {
            0 => key.to_owned(),
            _ => format!("{key}={}", either(rng, VALUES, VALUES_ODD)),
        };
        pairs.push(pair);
    }
    pairs.join(rng.pick(&["&", "&&", "&"]))
}

#[tokio::test]
async fn random_accept_headers_and_queries_never_get_a_5xx() {
    let (seed, cases) = seed_and_cases();
    let mut rng = Rng(seed);
    let smoke = Smoke::builder()
        .details(Details::WhenAuthorized("fuzz-token".into()))
        .only(Selection::all().filter("fuzz_target"))
        .build();
    let app = axum::Router::new().nest("/smoke", smoke_runtime::axum::router(smoke.clone()));
    let addr = serve_axum(app).await;
    let mut client = Client::connect(addr).await;
    const AUTHORIZATION: &[&str] = &[
        "Bearer fuzz-token",
        "bearer fuzz-token",
        "Bearer  fuzz-token ",
        "Bearer fuzz-toke",
        "Bearer fuzz-token2",
        "Basic ZnV6ei10b2tlbg==",
        "fuzz-token",
        "Bearer",
        "",
    ];
    let mut seen = std::collections::BTreeMap::new();
    for case in 0..cases {
        let accept = accept(&mut rng);
        let query = query(&mut rng);
        let path = match (query.is_empty(), rng.below(4)) {
            (true, _) => "/smoke".to_owned(),
            (false, 0) => format!("/smoke/readyz?{query}"),
            (false, _) => format!("/smoke?{query}"),
        };
        if path.parse::<hyper::Uri>().is_err() {
            continue;
        }
        let mut headers: Vec<(&str, &str)> = Vec::new();
        if rng.below(10) != 0 {
            headers.push(("accept", accept.as_str()));
        }
        let authorization = (rng.below(3) == 0).then(|| rng.pick(AUTHORIZATION));
        if let Some(value) = authorization {
            headers.push(("authorization", value));
        }
        let runs_before = smoke.runs();
        let reply = client.get(&path, &headers).await;
        let context = format!(
            "case {case} (SMOKE_FUZZ_SEED={seed}): GET {path} {headers:?} -> {} {}",
            reply.status, reply.body
        );
        assert!(!reply.status.is_server_error(), "{context}");
        assert!(
            [
                StatusCode::OK,
                StatusCode::BAD_REQUEST,
                StatusCode::UNAUTHORIZED,
                // A selection from a caller without the token.
                StatusCode::FORBIDDEN,
                StatusCode::NOT_ACCEPTABLE
            ]
            .contains(&reply.status),
            "{context}"
        );
        // A wrong token is refused before anything else is looked at.
        let token_ok = authorization.is_none_or(|a| {
            let a = a.trim();
            a.len() > 7 && a[..7].eq_ignore_ascii_case("bearer ") && a[7..].trim() == "fuzz-token"
        });
        assert_eq!(
            reply.status == StatusCode::UNAUTHORIZED,
            !token_ok,
            "{context}"
        );
        if reply.status.is_client_error() {
            assert_eq!(
                smoke.runs(),
                runs_before,
                "a bad request started a run: {context}"
            );
            assert!(!reply.body.trim().is_empty(), "no message: {context}");
        } else {
            assert!(
                [
                    "text/plain; charset=utf-8",
                    "application/json",
                    "application/health+json",
                    "text/html; charset=utf-8",
                    "application/xml; charset=utf-8"
                ]
                .contains(&reply.header("content-type")),
                "{context}"
            );
        }
        *seen.entry(reply.status.as_u16()).or_insert(0) += 1;
    }
    // The generator reaches every class of answer.
    for status in [200, 400, 401, 406] {
        assert!(seen.get(&status).copied().unwrap_or(0) > 10, "{seen:?}");
    }
    println!("answers by status over {cases} cases: {seen:?}");
}

#[tokio::test]
async fn header_bytes_that_are_not_text_get_a_400() {
    let smoke = Smoke::builder()
        .only(Selection::all().filter("fuzz_target"))
        .build();
    let app = axum::Router::new().nest("/smoke", smoke_runtime::axum::router(smoke.clone()));
    let addr = serve_axum(app).await;
    let mut rng = Rng(seed_and_cases().0);
    for _ in 0..50 {
        let mut value: Vec<u8> = b"text/plain".to_vec();
        for _ in 0..rng.below(6) + 1 {
            value.insert(rng.below(value.len() + 1), 0x80 + rng.below(0x7f) as u8);
        }
        let mut request =
            b"GET /smoke HTTP/1.1\r\nhost: x\r\nconnection: close\r\naccept: ".to_vec();
        request.extend_from_slice(&value);
        request.extend_from_slice(b"\r\n\r\n");
        let reply = raw(addr, &request).await;
        assert!(reply.starts_with("HTTP/1.1 400"), "{value:?}: {reply}");
    }
    assert_eq!(smoke.runs(), 0);
}

#[test]
fn the_parsers_never_panic_on_any_text() {
    let (seed, cases) = seed_and_cases();
    let mut rng = Rng(seed);
    let alphabet: Vec<char> = "ab*/;=,.\"\\ q01%+&é\u{0}\u{7f}\u{10FFFF}\t xyz-9"
        .chars()
        .collect();
    for _ in 0..cases * 40 {
        let len = rng.below(40);
        let text: String = (0..len)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect();
        let _ = negotiate(Some(&text));
        let _ = parse_query(&text, &["tag", "test", "format"]);
    }
}

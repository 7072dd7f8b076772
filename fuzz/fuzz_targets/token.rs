//! The bearer-token check: a configured token and an `Authorization` header, both from
//! the input. It never panics, and grants access exactly to `Bearer <the token>`.
#![no_main]

use http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;
use smoke_runtime::http::token::{Access, BearerToken};

fuzz_target!(|data: &[u8]| {
    let split = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let (configured, header) = (&data[..split], data.get(split + 1..).unwrap_or(&[]));
    let Ok(configured) = std::str::from_utf8(configured) else {
        return;
    };
    let Some(token) = BearerToken::new(configured) else {
        let token = configured.trim();
        assert!(token.is_empty() || !token.bytes().all(|b| b.is_ascii_graphic()));
        return;
    };
    let mut headers = HeaderMap::new();
    let Ok(value) = HeaderValue::from_bytes(header) else {
        return;
    };
    headers.insert("authorization", value);
    let access = token.check(&headers);
    assert_ne!(access, Access::Anonymous);
    // A header is text only in visible ASCII, spaces and tabs (what `HeaderValue::to_str`
    // reads); any other byte makes it something no token can match.
    let text = header
        .iter()
        .all(|&b| b == b'\t' || (0x20..0x7f).contains(&b));
    let expected = std::str::from_utf8(header)
        .ok()
        .filter(|_| text)
        .and_then(|h| {
            let (scheme, rest) = h.trim().split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("bearer")
                .then(|| rest.trim() == configured.trim())
        });
    assert_eq!(
        access == Access::Granted,
        expected == Some(true),
        "{configured:?} {header:?}"
    );
});

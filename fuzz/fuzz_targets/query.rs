//! The endpoint's query string: any bytes, as the URI's query, parsed for the run route.
//! It never panics, and what it accepts is what the route takes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smoke_runtime::http::{parse_query, MAX_PARAMS};

const RUN_ROUTE: &[&str] = &["tag", "test", "format", "fresh"];

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(query) = parse_query(raw, RUN_ROUTE) {
        assert!(query.tags.len() + query.tests.len() <= MAX_PARAMS);
        assert!(query
            .tags
            .iter()
            .chain(&query.tests)
            .all(|v| !v.trim().is_empty()));
    }
    // A route that takes nothing accepts only an empty query.
    if let Ok(query) = parse_query(raw, &[]) {
        assert!(query.tags.is_empty() && query.tests.is_empty() && query.format.is_none());
    }
});

//! `Accept` negotiation: any header value. It never panics; a format it picks is one the
//! endpoint serves.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smoke_runtime::http::{negotiate, Format};

fuzz_target!(|data: &[u8]| {
    let Ok(accept) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(format) = negotiate(Some(accept)) {
        assert!(Format::ALL.contains(&format));
    }
});

//! The duration parser of `#[smoke_test(timeout = "...")]`, read at compile time: any
//! text. It never panics, and what it accepts is a positive, bounded number of
//! milliseconds.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The proc-macro crate cannot be linked into a program: its parser is a plain module.
#[path = "../../smoke-macros/src/duration.rs"]
#[allow(dead_code)]
mod duration;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(ms) = duration::parse_duration(text) {
        assert!(ms > 0, "{text:?} -> {ms}");
        assert!(text.chars().any(|c| c.is_ascii_digit()), "{text:?} -> {ms}");
    }
});

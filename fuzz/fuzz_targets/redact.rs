//! The redactor: a configured secret and a message, both from the input. It never
//! panics, and the secret never survives, raw or escaped the way the assertion macros and
//! JSON show it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smoke_runtime::report::redact::Redactor;

fuzz_target!(|data: &[u8]| {
    let split = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let (secret, message) = (&data[..split], data.get(split + 1..).unwrap_or(&[]));
    let (Ok(secret), Ok(message)) = (std::str::from_utf8(secret), std::str::from_utf8(message))
    else {
        return;
    };
    // Masks are `***`: a secret made of them, or too short to be one, proves nothing.
    let secret = secret.trim();
    if secret.chars().count() < 4 || secret.contains('*') {
        return;
    }
    let redactor = Redactor::new().secret(secret).max_len(1 << 20);
    let debug = format!("{secret:?}");
    for text in [
        message.to_owned(),
        format!("{message}{secret}{message}"),
        format!("actual: {debug}, {message}"),
    ] {
        let out = redactor.redact(&text);
        assert!(!out.contains(secret), "{secret:?} survives in {out:?}");
        let escaped = &debug[1..debug.len() - 1];
        assert!(!out.contains(escaped), "{escaped:?} survives in {out:?}");
    }
});

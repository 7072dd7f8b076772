//! The assertion macros, as a user calls them: the helpers their tests share.

mod arguments;
mod equality;
mod expect;
mod failures;

use crate::prelude::*;
use crate::ErrorKind;

/// The failure `check` ends with; panics when it passes.
fn failure(check: impl FnOnce() -> SmokeResult) -> SmokeError {
    match check() {
        Ok(()) => panic!("the check passed"),
        Err(e) => e,
    }
}

/// The message `check` fails with, after checking it is a failure.
fn message(check: impl FnOnce() -> SmokeResult) -> String {
    let e = failure(check);
    assert_eq!(e.kind(), ErrorKind::Failure, "{e}");
    e.message().to_owned()
}

struct Opaque(u8);

impl PartialEq for Opaque {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

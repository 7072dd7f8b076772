//! Panics in tests: catching them in futures, their message, the error a caught panic
//! becomes, and the quiet panic hook that records where a test panicked.

use std::any::Any;
use std::cell::Cell;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::Once;
use std::task::{Context as TaskContext, Poll};

use crate::context::Context;
use crate::error::{ErrorKind, Location, SmokeError};

/// A panic's payload, as `catch_unwind` gives it.
pub(crate) type Panic = Box<dyn Any + Send>;

/// A future with its panics caught: `Err(payload)` when polling it panicked.
pub(crate) struct CatchUnwind<F: ?Sized>(pub(crate) Pin<Box<F>>);

impl<F: Future + ?Sized> Future for CatchUnwind<F> {
    type Output = Result<F::Output, Panic>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Self::Output> {
        match catch_unwind(AssertUnwindSafe(|| self.0.as_mut().poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(output)) => Poll::Ready(Ok(output)),
            Err(payload) => Poll::Ready(Err(payload)),
        }
    }
}

/// The text of a panic's payload.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic with a non-string payload".to_owned())
}

/// A caught panic as a test error: std's `assert!` family counts as a failure, any other
/// panic as an error. The location comes from the panic hook when it saw the panic.
pub(crate) fn panic_error(ctx: &Context, payload: Panic) -> SmokeError {
    let message = panic_message(&*payload);
    let kind = if message.starts_with("assertion") {
        ErrorKind::Failure
    } else {
        ErrorKind::Error
    };
    let err = SmokeError::new(kind, format!("panicked: {message}"));
    match ctx.take_panic_location() {
        Some(Location { file, line }) => err.at(&file, line),
        None => err,
    }
}

/// Installs, once, a panic hook that records where a smoke test panicked and keeps the
/// panic out of the host's stderr; panics outside smoke tests go to the previous hook.
pub(crate) fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| match Context::current() {
            Some(ctx) => {
                if let Some(at) = info.location() {
                    ctx.set_panic_location(Location {
                        file: at.file().to_owned(),
                        line: at.line(),
                    });
                }
            }
            None if quiet() => {}
            None => previous(info),
        }));
    });
}

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Whether this thread runs a suite-wide hook: its panics are the hook's result, not
/// something for the host's stderr.
fn quiet() -> bool {
    QUIET.with(Cell::get)
}

/// Keeps this thread's panics off stderr (a suite-wide hook's thread) until dropped.
pub(crate) struct Quiet;

impl Quiet {
    pub(crate) fn enter() -> Self {
        QUIET.with(|q| q.set(true));
        Quiet
    }
}

impl Drop for Quiet {
    fn drop(&mut self) {
        QUIET.with(|q| q.set(false));
    }
}

//! Ctrl-C during a run: the first stops new tests from starting, the second exits.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::{AroundEach, BoxFuture, Context, SmokeError, SmokeResult};

/// How long the tests running at the first Ctrl-C get to finish, cleanups and tear-downs
/// included, before the program exits without them.
pub const INTERRUPT_GRACE: Duration = Duration::from_secs(10);

/// Whether Ctrl-C was pressed: set by the signal listener, read before each test starts.
#[derive(Clone, Default)]
pub(super) struct Interrupt(Arc<AtomicBool>);

impl Interrupt {
    pub(super) fn interrupted(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// Listens for SIGINT (Unix): the first sets the flag and bounds the rest of the run
    /// by [`INTERRUPT_GRACE`], the second exits at once.
    #[cfg(unix)]
    pub(super) fn listen(&self) {
        use tokio::signal::unix::{signal, SignalKind};
        let Ok(mut sigint) = signal(SignalKind::interrupt()) else {
            return;
        };
        let flag = self.0.clone();
        tokio::spawn(async move {
            sigint.recv().await;
            flag.store(true, Ordering::SeqCst);
            note(&format!(
                "interrupted: no more tests start; the running ones get {} to finish \
                 (Ctrl-C again to exit now)",
                humantime::format_duration(INTERRUPT_GRACE)
            ));
            tokio::select! {
                _ = sigint.recv() => note("interrupted again: exiting without the running tests' cleanups and tear-downs"),
                () = tokio::time::sleep(INTERRUPT_GRACE) => note(&format!(
                    "the running tests did not finish within {}: exiting without their \
                     cleanups and tear-downs",
                    humantime::format_duration(INTERRUPT_GRACE)
                )),
            }
            std::process::exit(130);
        });
    }

    #[cfg(not(unix))]
    pub(super) fn listen(&self) {}
}

/// A line on standard error, at once.
fn note(line: &str) {
    let _ = writeln!(io::stderr(), "{line}");
}

impl AroundEach for Interrupt {
    fn before<'a>(&'a self, _ctx: &'a Context) -> BoxFuture<'a, SmokeResult> {
        let interrupted = self.interrupted();
        Box::pin(async move {
            if interrupted {
                Err(SmokeError::error(
                    "the run was interrupted (Ctrl-C): the test was not started",
                ))
            } else {
                Ok(())
            }
        })
    }

    fn after<'a>(&'a self, _ctx: &'a Context) -> BoxFuture<'a, SmokeResult> {
        Box::pin(async { Ok(()) })
    }
}

//! A deadline on a future whose timer is armed only when the future has to wait.
//!
//! Most smoke tests' set-up, body and tear-down are ready the first time they are polled;
//! arming a timer for each (a lookup of the runtime, an entry in its timer wheel) cost
//! more than the test itself. [`Deadline`] polls the future first, and only when it is
//! pending arms a `tokio` timer for what is left.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};
use std::time::Instant;

use tokio::time::Sleep;

/// The future did not finish by its deadline.
#[derive(Debug)]
pub(crate) struct Late;

/// `future`, or [`Late`] at `at`. Like `tokio::time::timeout_at`, it polls the future
/// before it looks at the time.
pub(crate) fn deadline<F: Future + Unpin>(at: Instant, future: F) -> Deadline<F> {
    Deadline {
        future,
        at,
        timer: None,
    }
}

/// See [`deadline`].
pub(crate) struct Deadline<F> {
    future: F,
    at: Instant,
    timer: Option<Pin<Box<Sleep>>>,
}

impl<F: Future + Unpin> Future for Deadline<F> {
    type Output = Result<F::Output, Late>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        if let Poll::Ready(value) = Pin::new(&mut this.future).poll(cx) {
            return Poll::Ready(Ok(value));
        }
        match poll_timer(&mut this.timer, this.at, cx) {
            Poll::Ready(()) => Poll::Ready(Err(Late)),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// Polls the timer of a deadline at `at`: ready once it has passed. It is armed (kept in
/// `timer`) the first time, when what it limits has had to wait.
pub(crate) fn poll_timer(
    timer: &mut Option<Pin<Box<Sleep>>>,
    at: Instant,
    cx: &mut TaskContext<'_>,
) -> Poll<()> {
    timer
        .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(at.into())))
        .as_mut()
        .poll(cx)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn a_ready_future_needs_no_timer_and_a_waiting_one_ends_at_the_deadline() {
        let past = Instant::now();
        assert!(matches!(deadline(past, std::future::ready(7)).await, Ok(7)));

        let at = Instant::now() + Duration::from_millis(30);
        let never = std::future::pending::<()>();
        assert!(deadline(at, never).await.is_err());
        assert!(Instant::now() >= at);
    }
}

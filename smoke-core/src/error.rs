//! The error a smoke test ends with, and how a test's return value becomes one.

use std::any::Any;
use std::fmt;

/// What a test returns: `Ok(())` when it passed.
///
/// `SmokeResult<T>` is also what fixtures and suite set-ups return.
pub type SmokeResult<T = ()> = Result<T, SmokeError>;

/// Why a test did not pass.
///
/// `?` converts any [`std::error::Error`] into a `SmokeError` of kind
/// [`ErrorKind::Error`]; the assertion macros build failures of kind
/// [`ErrorKind::Failure`].
///
/// ```
/// use smoke_core::{SmokeError, SmokeResult, ErrorKind};
///
/// fn read() -> SmokeResult {
///     std::fs::read("/definitely/not/here")?; // an io::Error: the test *errored*
///     Ok(())
/// }
/// assert_eq!(read().unwrap_err().kind(), ErrorKind::Error);
/// assert_eq!(SmokeError::failure("n is 0").kind(), ErrorKind::Failure);
/// ```
pub struct SmokeError {
    kind: ErrorKind,
    message: String,
    location: Option<Location>,
}

/// The kind of a [`SmokeError`]; it decides the test's outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An assertion did not hold: the test *failed*.
    Failure,
    /// Something went wrong that is not an assertion (an `Err`, a panic): the test *errored*.
    Error,
    /// The test ran past its timeout.
    TimedOut,
    /// The test asked to be skipped while running (see [`SmokeError::skip`]).
    Skipped,
}

/// A place in the source: where a failure was raised.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Location {
    /// The source file, as `file!()` gives it.
    pub file: String,
    /// The 1-based line.
    pub line: u32,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

impl SmokeError {
    /// A new error of the given kind.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        SmokeError {
            kind,
            message: message.into(),
            location: None,
        }
    }

    /// An assertion failure: the test *failed*.
    pub fn failure(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Failure, message)
    }

    /// An error that is not an assertion: the test *errored*.
    pub fn error(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Error, message)
    }

    /// Ends the test as *skipped*, with the reason given (unittest's `skipTest`).
    ///
    /// ```
    /// # use smoke_core::{SmokeError, SmokeResult};
    /// fn s3_reachable() -> SmokeResult {
    ///     if std::env::var_os("S3_BUCKET").is_none() {
    ///         return Err(SmokeError::skip("no S3 bucket configured here"));
    ///     }
    ///     Ok(())
    /// }
    /// ```
    pub fn skip(reason: impl Into<String>) -> Self {
        Self::new(ErrorKind::Skipped, reason)
    }

    /// The same error, raised at `file:line`.
    pub fn at(mut self, file: &str, line: u32) -> Self {
        self.location = Some(Location {
            file: file.to_owned(),
            line,
        });
        self
    }

    /// The kind, which decides the outcome.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message, without the location.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Where the error was raised, when known.
    pub fn location(&self) -> Option<&Location> {
        self.location.as_ref()
    }

    /// Adds a paragraph to the message (used to fold several failures into one).
    pub fn append(&mut self, more: &str) {
        if !self.message.is_empty() {
            self.message.push_str("\n\n");
        }
        self.message.push_str(more);
    }
}

impl fmt::Debug for SmokeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for SmokeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(at) = &self.location {
            write!(f, "\n  at {at}")?;
        }
        Ok(())
    }
}

/// Any `std::error::Error` becomes an error of kind [`ErrorKind::Error`], with its
/// chain of sources in the message. This is what makes `?` work in tests.
impl<E> From<E> for SmokeError
where
    E: std::error::Error + Send + Sync + 'static,
{
    fn from(error: E) -> Self {
        let mut message = error.to_string();
        let mut source = error.source();
        while let Some(cause) = source {
            message.push_str(": ");
            message.push_str(&cause.to_string());
            source = cause.source();
        }
        SmokeError::error(message)
    }
}

/// What a test function may return: `()`, [`SmokeResult`], or `Result<(), E>` for any
/// `E: Display`.
///
/// The generated wrapper calls this to turn the return value into a [`SmokeResult`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a smoke test outcome",
    label = "a smoke test cannot return this",
    note = "a smoke test returns `()`, `SmokeResult`, or `Result<(), E>` where `E: Display`"
)]
pub trait IntoSmokeResult {
    /// The value as a [`SmokeResult`].
    fn into_smoke_result(self) -> SmokeResult;
}

impl IntoSmokeResult for () {
    fn into_smoke_result(self) -> SmokeResult {
        Ok(())
    }
}

impl<E: fmt::Display + 'static> IntoSmokeResult for Result<(), E> {
    fn into_smoke_result(self) -> SmokeResult {
        self.map_err(into_smoke_error)
    }
}

/// Turns any displayable error into a [`SmokeError`], keeping a `SmokeError` as it is
/// (its kind and location matter).
pub fn into_smoke_error<E: fmt::Display + 'static>(error: E) -> SmokeError {
    let mut slot = Some(error);
    if let Some(own) = (&mut slot as &mut dyn Any).downcast_mut::<Option<SmokeError>>() {
        if let Some(own) = own.take() {
            return own;
        }
    }
    match slot {
        // `{:#}` asks error types that support it (anyhow, eyre) for their whole chain.
        Some(other) => SmokeError::error(format!("{other:#}")),
        None => SmokeError::error("error"),
    }
}

/// Folds a later result into an earlier one: the earlier error's kind wins, and every
/// message is kept.
pub(crate) fn combine(first: SmokeResult, then: SmokeResult) -> SmokeResult {
    match (first, then) {
        (Ok(()), later) => later,
        (Err(e), Ok(())) => Err(e),
        (Err(mut e), Err(later)) => {
            e.append(&later.to_string());
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn question_mark_keeps_the_source_chain() {
        #[derive(Debug)]
        struct Outer(std::io::Error);
        impl fmt::Display for Outer {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("reading config")
            }
        }
        impl std::error::Error for Outer {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        let e: SmokeError = Outer(std::io::Error::other("disk gone")).into();
        assert_eq!(e.kind(), ErrorKind::Error);
        assert_eq!(e.message(), "reading config: disk gone");
    }

    #[test]
    fn a_smoke_error_keeps_its_kind_through_into_smoke_result() {
        let r: Result<(), SmokeError> = Err(SmokeError::failure("x").at("a.rs", 3));
        let e = r.into_smoke_result().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Failure);
        assert_eq!(e.location().unwrap().to_string(), "a.rs:3");
    }

    #[test]
    fn any_display_error_becomes_an_error() {
        let r: Result<(), &str> = Err("plain");
        let e = r.into_smoke_result().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Error);
        assert_eq!(e.message(), "plain");
    }
}

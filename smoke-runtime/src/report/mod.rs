//! Turning a [`Report`](crate::Report) into the formats people and machines read.

pub mod damping;
mod format;
pub mod health;
pub mod history;
pub mod html;
pub mod json;
pub mod junit;
pub mod prometheus;
pub mod provenance;
pub mod redact;
pub(crate) mod slots;
pub mod text;

pub use format::Format;

/// How much a rendered report may show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RenderOptions {
    /// Show test names, messages and locations. Without details a reader sees the status
    /// and the counts only.
    pub details: bool,
    /// Colour with ANSI escapes (text on a terminal only).
    pub color: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            details: true,
            color: false,
        }
    }
}

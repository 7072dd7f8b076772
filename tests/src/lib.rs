//! Shared helpers of the behaviour tests.

pub mod http_responder;

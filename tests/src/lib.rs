//! Shared helpers of the behaviour tests.

pub mod http_responder;

pub mod db;

pub mod http_client;

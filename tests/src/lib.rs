//! Shared helpers of the behaviour tests.

pub mod http_responder;

pub mod tls;

pub mod db;

pub mod http_client;

pub mod junit;

pub mod run;

pub mod cargo;

pub mod verdict;

pub mod port;

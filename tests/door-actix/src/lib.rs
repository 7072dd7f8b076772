//! The actix-web front door's tests (`tests/actix_scope.rs`); their HTTP/1.1 client is
//! `smoke-test-wire`'s raw one, so that no HTTP stack is shared with the server.

pub use smoke_test_wire::{get, request, Reply};

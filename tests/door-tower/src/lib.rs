//! The tower front door's tests (`tests/tower_axum.rs`): `SmokeLayer` and `SmokeService`
//! under a real axum server, queried with hyper's HTTP/1.1 client. The smoke tests they
//! serve are in the test file.

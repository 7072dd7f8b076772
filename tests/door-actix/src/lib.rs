//! Smoke tests the actix door's tests serve.

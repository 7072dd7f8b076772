//! Smoke tests the tower door's tests serve.

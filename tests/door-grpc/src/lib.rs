//! Smoke tests the grpc door's tests serve.

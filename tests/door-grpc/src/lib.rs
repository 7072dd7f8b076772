//! What the gRPC door's tests share: the Python virtualenv with the reference gRPC health
//! client (`grpcio-health-checking`), and a raw HTTP/1.1 client over a `TcpStream`
//! (`smoke-test-wire`'s) for the endpoint that `SmokeLayer` serves in front of tonic.

use std::path::{Path, PathBuf};

use smoke_test_wire::python::Venv;
pub use smoke_test_wire::{get, request, Reply};

/// The packages the Python client needs, from PyPI.
pub const PYTHON_PACKAGES: &[&str] = &["grpcio", "grpcio-health-checking"];

/// The reference gRPC health client, in a virtualenv under the test's
/// `CARGO_TARGET_TMPDIR`.
const GRPC_HEALTH: Venv = Venv {
    dir: "grpc-health-venv",
    packages: PYTHON_PACKAGES,
    check: "import grpc, grpc_health.v1.health_pb2_grpc",
    python_var: "SMOKE_TEST_PYTHON",
    hint: "the gRPC health tests need python3 with the venv module (Debian: \
           `apt-get install -y python3-venv`) and access to PyPI for grpcio and \
           grpcio-health-checking; or set SMOKE_TEST_PYTHON to an interpreter that has them",
};

/// The Python interpreter of a virtualenv with [`PYTHON_PACKAGES`], created in `tmp_dir`
/// (the tests pass the target directory's `tmp`) on first use (`python3 -m venv`, then
/// `pip install`); `SMOKE_TEST_PYTHON` names an interpreter that already has them instead.
///
/// # Panics
///
/// When the virtualenv cannot be created or the packages cannot be installed, with what to
/// do about it: the gRPC tests need the reference client and fail rather than skip.
pub fn python(tmp_dir: &Path) -> PathBuf {
    GRPC_HEALTH.required_python(tmp_dir)
}

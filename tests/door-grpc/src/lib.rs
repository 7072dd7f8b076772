//! What the gRPC door's tests share: the Python virtualenv with the reference gRPC health
//! client (`grpcio-health-checking`), and a raw HTTP/1.1 client over a `TcpStream`
//! (`smoke-test-wire`'s) for the endpoint that `SmokeLayer` serves in front of tonic.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

pub use smoke_test_wire::{get, request, Reply};

/// The packages the Python client needs, from PyPI.
pub const PYTHON_PACKAGES: &[&str] = &["grpcio", "grpcio-health-checking"];

/// The Python interpreter of a virtualenv with [`PYTHON_PACKAGES`], created in `tmp_dir`
/// (the tests pass the target directory's `tmp`) on first use (`python3 -m venv`, then
/// `pip install`); `SMOKE_TEST_PYTHON` names an interpreter that already has them instead.
///
/// # Panics
///
/// When the virtualenv cannot be created or the packages cannot be installed, with what to
/// do about it: the gRPC tests need the reference client and fail rather than skip.
pub fn python(tmp_dir: &Path) -> PathBuf {
    static CREATING: Mutex<()> = Mutex::new(());
    if let Some(python) = std::env::var_os("SMOKE_TEST_PYTHON") {
        return PathBuf::from(python);
    }
    let _one_at_a_time = CREATING.lock().unwrap_or_else(|e| e.into_inner());
    let venv = tmp_dir.join("grpc-health-venv");
    let python = venv.join("bin").join("python");
    let ready = |python: &Path| {
        Command::new(python)
            .args(["-c", "import grpc, grpc_health.v1.health_pb2_grpc"])
            .output()
            .is_ok_and(|out| out.status.success())
    };
    if ready(&python) {
        return python;
    }
    let hint = "the gRPC health tests need python3 with the venv module (Debian: \
                `apt-get install -y python3-venv`) and access to PyPI for grpcio and \
                grpcio-health-checking; or set SMOKE_TEST_PYTHON to an interpreter that has them";
    run(
        Command::new("python3")
            .args(["-m", "venv", "--clear"])
            .arg(&venv),
        hint,
    );
    run(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .args(PYTHON_PACKAGES),
        hint,
    );
    assert!(
        ready(&python),
        "{} cannot import grpc_health after installing it; {hint}",
        python.display()
    );
    python
}

fn run(command: &mut Command, hint: &str) {
    let what = format!("{command:?}");
    match command.output() {
        Ok(out) if out.status.success() => {}
        Ok(out) => panic!(
            "{what} failed ({}):\n{}{}\n{hint}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => panic!("cannot start {what}: {e}\n{hint}"),
    }
}

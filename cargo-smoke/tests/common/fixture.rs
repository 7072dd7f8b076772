//! The fixture workspace under `tests/fixture`, copied under the target directory, and
//! `cargo smoke` run in it with real `cargo`.
#![allow(dead_code)] // each test program uses a part of it

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use super::cargo_smoke_command;

/// The workspace's target directory.
pub fn target_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target")
}

/// Writes `content` to `path` unless it is there already (so cargo sees unchanged sources
/// as fresh), through a rename (so that concurrent test processes never read half a file).
pub fn write_if_changed(path: &Path, content: &[u8]) {
    if std::fs::read(path).ok().as_deref() == Some(content) {
        return;
    }
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let temporary = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&temporary, content).unwrap();
    std::fs::rename(&temporary, path).unwrap();
}

/// The copy of the fixture workspace, made once per test process.
pub fn fixture() -> &'static Path {
    static COPY: OnceLock<PathBuf> = OnceLock::new();
    COPY.get_or_init(|| {
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixture");
        let copy = target_root().join("cargo-smoke-fixture");
        let runtime = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../smoke-runtime")
            .canonicalize()
            .unwrap();
        for file in [
            "src/lib.rs",
            "tests/smoke.rs",
            "worker/src/lib.rs",
            "worker/tests/smoke.rs",
            "worker/src/bin/worker-smoke.rs",
        ] {
            write_if_changed(&copy.join(file), &std::fs::read(source.join(file)).unwrap());
        }
        for (manifest, relative) in [
            ("Cargo.toml", "../../../smoke-runtime"),
            ("worker/Cargo.toml", "../../../../smoke-runtime"),
        ] {
            let text = std::fs::read_to_string(source.join(manifest))
                .unwrap()
                .replace(relative, &runtime.to_string_lossy());
            write_if_changed(&copy.join(manifest), text.as_bytes());
        }
        // The same dependency versions as this workspace: nothing to resolve or fetch.
        let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock");
        if let Ok(lock) = std::fs::read(lock) {
            write_if_changed(&copy.join("Cargo.lock"), &lock);
        }
        copy
    })
}

/// Runs `cargo smoke ARGS` in `dir` without the variables the outer `cargo test` (or
/// nextest) sets for this test. The build goes to the target directory the CLI tests
/// build their sample crate in: the same smoke-runtime with the same features, so the
/// dependencies are built once for both.
pub fn cargo_smoke_in(dir: &Path, args: &[&str]) -> Output {
    let mut command = cargo_smoke_command();
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy().into_owned();
        let outer = key.starts_with("NEXTEST")
            || key.starts_with("CARGO_PKG_")
            || key.starts_with("CARGO_BIN_")
            || matches!(
                key.as_str(),
                "CARGO_MANIFEST_DIR"
                    | "CARGO_MANIFEST_PATH"
                    | "CARGO_CRATE_NAME"
                    | "CARGO_PRIMARY_PACKAGE"
                    | "CARGO_TARGET_TMPDIR"
                    | "CARGO_BUILD_TARGET_DIR"
                    | "RUST_TEST_THREADS"
            );
        if outer {
            command.env_remove(&key);
        }
    }
    command
        .args(args)
        .current_dir(dir)
        .env(
            "CARGO_TARGET_DIR",
            target_root().join("sample-crate/target"),
        )
        .env("CARGO_TERM_COLOR", "never")
        .env_remove("FIXTURE_API_KEY_THAT_IS_NEVER_SET")
        .output()
        .expect("run cargo-smoke")
}

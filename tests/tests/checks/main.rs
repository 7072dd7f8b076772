//! The ready-made checks against real things: directories and file systems here, a
//! program written for the test, loopback listeners, an HTTP server, a TLS server with
//! certificates made for the test.

use std::path::{Path, PathBuf};

mod directories;
mod dns_and_tcp;
mod executables;
mod free_space;
mod http;
mod tls;

/// A fresh empty directory under the target directory, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!(
            "smoke-checks-{name}-{}-{:?}",
            std::process::id(),
            std::time::SystemTime::now()
        ));
        let dir = PathBuf::from(
            dir.to_string_lossy()
                .replace([' ', '{', '}', ':', ','], "_"),
        );
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A loopback address where nothing listens.
fn closed_address() -> String {
    format!("127.0.0.1:{}", smoke_tests::port::free_port())
}

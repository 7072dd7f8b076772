//! What the OpenTelemetry export tests share: a virtualenv with the OpenTelemetry
//! project's protobuf bindings (`opentelemetry-proto` from PyPI), and an OTLP/HTTP receiver
//! on loopback (`tests/otlp_receiver.py`) that decodes each request with them and writes
//! it as JSON for the test to read.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use smoke_test_wire::python::Venv;

/// The packages from PyPI: the OTLP protobuf bindings (which bring `protobuf`).
pub const PYTHON_PACKAGES: &[&str] = &["opentelemetry-proto"];

/// The OTLP bindings, in a virtualenv under the test's `CARGO_TARGET_TMPDIR`.
const OTLP: Venv = Venv {
    dir: "otlp-venv",
    packages: PYTHON_PACKAGES,
    check: "import opentelemetry.proto.collector.trace.v1.trace_service_pb2, \
            google.protobuf.json_format",
    python_var: "SMOKE_TEST_OTLP_PYTHON",
    hint: "the OpenTelemetry export tests need python3 with the venv module (Debian: \
           `apt-get install -y python3-venv`) and access to PyPI for opentelemetry-proto; \
           or set SMOKE_TEST_OTLP_PYTHON to an interpreter that has it",
};

/// The Python interpreter of a virtualenv with [`PYTHON_PACKAGES`], created in `tmp_dir`
/// (the tests pass the target directory's `tmp`) on first use (`python3 -m venv`, then
/// `pip install`); `SMOKE_TEST_OTLP_PYTHON` names an interpreter that already has them.
/// `None` (the test then skips, saying why) when that is impossible outside CI.
///
/// # Panics
///
/// Under CI, when the virtualenv cannot be created or the bindings cannot be installed.
pub fn python(tmp_dir: &Path) -> Option<PathBuf> {
    OTLP.python(tmp_dir)
}

/// The receiver (`tests/otlp_receiver.py`) on a free loopback port, killed when dropped.
pub struct Receiver {
    child: Child,
    /// Its base URL, `http://127.0.0.1:PORT`.
    pub url: String,
    dir: PathBuf,
}

impl Receiver {
    /// Starts the receiver with `python`, writing what it receives under `dir` (emptied
    /// first).
    ///
    /// # Panics
    ///
    /// When it does not start or say its port within 30 s.
    pub fn start(python: &Path, dir: &Path) -> Receiver {
        use std::io::{BufRead, BufReader};
        let _ = std::fs::remove_dir_all(dir);
        std::fs::create_dir_all(dir).expect("the receiver's output directory");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/otlp_receiver.py");
        let mut child = Command::new(python)
            .arg(script)
            .arg(dir)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", python.display()));
        let stdout = child.stdout.take().expect("the receiver's stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the receiver says its port within 30 s");
        let port: u16 = line
            .trim()
            .strip_prefix("listening ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("the receiver said {line:?}, not its port"));
        Receiver {
            child,
            url: format!("http://127.0.0.1:{port}"),
            dir: dir.to_owned(),
        }
    }

    /// The requests of `kind` (`traces`, `metrics`) received so far, in the order they
    /// came, as `MessageToDict` wrote them.
    pub fn received(&self, kind: &str) -> Vec<Value> {
        let mut found: Vec<(u64, Value)> = std::fs::read_dir(&self.dir)
            .expect("the receiver's output directory")
            .filter_map(|entry| {
                let name = entry.ok()?.file_name().into_string().ok()?;
                let n = name
                    .strip_prefix(kind)?
                    .strip_prefix('-')?
                    .strip_suffix(".json")?
                    .parse()
                    .ok()?;
                let text = std::fs::read_to_string(self.dir.join(&name)).ok()?;
                Some((
                    n,
                    serde_json::from_str(&text).expect("the receiver writes JSON"),
                ))
            })
            .collect();
        found.sort_by_key(|(n, _)| *n);
        found.into_iter().map(|(_, v)| v).collect()
    }

    /// Everything received, as one text (to look for what must not be there).
    pub fn everything(&self) -> String {
        let mut all = String::new();
        for kind in ["traces", "metrics"] {
            for request in self.received(kind) {
                all.push_str(&request.to_string());
            }
        }
        all
    }

    /// Waits until `done` holds for what was received, for up to `limit`.
    pub fn wait_for(&self, limit: Duration, done: impl Fn(&Receiver) -> bool) -> bool {
        let until = Instant::now() + limit;
        loop {
            if done(self) {
                return true;
            }
            if Instant::now() >= until {
                return false;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Every span of the trace requests, flattened (`resourceSpans[].scopeSpans[].spans[]`).
pub fn spans(requests: &[Value]) -> Vec<Value> {
    let mut all = Vec::new();
    for request in requests {
        for resource in array(request, "resourceSpans") {
            for scope in array(resource, "scopeSpans") {
                all.extend(array(scope, "spans").iter().cloned());
            }
        }
    }
    all
}

/// Every metric of the metric requests, flattened
/// (`resourceMetrics[].scopeMetrics[].metrics[]`).
pub fn metrics(requests: &[Value]) -> Vec<Value> {
    let mut all = Vec::new();
    for request in requests {
        for resource in array(request, "resourceMetrics") {
            for scope in array(resource, "scopeMetrics") {
                all.extend(array(scope, "metrics").iter().cloned());
            }
        }
    }
    all
}

/// The array at `key` (empty when absent: `MessageToDict` leaves out empty fields).
pub fn array<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value[key].as_array().map_or(&[], Vec::as_slice)
}

/// The value of attribute `key` of a span or data point, as JSON
/// (`{"stringValue": ...}`, `{"intValue": "3"}`, ...).
pub fn attribute<'a>(item: &'a Value, key: &str) -> Option<&'a Value> {
    array(item, "attributes")
        .iter()
        .find(|kv| kv["key"] == key)
        .map(|kv| &kv["value"])
}

/// A string attribute's value.
pub fn string_attribute<'a>(item: &'a Value, key: &str) -> Option<&'a str> {
    attribute(item, key)?["stringValue"].as_str()
}

/// An integer attribute's value (`MessageToDict` writes 64-bit integers as strings).
pub fn int_attribute(item: &Value, key: &str) -> Option<i64> {
    let value = &attribute(item, key)?["intValue"];
    value
        .as_str()
        .and_then(|s| s.parse().ok())
        .or_else(|| value.as_i64())
}

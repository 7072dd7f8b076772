//! JUnit XML read back by a real third-party reader: Python's junitparser (and its
//! `xunit2` reader for each test case's `<properties>`), in a virtualenv made once per
//! target directory.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use serde_json::Value;
use smoke_test_wire::python::Venv;

/// junitparser, in a virtualenv under the test's `CARGO_TARGET_TMPDIR`.
const JUNITPARSER: Venv = Venv {
    dir: "junitparser-venv",
    packages: &["junitparser==5.0.3"],
    check: "import junitparser",
    python_var: "SMOKE_TEST_JUNIT_PYTHON",
    hint: "the JUnit checks need python3 with venv and PyPI's junitparser (or \
           SMOKE_TEST_JUNIT_PYTHON naming an interpreter that has it)",
};

/// A Python interpreter with junitparser, in a virtualenv under `tmp` (the test's
/// `CARGO_TARGET_TMPDIR`; `SMOKE_TEST_JUNIT_PYTHON` names one that has it already).
/// `None` outside CI when it cannot be made (the JUnit checks are then skipped, saying
/// why); under CI a panic.
fn python(tmp: &Path) -> Option<PathBuf> {
    static PYTHON: OnceLock<Option<PathBuf>> = OnceLock::new();
    PYTHON.get_or_init(|| JUNITPARSER.python(tmp)).clone()
}

/// JUnit XML as junitparser reads it: the totals, and each suite's counts, properties
/// and cases (with their properties, and their results' kind, message, type and text).
/// Its `xunit2` reader (whose totals leave `skipped` out) reads the cases' properties.
const READ_JUNIT: &str = r#"
import json, sys
from junitparser import JUnitXml, xunit2
text = sys.stdin.read()
xml = JUnitXml.fromstring(text)
properties = [[{p.name: p.value for p in case.properties()} for case in suite]
              for suite in xunit2.JUnitXml.fromstring(text)]
def result(r):
    return {"kind": type(r).__name__, "message": r.message, "type": r.type, "text": r.text}
print(json.dumps({
    "tests": xml.tests, "failures": xml.failures, "errors": xml.errors, "skipped": xml.skipped,
    "suites": [{
        "name": suite.name, "tests": suite.tests, "failures": suite.failures,
        "errors": suite.errors, "skipped": suite.skipped,
        "properties": {p.name: p.value for p in suite.properties()},
        "cases": [{"classname": case.classname, "name": case.name,
                   "properties": properties[i][j],
                   "results": [result(r) for r in case.result]}
                  for j, case in enumerate(suite)],
    } for i, suite in enumerate(xml)],
}))
"#;

/// `xml` parsed by junitparser (in the shape `READ_JUNIT` prints), or `None` when it is not
/// available here; `tmp` is where its virtualenv goes (`env!("CARGO_TARGET_TMPDIR")`).
/// Panics when junitparser refuses the XML.
pub fn junitparser(xml: &str, tmp: &Path) -> Option<Value> {
    let python = python(tmp)?;
    let mut child = Command::new(python)
        .args(["-c", READ_JUNIT])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python starts");
    child
        .stdin
        .take()
        .expect("its stdin")
        .write_all(xml.as_bytes())
        .expect("python reads the XML");
    let out = child.wait_with_output().expect("python ends");
    assert!(
        out.status.success(),
        "junitparser refused the XML: {}\n{xml}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).expect("JSON from the script"))
}

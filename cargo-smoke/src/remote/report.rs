//! Reading a smoke report out of an endpoint's JSON: smoke's own, or django-smoketest's keys.

use serde_json::Value;
use smoke_runtime::report::json::JsonReport;
use smoke_runtime::Report;

/// A smoke report read from an endpoint: django-smoketest's keys, and each test's detail
/// when the server is ours and showed it.
#[derive(Clone, Debug)]
pub struct Remote {
    /// `status` is `"PASS"`.
    pub passed: bool,
    /// `test_classes`.
    pub test_classes: u64,
    /// `tests_run`.
    pub tests_run: u64,
    /// `tests_passed`.
    pub tests_passed: u64,
    /// `tests_failed`.
    pub tests_failed: u64,
    /// `tests_errored`.
    pub tests_errored: u64,
    /// `failed_tests`.
    pub failed_tests: Vec<String>,
    /// `errored_tests`.
    pub errored_tests: Vec<String>,
    /// `time`, in milliseconds.
    pub time_ms: f64,
    /// The whole report, when the document carries each test (smoke's own endpoint).
    pub full: Option<Report>,
}

impl Remote {
    /// Reads a smoke report out of a JSON document; `Err` says why it is not one.
    pub fn parse(body: &[u8]) -> Result<Remote, String> {
        let value: Value = serde_json::from_slice(body).map_err(|e| format!("not JSON ({e})"))?;
        let object = value
            .as_object()
            .ok_or("JSON, but not an object with a smoke report's keys")?;
        let passed = match object.get("status").and_then(Value::as_str) {
            Some("PASS") => true,
            Some("FAIL") => false,
            Some(other) => {
                return Err(format!(
                    "JSON whose \"status\" is {other:?}, not \"PASS\" or \"FAIL\""
                ))
            }
            None => return Err("JSON without a smoke report's \"status\" key".to_owned()),
        };
        let count = |key: &str| -> Result<Option<u64>, String> {
            match object.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(v) => v
                    .as_u64()
                    .or_else(|| v.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
                    .map(Some)
                    .ok_or_else(|| format!("JSON whose {key:?} is {v}, not a count")),
            }
        };
        let tests_run = count("tests_run")?
            .ok_or("JSON with a \"status\" but without a smoke report's \"tests_run\"")?;
        let list = |key: &str| -> Vec<String> {
            object
                .get(key)
                .and_then(Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .map(|item| match item {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let failed_tests = list("failed_tests");
        let errored_tests = list("errored_tests");
        let tests_failed = count("tests_failed")?.unwrap_or(failed_tests.len() as u64);
        let tests_errored = count("tests_errored")?.unwrap_or(errored_tests.len() as u64);
        let full = serde_json::from_value::<JsonReport>(value.clone())
            .ok()
            .and_then(|r| r.to_report());
        Ok(Remote {
            passed,
            test_classes: count("test_classes")?.unwrap_or(0),
            tests_run,
            tests_passed: count("tests_passed")?
                .unwrap_or_else(|| tests_run.saturating_sub(tests_failed + tests_errored)),
            tests_failed,
            tests_errored,
            failed_tests,
            errored_tests,
            time_ms: object.get("time").and_then(Value::as_f64).unwrap_or(0.0),
            full,
        })
    }

    /// The names of the tests that failed or errored: from each test's detail, or the
    /// lists' entries up to their message.
    pub fn problem_names(&self) -> Vec<String> {
        if let Some(full) = &self.full {
            return full.problems().map(|t| t.name.to_string()).collect();
        }
        self.failed_tests
            .iter()
            .chain(&self.errored_tests)
            .map(|entry| {
                let first = entry.lines().next().unwrap_or("");
                let cut = [" failed:", " errored:", " timed out:"]
                    .iter()
                    .filter_map(|marker| first.find(marker))
                    .min()
                    .unwrap_or(first.len());
                first[..cut].trim().to_owned()
            })
            .collect()
    }
}

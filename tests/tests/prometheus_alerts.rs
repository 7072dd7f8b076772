//! The operator kit in `deploy/` against a real Prometheus server.
//!
//! The test serves a smoke endpoint (two smoke tests, one of which fails on demand) at
//! `/smoketest` on loopback, running its tests on a 500 ms schedule so that `/metrics`,
//! which never starts a run, has fresh results. It starts its own Prometheus (Debian's
//! `prometheus` package; `SMOKE_PROMETHEUS` overrides the path) with a temporary
//! configuration and storage directory, on a free loopback port, scraping that endpoint
//! every second and evaluating `deploy/prometheus/smoke-alerts.yml` every second. The
//! rules are loaded from a copy whose `for:` durations are shortened to 3 s (the
//! expressions and thresholds are the file's own), so an alert fires within seconds
//! instead of minutes. Through Prometheus's HTTP API it shows that:
//!
//! - every PromQL expression of `deploy/grafana/smoke-dashboard.json` (panels and
//!   variables) is accepted by Prometheus, and returns data once there are results;
//! - `SmokeTestFailing` fires, naming the test and the instance, when a smoke test fails
//!   (no sooner than its `for:`), and clears when the test passes again;
//! - no other alert fires for a healthy endpoint on a schedule;
//! - the probe and metrics paths of `deploy/kubernetes/` are routes the endpoint serves.
//!
//! Without a `prometheus` binary the test fails when `CI` is set, and is skipped with a
//! note otherwise. The server is killed when the test ends, whether it passes or not.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;
use smoke_runtime::http::{Details, Smoke};
use smoke_runtime::prelude::*;
use smoke_runtime::Selection;
use smoke_tests::http_client::{get, serve_axum};
use smoke_tests::port::free_port;

// ---- the smoke tests the endpoint serves -------------------------------------------------

/// Whether the payments dependency answers; the test turns it off and on again.
static PAYMENTS_UP: AtomicBool = AtomicBool::new(true);

#[smoke_test(tags("alerting"))]
fn payments_reachable() -> SmokeResult {
    assert_true!(
        PAYMENTS_UP.load(Ordering::SeqCst),
        "the payments API refused the connection"
    );
    Ok(())
}

#[smoke_test(tags("alerting"))]
fn database_answers() -> SmokeResult {
    Ok(())
}

// ---- the Prometheus server ----------------------------------------------------------------

/// How long the shortened rules wait before an alert fires (`for:`).
const SHORT_FOR: Duration = Duration::from_secs(3);

/// The repository's root (this crate is `tests/`).
fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// The `prometheus` binary: `SMOKE_PROMETHEUS`, or `prometheus` on `PATH`.
fn prometheus_binary() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("SMOKE_PROMETHEUS").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join("prometheus"))
        .find(|path| path.is_file())
}

/// The rules of `deploy/` with every `for:` shortened to [`SHORT_FOR`]; everything else
/// (expressions, thresholds, windows, labels, annotations) as the file has it.
fn shortened_rules(rules: &str) -> String {
    let mut shortened = 0;
    let text: Vec<String> = rules
        .lines()
        .map(|line| {
            let body = line.trim_start();
            if body.starts_with("for:") {
                shortened += 1;
                let indent = &line[..line.len() - body.len()];
                format!("{indent}for: {}s", SHORT_FOR.as_secs())
            } else {
                line.to_owned()
            }
        })
        .collect();
    assert!(shortened > 0, "the rules have no `for:` to shorten");
    text.join("\n") + "\n"
}

/// A Prometheus server of this test: killed, and its directory removed, on drop; its log
/// is printed when the test fails.
struct Prometheus {
    child: Child,
    dir: PathBuf,
    addr: SocketAddr,
}

impl Prometheus {
    /// Starts `binary` scraping `/smoketest/metrics` of `target` with the shortened rules,
    /// and waits until it is ready.
    async fn start(binary: &Path, target: SocketAddr) -> Prometheus {
        let rules = std::fs::read_to_string(repo_root().join("deploy/prometheus/smoke-alerts.yml"))
            .expect("read deploy/prometheus/smoke-alerts.yml");
        // A port taken between `free_port` and Prometheus binding it: try another.
        let mut last_log = String::new();
        for attempt in 0..3 {
            let dir = std::env::temp_dir().join(format!(
                "smoke-prometheus-{}-{attempt}-{}",
                std::process::id(),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos())
            ));
            std::fs::create_dir_all(dir.join("data")).expect("create the temp dir");
            std::fs::write(dir.join("smoke-alerts.yml"), shortened_rules(&rules))
                .expect("write the rules");
            let config = format!(
                "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n\
                 rule_files:\n  - {rules}\n\
                 scrape_configs:\n  - job_name: smoke\n    metrics_path: /smoketest/metrics\n    \
                 static_configs:\n      - targets: [\"{target}\"]\n",
                rules = dir.join("smoke-alerts.yml").display(),
            );
            std::fs::write(dir.join("prometheus.yml"), config).expect("write the config");
            let log = std::fs::File::create(dir.join("prometheus.log")).expect("create the log");
            let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
            let child = Command::new(binary)
                .arg(format!(
                    "--config.file={}",
                    dir.join("prometheus.yml").display()
                ))
                .arg(format!(
                    "--storage.tsdb.path={}",
                    dir.join("data").display()
                ))
                .arg(format!("--web.listen-address={addr}"))
                .arg("--log.level=warn")
                .stdin(Stdio::null())
                .stdout(log.try_clone().expect("the log"))
                .stderr(log)
                .spawn()
                .unwrap_or_else(|e| panic!("start {}: {e}", binary.display()));
            let mut server = Prometheus { child, dir, addr };
            if server.wait_ready().await {
                return server;
            }
            last_log = server.log();
            // `server` drops here: killed, its directory removed.
        }
        panic!("Prometheus did not become ready; its log:\n{last_log}");
    }

    /// Whether the server answers `/-/ready` within 30 s (false when it exits first).
    async fn wait_ready(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return false;
            }
            if tokio::net::TcpStream::connect(self.addr).await.is_ok()
                && get(self.addr, "/-/ready", &[]).await.status == 200
            {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        false
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("prometheus.log")).unwrap_or_default()
    }

    /// `GET path` on the API, which must answer `"status":"success"`; its `data`.
    async fn api(&self, path: &str) -> Value {
        let reply = get(self.addr, path, &[]).await;
        let json: Value = serde_json::from_str(&reply.body)
            .unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {}", reply.body));
        assert_eq!(json["status"], "success", "{path}: {}", reply.body);
        json["data"].clone()
    }

    /// An instant query's result; panics unless Prometheus accepts the expression.
    async fn query(&self, expr: &str) -> Vec<Value> {
        let reply = get(
            self.addr,
            &format!("/api/v1/query?query={}", encode(expr)),
            &[],
        )
        .await;
        let json: Value = serde_json::from_str(&reply.body)
            .unwrap_or_else(|e| panic!("{expr}: not JSON ({e}): {}", reply.body));
        assert_eq!(
            json["status"], "success",
            "Prometheus refused the expression {expr}: {}",
            reply.body
        );
        json["data"]["result"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// The alerts in the given state.
    async fn alerts(&self, state: &str) -> Vec<Value> {
        let data = self.api("/api/v1/alerts").await;
        data["alerts"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|a| a["state"] == state)
            .collect()
    }
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("---- the Prometheus log ----\n{}", self.log());
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `text` percent-encoded for a query string.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Polls `check` every 250 ms until it returns something, or panics after `limit`.
async fn wait_for<T, F, Fut>(limit: Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + limit;
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {limit:?} waiting until {what}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

// ---- the dashboard's expressions ----------------------------------------------------------

/// What the dashboard asks Prometheus: each panel target's `expr`, and for each query
/// variable `label_values(SELECTOR, LABEL)`, the selector and the label.
struct DashboardQueries {
    exprs: Vec<String>,
    label_values: Vec<(String, String)>,
}

fn dashboard_queries() -> DashboardQueries {
    let text = std::fs::read_to_string(repo_root().join("deploy/grafana/smoke-dashboard.json"))
        .expect("read deploy/grafana/smoke-dashboard.json");
    let dashboard: Value = serde_json::from_str(&text).expect("the dashboard is JSON");
    let mut exprs = Vec::new();
    collect_exprs(&dashboard["panels"], &mut exprs);
    let mut label_values = Vec::new();
    for var in dashboard["templating"]["list"]
        .as_array()
        .expect("templating")
    {
        if var["type"] != "query" {
            continue;
        }
        let query = var["query"]["query"].as_str().expect("a variable's query");
        let inner = query
            .strip_prefix("label_values(")
            .and_then(|q| q.strip_suffix(')'))
            .unwrap_or_else(|| panic!("variable query {query:?} is not label_values(...)"));
        let (selector, label) = inner
            .rsplit_once(',')
            .expect("label_values(selector, label)");
        label_values.push((grafana_variables(selector.trim()), label.trim().to_owned()));
    }
    assert!(exprs.len() >= 10, "only {} expressions found", exprs.len());
    DashboardQueries {
        exprs: exprs.iter().map(|e| grafana_variables(e)).collect(),
        label_values,
    }
}

/// Every `expr` string under `value`.
fn collect_exprs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                match value {
                    Value::String(expr) if key == "expr" => out.push(expr.clone()),
                    _ => collect_exprs(value, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_exprs(v, out)),
        _ => {}
    }
}

/// `expr` with Grafana's variables as Grafana sends them with "All" selected.
fn grafana_variables(expr: &str) -> String {
    let expr = expr
        .replace("$__rate_interval", "1m")
        .replace("$__interval", "15s")
        .replace("$__range", "1h")
        .replace("$job", ".*")
        .replace("$instance", ".*");
    assert!(!expr.contains('$'), "an unknown variable in {expr}");
    expr
}

// ---- the manifests' paths -----------------------------------------------------------------

/// The paths the Kubernetes manifests ask of the endpoint: the probes' `path:`, the scrape
/// annotation, and the path of the gate Job's `--url`.
fn manifest_paths() -> Vec<String> {
    let dir = repo_root().join("deploy/kubernetes");
    let mut paths = Vec::new();
    for file in ["smoke-demo.yaml", "smoke-gate-job.yaml"] {
        let text = std::fs::read_to_string(dir.join(file)).expect("read a manifest");
        for line in text.lines().map(str::trim) {
            if let Some(path) = line
                .strip_prefix("path: ")
                .or_else(|| line.strip_prefix("prometheus.io/path: "))
            {
                paths.push(path.to_owned());
            } else if let Some(url) = line.strip_prefix("- http://") {
                let path = url.find('/').map_or("/", |at| &url[at..]);
                paths.push(path.to_owned());
            }
        }
    }
    paths
}

// ---- the test -----------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_failing_smoke_alert_fires_in_prometheus_and_clears_on_recovery() {
    let Some(binary) = prometheus_binary() else {
        if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
            panic!("prometheus is not installed (apt-get install -y prometheus), and CI is set");
        }
        eprintln!(
            "note: no prometheus binary on PATH; the Prometheus alert test is skipped outside CI"
        );
        return;
    };

    // The endpoint, as a service embeds it: mounted at /smoketest, details for the scrape
    // (per-test series), its tests run on a schedule because a scrape never starts a run.
    let smoke = Smoke::builder()
        .only(Selection::all().tag("alerting"))
        .details(Details::Always)
        .schedule(Duration::from_millis(500))
        .build();
    let app = smoke_runtime::axum::mount(axum::Router::new(), "/smoketest", smoke.clone());
    let target = serve_axum(app).await;
    smoke.start_schedule();

    // The manifests' probe, scrape and gate paths are routes the endpoint serves.
    let paths = manifest_paths();
    for suffix in ["/livez", "/readyz", "/startupz", "/metrics"] {
        assert!(
            paths.iter().any(|p| p.ends_with(suffix)),
            "no {suffix} in the manifests: {paths:?}"
        );
    }
    for path in &paths {
        let reply = get(target, path, &[]).await;
        assert_eq!(reply.status, 200, "{path} of the manifests: {}", reply.body);
    }

    let prometheus = Prometheus::start(&binary, target).await;

    // Prometheus scrapes the endpoint and sees the passing test.
    let payments = r#"smoke_test_passed{job="smoke",test=~".*::payments_reachable"}"#;
    wait_for(
        Duration::from_secs(30),
        "Prometheus has scraped a passing result",
        || async {
            let result = prometheus.query(payments).await;
            (result.len() == 1 && result[0]["value"][1] == "1").then_some(())
        },
    )
    .await;

    // Every expression of the dashboard is valid PromQL for this Prometheus.
    let dashboard = dashboard_queries();
    for expr in &dashboard.exprs {
        prometheus.query(expr).await;
    }
    for (selector, label) in &dashboard.label_values {
        let result = prometheus.query(selector).await;
        assert!(
            !result.is_empty() && result.iter().all(|s| s["metric"][label].is_string()),
            "variable label_values({selector}, {label}) finds no {label}: {result:?}"
        );
    }

    // The test fails: the alert goes pending, and fires after `for:`, naming the test and
    // the instance.
    PAYMENTS_UP.store(false, Ordering::SeqCst);
    let failed_at = Instant::now();
    let firing = wait_for(
        Duration::from_secs(60),
        "SmokeTestFailing fires",
        || async {
            prometheus
                .alerts("firing")
                .await
                .into_iter()
                .find(|a| a["labels"]["alertname"] == "SmokeTestFailing")
        },
    )
    .await;
    assert!(
        failed_at.elapsed() >= SHORT_FOR,
        "SmokeTestFailing fired {:?} after the failure, before its `for:` of {SHORT_FOR:?}",
        failed_at.elapsed()
    );
    let labels = &firing["labels"];
    assert_eq!(
        labels["test"], "prometheus_alerts::payments_reachable",
        "{firing}"
    );
    assert_eq!(labels["class"], "prometheus_alerts", "{firing}");
    assert_eq!(labels["instance"], target.to_string(), "{firing}");
    assert_eq!(labels["job"], "smoke", "{firing}");
    assert_eq!(labels["severity"], "critical", "{firing}");
    let summary = firing["annotations"]["summary"]
        .as_str()
        .unwrap_or_default();
    assert_eq!(
        summary,
        format!("Smoke test prometheus_alerts::payments_reachable is failing on {target}"),
    );
    let description = firing["annotations"]["description"]
        .as_str()
        .unwrap_or_default();
    assert!(
        description.contains("prometheus_alerts::payments_reachable")
            && description.contains(&target.to_string()),
        "{description}"
    );
    // Only the failing test alerts; the passing one and the run-level alerts do not.
    let all_firing = prometheus.alerts("firing").await;
    assert_eq!(all_firing.len(), 1, "{all_firing:#?}");

    // With a failure to show, every dashboard expression returns data.
    for expr in &dashboard.exprs {
        assert!(
            !prometheus.query(expr).await.is_empty(),
            "the dashboard's {expr} returns nothing while a test fails"
        );
    }

    // The test passes again: the alert clears, and nothing else fires.
    PAYMENTS_UP.store(true, Ordering::SeqCst);
    wait_for(
        Duration::from_secs(60),
        "SmokeTestFailing clears",
        || async {
            let alerts = prometheus.api("/api/v1/alerts").await;
            let any = alerts["alerts"].as_array().is_some_and(|a| {
                a.iter()
                    .any(|a| a["labels"]["alertname"] == "SmokeTestFailing")
            });
            (!any).then_some(())
        },
    )
    .await;
    let after = prometheus.alerts("firing").await;
    assert!(after.is_empty(), "alerts firing after recovery: {after:#?}");
    let result = prometheus.query(payments).await;
    assert_eq!(result[0]["value"][1], "1", "{result:?}");
}

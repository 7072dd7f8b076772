//! The demo binary scraped by a real Prometheus server, whose `SmokeTestFailing` alert
//! (from `deploy/prometheus/smoke-alerts.yml`) fires while a demo smoke test fails and
//! clears once it passes again.
//!
//! The demo runs with `DEMO_SMOKE_SCHEDULE=300ms` and `DEMO_REQUIRED_EXE=smoke-alert-toggle`,
//! with a temporary directory at the front of its `PATH`: creating or deleting the script
//! `smoke-alert-toggle` there makes `required_executable_present` pass or fail. Prometheus
//! (Debian's `prometheus`; `SMOKE_PROMETHEUS` overrides the path) scrapes
//! `/smoketest/metrics` every second and evaluates a copy of the rules whose `for:` is
//! shortened to 3 s. Without a `prometheus` binary the test fails when `CI` is set, and is
//! skipped with a note otherwise. Both processes are killed, and the temporary directory
//! removed, when the test ends.
#![cfg(unix)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// How long the shortened rules wait before an alert fires (`for:`).
const SHORT_FOR: Duration = Duration::from_secs(3);
/// How long the test waits for each change Prometheus shows.
const MINUTE: Duration = Duration::from_secs(60);
/// The program `required_executable_present` looks for.
const TOGGLE: &str = "smoke-alert-toggle";
/// The test whose failure the alert must name.
const TEST: &str = "smoke_demo::smoke::required_executable_present";

/// A temporary directory, removed on drop.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A child process, killed on drop; its log is printed when the test fails.
struct Process {
    child: Child,
    name: &'static str,
    log: PathBuf,
}

impl Process {
    fn spawn(name: &'static str, command: &mut Command, log: PathBuf) -> Process {
        let file = std::fs::File::create(&log).expect("create a log");
        let child = command
            .stdin(Stdio::null())
            .stdout(file.try_clone().expect("the log"))
            .stderr(file)
            .spawn()
            .unwrap_or_else(|e| panic!("start {name}: {e}"));
        Process { child, name, log }
    }

    /// Waits until `ready` holds; panics if the process exits first.
    fn wait_until(&mut self, what: &str, ready: impl Fn() -> bool) {
        wait_for(Duration::from_secs(30), what, || {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("{} exited ({status}) first", self.name);
            }
            ready().then_some(())
        });
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            eprintln!("---- the {} log ----\n{log}", self.name);
        }
    }
}

/// A free loopback address (free when asked; the server binds it a moment later).
fn free_addr() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
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

/// The rules of `deploy/` with every `for:` shortened to [`SHORT_FOR`].
fn shortened_rules() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/prometheus/smoke-alerts.yml");
    let rules = std::fs::read_to_string(&path).expect("read deploy/prometheus/smoke-alerts.yml");
    let short = format!("for: {}s", SHORT_FOR.as_secs());
    let text: String = rules
        .lines()
        .map(|line| match line.trim_start().strip_prefix("for:") {
            Some(_) => format!("{}{short}\n", &line[..line.len() - line.trim_start().len()]),
            None => format!("{line}\n"),
        })
        .collect();
    assert!(text.contains(&short), "no `for:` to shorten");
    text
}

/// Makes `required_executable_present` pass (`true`) or fail (`false`).
fn set_toggle(bin: &Path, present: bool) {
    let path = bin.join(TOGGLE);
    if present {
        std::fs::write(&path, "#!/bin/sh\nexit 0\n").expect("write the toggle");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
            .expect("chmod 755 the toggle");
    } else {
        std::fs::remove_file(&path).expect("delete the toggle");
    }
}

/// `GET path` (HTTP/1.0: the body is never chunked); the status and the body.
fn get(addr: SocketAddr, path: &str) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n")?;
    let mut raw = String::new();
    stream.read_to_string(&mut raw)?;
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok());
    Ok((status.unwrap_or(0), body.to_owned()))
}

/// `GET path` on Prometheus's API, which must answer `"status":"success"`; its `data`.
fn api(addr: SocketAddr, path: &str) -> Value {
    let (status, body) = get(addr, path).unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let json: Value = serde_json::from_str(&body)
        .unwrap_or_else(|e| panic!("{path}: {status}, not JSON ({e}): {body}"));
    assert_eq!(json["status"], "success", "{path}: {body}");
    json["data"].clone()
}

/// The alerts Prometheus holds: all of them (pending or firing), or the firing ones.
fn alerts(prometheus: SocketAddr, firing_only: bool) -> Vec<Value> {
    let data = api(prometheus, "/api/v1/alerts");
    let all = data["alerts"].as_array().cloned().unwrap_or_default();
    all.into_iter()
        .filter(|a| !firing_only || a["state"] == "firing")
        .collect()
}

/// Polls `check` every 200 ms until it returns something, or panics after `limit`.
fn wait_for<T>(limit: Duration, what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(found) = check() {
            return found;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {limit:?} waiting until {what}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn smoke_test_failing_fires_for_the_demo_and_clears_when_it_passes_again() {
    let Some(binary) = prometheus_binary() else {
        if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
            panic!("prometheus is not installed (apt-get install -y prometheus), and CI is set");
        }
        eprintln!("note: no prometheus binary on PATH; the demo alert test is skipped outside CI");
        return;
    };
    let started = Instant::now();
    let scratch =
        TempDir(std::env::temp_dir().join(format!("smoke-demo-prometheus-{}", std::process::id())));
    let dir = &scratch.0;
    let _ = std::fs::remove_dir_all(dir);
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).expect("create the temp dir");
    std::fs::create_dir_all(dir.join("data")).expect("create the storage dir");
    set_toggle(&bin, true);

    // The demo, its test passing, running every test every 300 ms.
    let demo_addr = free_addr();
    let path = std::env::var_os("PATH").unwrap_or_default();
    let path = std::iter::once(bin.clone()).chain(std::env::split_paths(&path));
    let mut command = Command::new(env!("CARGO_BIN_EXE_smoke-demo"));
    command
        .args(["--listen", &demo_addr.to_string()])
        .env("DEMO_DB", dir.join("notes.db"))
        .env("DEMO_REQUIRED_EXE", TOGGLE)
        .env("DEMO_SMOKE_SCHEDULE", "300ms")
        .env("PATH", std::env::join_paths(path).expect("a PATH"))
        .env_remove("DEMO_SMOKE_TOKEN");
    let mut demo = Process::spawn("smoke-demo", &mut command, dir.join("demo.log"));
    demo.wait_until("the demo listens", || TcpStream::connect(demo_addr).is_ok());

    // Prometheus, scraping the demo and evaluating the rules every second.
    std::fs::write(dir.join("smoke-alerts.yml"), shortened_rules()).expect("write the rules");
    let config = format!(
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n\
         rule_files:\n  - {rules}\n\
         scrape_configs:\n  - job_name: smoke-demo\n    metrics_path: /smoketest/metrics\n    \
         static_configs:\n      - targets: [\"{demo_addr}\"]\n",
        rules = dir.join("smoke-alerts.yml").display(),
    );
    std::fs::write(dir.join("prometheus.yml"), config).expect("write the config");
    let prom_addr = free_addr();
    let mut command = Command::new(&binary);
    command.args([
        format!("--config.file={}", dir.join("prometheus.yml").display()),
        format!("--storage.tsdb.path={}", dir.join("data").display()),
        format!("--web.listen-address={prom_addr}"),
        "--log.level=warn".to_owned(),
    ]);
    let mut prometheus = Process::spawn("prometheus", &mut command, dir.join("prometheus.log"));
    prometheus.wait_until("Prometheus is ready", || {
        matches!(get(prom_addr, "/-/ready"), Ok((200, _)))
    });
    let ready_after = started.elapsed();

    // Prometheus sees the test pass, and no alert is pending or firing for it.
    let query = format!("/api/v1/query?query=smoke_test_passed%7Btest%3D%22{TEST}%22%7D");
    let passed = || {
        let result = api(prom_addr, &query)["result"].clone();
        (result.as_array().map(Vec::len) == Some(1) && result[0]["value"][1] == "1").then_some(())
    };
    wait_for(MINUTE, "Prometheus scrapes the passing test", passed);
    let failing = |alert: &&Value| alert["labels"]["alertname"] == "SmokeTestFailing";
    let before = alerts(prom_addr, false);
    assert!(!before.iter().any(|a| failing(&a)), "{before:#?}");
    let scraped_after = started.elapsed();

    // The executable goes away: the test fails, and the alert fires after `for:`.
    set_toggle(&bin, false);
    let failed_at = Instant::now();
    let firing = wait_for(MINUTE, "SmokeTestFailing fires", || {
        alerts(prom_addr, true).into_iter().find(|a| failing(&a))
    });
    let fired_after = failed_at.elapsed();
    assert!(
        fired_after >= SHORT_FOR,
        "fired before `for:`: {fired_after:?}"
    );
    let labels = &firing["labels"];
    assert_eq!(labels["test"], TEST, "{firing}");
    assert_eq!(labels["class"], "smoke_demo::smoke", "{firing}");
    assert_eq!(labels["job"], "smoke-demo", "{firing}");
    assert_eq!(labels["instance"], demo_addr.to_string(), "{firing}");
    let summary = format!("Smoke test {TEST} is failing on {demo_addr}");
    assert_eq!(firing["annotations"]["summary"], summary, "{firing}");
    // Only that test alerts: the demo's other five tests pass.
    let now_firing = alerts(prom_addr, true);
    assert_eq!(now_firing.len(), 1, "{now_firing:#?}");

    // The executable is back: the test passes, and the alert clears.
    set_toggle(&bin, true);
    let recovered_at = Instant::now();
    wait_for(MINUTE, "SmokeTestFailing clears", || {
        (!alerts(prom_addr, false).iter().any(|a| failing(&a))).then_some(())
    });
    let cleared_after = recovered_at.elapsed();
    passed().expect("Prometheus holds the passing result again");
    let after = alerts(prom_addr, true);
    assert!(after.is_empty(), "alerts firing after recovery: {after:#?}");
    eprintln!(
        "ready after {ready_after:?}, passing test scraped after {scraped_after:?}, \
         SmokeTestFailing fired {fired_after:?} after the failure and cleared \
         {cleared_after:?} after recovery; {:?} in all",
        started.elapsed()
    );
}

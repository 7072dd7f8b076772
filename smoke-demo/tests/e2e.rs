//! End to end: the demo binary started on a loopback port, asked over real HTTP for its
//! pages and smoke report (text, JSON, HTML), and stopped with SIGINT (Ctrl-C), also with
//! a stalled client connected.

use std::cell::RefCell;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// A running demo, killed if the test ends early.
struct Demo {
    child: RefCell<Option<Child>>,
    addr: SocketAddr,
    dir: PathBuf,
    /// What the demo printed on stderr so far (it is also echoed to the test's stderr).
    log: Arc<Mutex<String>>,
}

impl Demo {
    fn start(label: &str, env: &[(&str, &str)]) -> Demo {
        Demo::start_in(label, env, None)
    }

    /// Starts the demo; with `relative_db`, in its directory with `--db <relative_db>`.
    ///
    /// The demo picks its own port (`--listen 127.0.0.1:0`) and says which: a port chosen
    /// here and handed over could be taken by another process in between, and a connect
    /// that succeeds would not prove that the demo is the one listening.
    fn start_in(label: &str, env: &[(&str, &str)], relative_db: Option<&str>) -> Demo {
        let dir =
            std::env::temp_dir().join(format!("smoke-demo-e2e-{label}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let mut command = Command::new(env!("CARGO_BIN_EXE_smoke-demo"));
        command
            .args(["--listen", "127.0.0.1:0"])
            .env("DEMO_DB", dir.join("notes.db"))
            .env_remove("DEMO_SMOKE_TOKEN")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if let Some(db) = relative_db {
            command.current_dir(&dir).args(["--db", db]);
        }
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command.spawn().expect("start smoke-demo");
        let stderr = child.stderr.take().expect("piped stderr");
        let log = Arc::new(Mutex::new(String::new()));
        let (listening, addr) = std::sync::mpsc::channel();
        let kept = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                eprintln!("{line}");
                if let Some(addr) = line
                    .strip_prefix("smoke-demo: listening on http://")
                    .and_then(|rest| rest.split(' ').next())
                    .and_then(|addr| addr.parse::<SocketAddr>().ok())
                {
                    let _ = listening.send(addr);
                }
                let mut log = kept.lock().unwrap_or_else(PoisonError::into_inner);
                log.push_str(&line);
                log.push('\n');
            }
        });
        let addr = match addr.recv_timeout(Duration::from_secs(20)) {
            Ok(addr) => addr,
            Err(_) => {
                let _ = child.kill();
                let status = child.wait();
                let log = log.lock().unwrap_or_else(PoisonError::into_inner);
                panic!("smoke-demo did not say where it listens ({status:?}); it printed:\n{log}");
            }
        };
        Demo {
            child: RefCell::new(Some(child)),
            addr,
            dir,
            log,
        }
    }

    /// Why a request failed, as far as the demo tells: whether it is still running, and
    /// what it printed.
    fn state(&self) -> String {
        let exited = match self.child.borrow_mut().as_mut().map(Child::try_wait) {
            Some(Ok(Some(status))) => format!("smoke-demo exited: {status}"),
            Some(Ok(None)) => "smoke-demo is still running".to_owned(),
            Some(Err(e)) => format!("smoke-demo's state is unknown: {e}"),
            None => "smoke-demo was stopped".to_owned(),
        };
        let log = self.log.lock().unwrap_or_else(PoisonError::into_inner);
        format!("{exited}; it printed:\n{log}")
    }

    /// One HTTP/1.1 request; returns the status, the head and the body.
    fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[&str],
        body: &str,
    ) -> (u16, String, String) {
        http(
            self.addr,
            method,
            path,
            headers,
            body,
            Duration::from_secs(30),
        )
        .unwrap_or_else(|e| panic!("{method} {path}: {e}\n{}", self.state()))
    }

    fn get(&self, path: &str, headers: &[&str]) -> (u16, String, String) {
        self.request("GET", path, headers, "")
    }

    /// Sends SIGINT, as Ctrl-C does, and waits for the exit.
    fn interrupt(&mut self) -> ExitStatus {
        self.send_sigint();
        self.wait_exit(Duration::from_secs(20))
            .expect("smoke-demo did not exit after SIGINT")
    }

    /// Sends SIGINT, as Ctrl-C does.
    fn send_sigint(&self) {
        let child = self.child.borrow();
        let child = child.as_ref().expect("running");
        let sent = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(sent.success());
    }

    /// Waits up to `wait` for the exit; `None` (and the process killed) if it is still
    /// running then.
    fn wait_exit(&mut self, wait: Duration) -> Option<ExitStatus> {
        let mut child = self.child.take().expect("running");
        let deadline = Instant::now() + wait;
        loop {
            if let Some(status) = child.try_wait().expect("wait") {
                return Some(status);
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// A connection that sent half a request head and waits, as a stalled client does.
    fn half_sent_request(&self) -> TcpStream {
        let mut stream = TcpStream::connect(self.addr).expect("connect");
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: demo\r\n")
            .expect("send");
        // The server has read it before the signal comes.
        std::thread::sleep(Duration::from_millis(200));
        stream
    }
}

/// One HTTP/1.1 request to `addr`, waiting at most `wait` for the answer; returns the
/// status, the head (lowercased) and the body.
fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[&str],
    body: &str,
    wait: Duration,
) -> std::io::Result<(u16, String, String)> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(wait))?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for h in headers {
        head.push_str(h);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())?;
    let mut raw = String::new();
    stream.read_to_string(&mut raw)?;
    let (head, body) = raw
        .split_once("\r\n\r\n")
        .ok_or_else(|| std::io::Error::other(format!("no response head in {raw:?}")))?;
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("no status in {head:?}")))?;
    Ok((status, head.to_ascii_lowercase(), body.to_owned()))
}

impl Drop for Demo {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.get_mut().take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn serves_text_json_and_html_reports_rolls_back_and_stops_on_ctrl_c() {
    let mut demo = Demo::start("pass", &[]);

    let (status, _, body) = demo.get("/", &[]);
    assert_eq!(status, 200);
    assert!(body.contains("1 note(s)"), "{body}");

    let (status, head, text) = demo.get("/smoketest", &["Accept: text/plain"]);
    assert_eq!(status, 200, "{text}");
    assert!(head.contains("content-type: text/plain"), "{head}");
    assert!(
        text.starts_with("PASS\ntest classes: 1\ntests run: 6\ntests passed: 6\n"),
        "{text}"
    );

    let (status, head, json) = demo.get("/smoketest?format=json", &[]);
    assert_eq!(status, 200);
    assert!(head.contains("application/json"), "{head}");
    let report: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(report["status"], "PASS");
    assert_eq!(report["tests_run"], 6);
    let names: Vec<&str> = report["tests"]
        .as_array()
        .expect("tests")
        .iter()
        .map(|t| t["name"].as_str().expect("name"))
        .collect();
    for name in [
        "notes_readable",
        "notes_writable",
        "temp_dir_writable",
        "disk_space_for_the_database",
        "required_executable_present",
        "contact_email_set",
    ] {
        assert!(
            names.contains(&format!("smoke_demo::smoke::{name}").as_str()),
            "{names:?}"
        );
    }

    let (status, head, html) = demo.get("/smoketest", &["Accept: text/html"]);
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/html"), "{head}");
    assert!(
        html.contains("<html") && html.contains("notes_writable"),
        "{html}"
    );

    // Three runs of notes_writable later, its notes were all rolled back.
    let (_, _, body) = demo.get("/", &[]);
    assert!(body.contains("1 note(s)"), "{body}");

    // The service itself still writes.
    let (status, _, _) = demo.request("POST", "/notes", &[], "kept");
    assert_eq!(status, 201);
    let (_, _, notes) = demo.get("/notes", &[]);
    assert!(notes.ends_with("\tkept\n"), "{notes}");

    let exit = demo.interrupt();
    assert!(exit.success(), "exit status after SIGINT: {exit:?}");
}

#[test]
fn a_missing_executable_fails_the_run_with_500_and_says_why() {
    let mut demo = Demo::start(
        "fail",
        &[("DEMO_REQUIRED_EXE", "smoke-demo-no-such-program")],
    );
    let (status, head, text) = demo.get("/smoketest", &["Accept: text/plain"]);
    assert_eq!(status, 500, "{text}");
    assert!(head.contains("x-smoke-status: fail"), "{head}");
    assert!(text.starts_with("FAIL\n"), "{text}");
    assert!(text.contains("required_executable_present"), "{text}");
    assert!(text.contains("smoke-demo-no-such-program"), "{text}");

    let (_, _, json) = demo.get("/smoketest?format=json", &[]);
    let report: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(report["status"], "FAIL");
    assert_eq!(report["tests_passed"], 5);

    assert!(demo.interrupt().success());
}

#[test]
fn requests_waiting_for_the_database_lock_do_not_stall_the_other_routes() {
    use smoke_runtime::rollback::drivers::rusqlite::Connection;

    let demo = Demo::start("locked", &[]);
    // Another process's writer holds SQLite's write lock: every POST /notes now waits for
    // it, up to the service's 5 s busy timeout.
    let holder = Connection::open(demo.dir.join("notes.db")).expect("open the database");
    holder
        .execute_batch("begin immediate")
        .expect("take the write lock");
    let writers = std::thread::available_parallelism().map_or(4, |n| n.get() + 2);
    let addr = demo.addr;
    let posts: Vec<_> = (0..writers)
        .map(|i| {
            std::thread::spawn(move || {
                http(
                    addr,
                    "POST",
                    "/notes",
                    &[],
                    &format!("waiting {i}"),
                    Duration::from_secs(60),
                )
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));

    // More writers wait than the runtime has workers; liveness still answers while they
    // wait (were the waits on the workers, it would answer only after the busy timeouts).
    let livez = http(
        addr,
        "GET",
        "/smoketest/livez",
        &[],
        "",
        Duration::from_secs(3),
    );
    holder.execute_batch("rollback").expect("release the lock");
    let (status, _, body) = livez.expect("/smoketest/livez answers while writers wait");
    assert_eq!(status, 200, "{body}");
    for post in posts {
        let (status, _, body) = post.join().expect("writer thread").expect("POST /notes");
        assert_eq!(status, 201, "{body}");
    }
}

/// How long the demo waits for open connections after Ctrl-C (`SHUTDOWN_GRACE`).
const GRACE: Duration = Duration::from_secs(10);

#[test]
fn a_stalled_client_delays_ctrl_c_by_at_most_the_grace() {
    let mut demo = Demo::start("stalled", &[]);
    let _stalled = demo.half_sent_request();
    demo.send_sigint();
    let exit = demo
        .wait_exit(GRACE + Duration::from_secs(5))
        .expect("smoke-demo still running after the shutdown grace");
    // Exit status 1: it waited for the connection (graceful), then gave up on it.
    assert_eq!(exit.code(), Some(1), "{exit:?}");
}

#[test]
fn a_second_ctrl_c_exits_at_once() {
    let mut demo = Demo::start("twice", &[]);
    let _stalled = demo.half_sent_request();
    demo.send_sigint();
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        demo.child
            .borrow_mut()
            .as_mut()
            .expect("running")
            .try_wait()
            .expect("wait")
            .is_none(),
        "the first Ctrl-C waits for the open connection"
    );
    demo.send_sigint();
    let exit = demo
        .wait_exit(GRACE / 2)
        .expect("smoke-demo did not exit on the second SIGINT");
    assert_eq!(exit.code(), Some(130), "{exit:?}");
}

#[test]
fn a_relative_database_path_passes_the_disk_space_test() {
    let mut demo = Demo::start_in("relative", &[], Some("notes.db"));
    let (status, _, text) = demo.get(
        "/smoketest?test=smoke_demo::smoke::disk_space_for_the_database",
        &["Accept: text/plain"],
    );
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("tests passed: 1\n"), "{text}");
    assert!(demo.dir.join("notes.db").exists());
    assert!(demo.interrupt().success());
}

#[test]
fn a_contact_setting_that_is_no_e_mail_address_fails_naming_it_not_its_value() {
    let mut demo = Demo::start("bad-email", &[("DEMO_CONTACT_EMAIL", "ops-at-example")]);
    let (status, head, text) = demo.get("/smoketest", &["Accept: text/plain"]);
    assert_eq!(status, 500, "{text}");
    assert!(head.contains("x-smoke-status: fail"), "{head}");
    assert!(text.contains("contact_email_set failed"), "{text}");
    assert!(
        text.contains("setting DEMO_CONTACT_EMAIL is not an e-mail address"),
        "{text}"
    );
    assert!(!text.contains("ops-at-example"), "{text}");
    let (_, _, json) = demo.get("/smoketest?format=json", &[]);
    assert!(!json.contains("ops-at-example"), "{json}");
    assert!(demo.interrupt().success());
}

#[test]
fn a_schedule_keeps_the_metrics_current_without_any_request_running_tests() {
    let demo = Demo::start("schedule", &[("DEMO_SMOKE_SCHEDULE", "300ms")]);
    // No run route is asked: the runs come from the schedule, started at start-up.
    let deadline = Instant::now() + Duration::from_secs(20);
    let first = loop {
        let (status, _, body) = demo.get("/smoketest/metrics", &[]);
        assert_eq!(status, 200, "{body}");
        if let Some(at) = last_run_at(&body) {
            break at;
        }
        assert!(
            Instant::now() < deadline,
            "no scheduled run within 20s:\n{body}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    // And it keeps running: a later scrape shows a later run.
    let later = loop {
        std::thread::sleep(Duration::from_millis(200));
        let (_, _, body) = demo.get("/smoketest/metrics", &[]);
        let at = last_run_at(&body).expect("the latest run is still there");
        if at > first {
            break at;
        }
        assert!(
            Instant::now() < deadline,
            "the schedule ran once and stopped:\n{body}"
        );
    };
    assert!(later > first);
}

#[test]
fn a_schedule_that_is_no_duration_is_refused_at_start_up() {
    let output = Command::new(env!("CARGO_BIN_EXE_smoke-demo"))
        .env("DEMO_SMOKE_SCHEDULE", "often")
        .env("DEMO_LISTEN", "127.0.0.1:0")
        .output()
        .expect("the demo starts");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("DEMO_SMOKE_SCHEDULE must be a duration"),
        "{stderr}"
    );
}

/// `smoke_last_run_timestamp_seconds` of a Prometheus page, when a run of every test ended.
fn last_run_at(metrics: &str) -> Option<f64> {
    metrics
        .lines()
        .find_map(|line| line.strip_prefix("smoke_last_run_timestamp_seconds "))
        .and_then(|v| v.trim().parse().ok())
}

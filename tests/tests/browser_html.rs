//! The HTML page in a real browser: headless Chromium loads it from the endpoint over
//! loopback; the dumped DOM shows the status and one row per test, and a screenshot is
//! taken (written to `target/smoke-html-page.png`). A second page has history: trend
//! strips, a flaky test, a blocked test and a damped banner (`target/smoke-html-memory.png`).
//!
//! Chromium is `/usr/bin/chromium` (Debian's `chromium` package; `SMOKE_CHROMIUM`
//! overrides the path). When it is missing the test fails under CI (`CI=true`) and is
//! skipped with a note elsewhere.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use smoke_runtime::http::{Details, Smoke};
use smoke_runtime::prelude::*;
use smoke_runtime::Selection;
use smoke_tests::http_client::serve_axum;

#[smoke_test(tags("page", "db"))]
fn page_database_reachable() -> SmokeResult {
    Ok(())
}

#[smoke_test(tags("page", "storage"))]
async fn page_bucket_writable() -> SmokeResult {
    Err(SmokeError::failure(
        "PUT s3://media/probe answered 403 Forbidden <AccessDenied>",
    ))
}

#[smoke_test(tags("page"))]
fn page_ffmpeg_version() -> SmokeResult {
    Ok(())
}

#[smoke_test(tags("page"), skip = "no GPU on this host")]
fn page_gpu_present() -> SmokeResult {
    Ok(())
}

// ---- the page with history: a trend strip, a flaky test, a blocked test ----------------

static BROKER_RUNS: AtomicU64 = AtomicU64::new(0);
static SEARCH_RUNS: AtomicU64 = AtomicU64::new(0);

/// Passes 6 runs, then errors: 2 failures, damped by `fail_after = 3`.
#[smoke_test(tags("memory"), fail_after = 3)]
fn mem_broker_reachable() -> SmokeResult {
    if BROKER_RUNS.fetch_add(1, Ordering::SeqCst) >= 6 {
        return Err(SmokeError::error(
            "connect to amqp://broker.internal:5672 refused",
        ));
    }
    Ok(())
}

/// Blocked once its prerequisite stops passing.
#[smoke_test(tags("memory"), requires(mem_broker_reachable))]
fn mem_queue_drains() -> SmokeResult {
    Ok(())
}

/// Fails runs 1, 3 and 5 of 8: flaky, passing at the end.
#[smoke_test(tags("memory", "search"))]
fn mem_search_answers() -> SmokeResult {
    let n = SEARCH_RUNS.fetch_add(1, Ordering::SeqCst);
    if n % 2 == 1 && n < 7 {
        return Err(SmokeError::failure(
            "search answered 503 Service Unavailable",
        ));
    }
    Ok(())
}

#[smoke_test(tags("memory", "db"))]
fn mem_database_reachable() -> SmokeResult {
    Ok(())
}

/// Chromium's path; `None` (the test is skipped, saying so) when it is missing outside
/// CI, a panic under CI.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("SMOKE_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if path.exists() {
        return Some(path);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("chromium is not installed (apt-get install -y chromium), and CI=true");
    }
    eprintln!("note: /usr/bin/chromium is missing; the browser test is skipped outside CI");
    None
}

/// A screenshot of `url` at `size` (`"1100,560"`), written to `target/{name}`; its bytes,
/// checked to be a PNG.
async fn screenshot(binary: &Path, url: &str, size: &str, name: &str) -> Vec<u8> {
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target");
    let _ = std::fs::create_dir_all(&target);
    let shot = target.join(name);
    let _ = std::fs::remove_file(&shot);
    run_chromium(
        binary,
        &[
            format!("--screenshot={}", shot.display()),
            format!("--window-size={size}"),
            url.to_owned(),
        ],
    )
    .await;
    let png = std::fs::read(&shot).expect("chromium wrote the screenshot");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    png
}

/// Runs headless Chromium with `args` and a fresh profile of its own (tests run side by
/// side); returns its stdout.
async fn run_chromium(binary: &Path, args: &[String]) -> String {
    static PROFILES: AtomicU64 = AtomicU64::new(0);
    let profile = std::env::temp_dir().join(format!(
        "smoke-chromium-{}-{}",
        std::process::id(),
        PROFILES.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&profile);
    let mut command = tokio::process::Command::new(binary);
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .kill_on_drop(true);
    let output = tokio::time::timeout(Duration::from_secs(90), command.output())
        .await
        .expect("chromium did not finish within 90 s")
        .expect("chromium starts");
    let _ = std::fs::remove_dir_all(&profile);
    assert!(
        output.status.success(),
        "chromium failed: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_html_page_renders_in_headless_chromium() {
    let Some(binary) = chromium() else {
        return;
    };
    // Every page load runs the tests (no anonymous minimum interval), so that the count
    // below says the page was loaded twice.
    let smoke = Smoke::builder()
        .details(Details::Always)
        .only(Selection::all().tag("page"))
        .min_interval(std::time::Duration::ZERO)
        .build();
    let app = smoke_runtime::axum::mount(axum::Router::new(), "/smoketest", smoke.clone());
    let addr = serve_axum(app).await;
    let url = format!("http://{addr}/smoketest?format=html");

    let dom = run_chromium(&binary, &["--dump-dom".to_owned(), url.clone()]).await;
    assert!(dom.contains(r#"<div id="status">FAIL</div>"#), "{dom}");
    assert!(dom.contains("<title>FAIL · smoke tests</title>"), "{dom}");
    assert!(dom.contains(r#"<b id="count-run">3</b>"#), "{dom}");
    assert!(dom.contains(r#"<b id="count-failed">1</b>"#), "{dom}");
    assert!(dom.contains(r#"<b id="count-skipped">1</b>"#), "{dom}");
    // Names may wrap after `::` (`<wbr>`); the rows are compared without those.
    let dom = dom.replace("<wbr>", "");
    let rows: Vec<&str> = dom.split("<tr class=\"test").skip(1).collect();
    assert_eq!(rows.len(), 4, "{dom}");
    // The failing test comes first, with its message escaped, not interpreted.
    assert!(
        rows[0].contains("browser_html::page_bucket_writable"),
        "{}",
        rows[0]
    );
    assert!(rows[0].contains(r#"data-outcome="failed""#));
    assert!(
        rows[0].contains("403 Forbidden &lt;AccessDenied&gt;"),
        "{}",
        rows[0]
    );
    assert!(rows[0].contains(r#"<span class="tag">storage</span>"#));
    for name in [
        "page_database_reachable",
        "page_ffmpeg_version",
        "page_gpu_present",
    ] {
        assert!(rows.iter().any(|r| r.contains(name)), "no row for {name}");
    }
    assert!(rows
        .iter()
        .any(|r| r.contains(r#"data-outcome="skipped""#) && r.contains("no GPU on this host")));

    let png = screenshot(&binary, &url, "1100,560", "smoke-html-page.png").await;
    assert!(
        png.len() > 10_000,
        "a suspiciously small screenshot: {} bytes",
        png.len()
    );
    // One run for both page loads would need a cache; without one, each load ran.
    assert_eq!(smoke.runs(), 2);
}

/// Eight runs, then the page: each row has a trend strip of eight cells, the flaky test
/// its badge, the blocked test `blocked by` its prerequisite, and the banner the reported
/// status (passing: the broker's 2 failures are damped) with this run's beside it. A
/// screenshot is written to `target/smoke-html-memory.png`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_shows_history_a_flaky_and_a_blocked_test() {
    let Some(binary) = chromium() else {
        return;
    };
    // The runs are the host's (each one runs); the browser, a caller without the token,
    // is served the latest within the minimum interval and runs nothing.
    let smoke = Smoke::builder()
        .details(Details::Always)
        .only(Selection::all().tag("memory"))
        .min_interval(Duration::from_secs(600))
        .build();
    let tests = smoke.coordinator().tests().to_vec();
    for _ in 0..8 {
        smoke.coordinator().run(tests.clone()).await;
    }
    let addr = serve_axum(smoke_runtime::axum::router(smoke.clone())).await;
    let url = format!("http://{addr}/?format=html");

    let dom = run_chromium(&binary, &["--dump-dom".to_owned(), url.clone()]).await;
    assert!(dom.contains(r#"<div id="status">PASS</div>"#), "{dom}");
    assert!(dom.contains("this run: <b>FAIL</b>"), "{dom}");
    let dom = dom.replace("<wbr>", "");
    let rows: Vec<&str> = dom.split("<tr class=\"test").skip(1).collect();
    assert_eq!(rows.len(), 4, "{dom}");
    let row = |name: &str| {
        *rows
            .iter()
            .find(|r| r.contains(&format!("<td class=\"name\">browser_html::{name}</td>")))
            .unwrap_or_else(|| panic!("no row for {name}"))
    };
    for name in [
        "mem_broker_reachable",
        "mem_queue_drains",
        "mem_search_answers",
        "mem_database_reachable",
    ] {
        let strip = row(name).split("<div class=\"strip\">").nth(1).unwrap();
        let strip = &strip[..strip.find("</div>").unwrap()];
        assert_eq!(
            strip.matches("<span class=\"cell ").count(),
            8,
            "{name}: {strip}"
        );
    }
    let broker = row("mem_broker_reachable");
    assert!(broker.contains(r#"data-outcome="errored""#), "{broker}");
    assert!(broker.contains("failing since "), "{broker}");
    assert!(broker.contains("reported passing (damped)"), "{broker}");
    let queue = row("mem_queue_drains");
    assert!(queue.contains(r#"data-outcome="skipped""#), "{queue}");
    assert!(
        queue.contains("blocked by browser_html::mem_broker_reachable"),
        "{queue}"
    );
    assert_eq!(
        queue.matches("<span class=\"cell skipped\"").count(),
        2,
        "{queue}"
    );
    let search = row("mem_search_answers");
    assert!(search.contains(">flaky</span>"), "{search}");
    assert!(search.contains("passing since "), "{search}");
    assert_eq!(dom.matches(">flaky</span>").count(), 1, "{dom}");

    screenshot(&binary, &url, "1280,640", "smoke-html-memory.png").await;
    // The browser's loads were served the host's eighth run.
    assert_eq!(smoke.runs(), 8);
}

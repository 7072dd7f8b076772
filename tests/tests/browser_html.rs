//! The HTML page in a real browser: headless Chromium loads it from the endpoint over
//! loopback; the dumped DOM shows the status and one row per test, and a screenshot is
//! taken (written to `target/smoke-html-page.png`).
//!
//! Chromium is `/usr/bin/chromium` (Debian's `chromium` package; `SMOKE_CHROMIUM`
//! overrides the path). When it is missing the test fails under CI (`CI=true`) and is
//! skipped with a note elsewhere.

use std::path::{Path, PathBuf};
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

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("SMOKE_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    path.exists().then_some(path)
}

/// Runs headless Chromium with `args` and a fresh profile; returns its stdout.
async fn run_chromium(binary: &Path, args: &[String]) -> String {
    let profile = std::env::temp_dir().join(format!(
        "smoke-chromium-{}-{}",
        std::process::id(),
        args.len()
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
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("chromium is not installed (apt-get install -y chromium), and CI=true");
        }
        eprintln!("note: /usr/bin/chromium is missing; the browser test is skipped outside CI");
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

    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target");
    let _ = std::fs::create_dir_all(&target);
    let shot = target.join("smoke-html-page.png");
    let _ = std::fs::remove_file(&shot);
    run_chromium(
        &binary,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1100,560".to_owned(),
            url,
        ],
    )
    .await;
    let png = std::fs::read(&shot).expect("chromium wrote the screenshot");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert!(
        png.len() > 10_000,
        "a suspiciously small screenshot: {} bytes",
        png.len()
    );
    // One run for both page loads would need a cache; without one, each load ran.
    assert_eq!(smoke.runs(), 2);
}

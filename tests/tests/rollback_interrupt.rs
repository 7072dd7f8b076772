//! Ctrl-C during a smoke run: a `harness = false` smoke target (`main!`) that runs two
//! tests of its own in a child process, one at a time, and sends the child SIGINT while
//! the first is running. The running test finishes and its cleanup runs; the second is not
//! started; the child exits with 130.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use smoke_runtime::prelude::*;

/// Set in the child run: the directory its tests write their marker files to.
const CHILD_DIR: &str = "SMOKE_INTERRUPT_CHILD_DIR";

/// How many of the child's tests started, in this process.
static STARTED: AtomicUsize = AtomicUsize::new(0);

/// The child's tests (no-ops outside the child run): the first to start writes `written`,
/// registers a cleanup that removes it, and takes two seconds; any later one writes
/// `second-started`.
async fn child_test() -> SmokeResult {
    let Some(dir) = std::env::var_os(CHILD_DIR).map(PathBuf::from) else {
        return Ok(());
    };
    if STARTED.fetch_add(1, Ordering::SeqCst) > 0 {
        std::fs::write(dir.join("second-started"), b"started after the interrupt")?;
        return Ok(());
    }
    let written = dir.join("written");
    std::fs::write(&written, b"removed by the cleanup")?;
    add_cleanup(move || {
        let _ = std::fs::remove_file(&written);
    });
    tokio::time::sleep(Duration::from_secs(2)).await;
    Ok(())
}

#[smoke_test(timeout = "20s")]
async fn child_a() -> SmokeResult {
    child_test().await
}

#[smoke_test(timeout = "20s")]
async fn child_b() -> SmokeResult {
    child_test().await
}

#[smoke_test(timeout = "60s")]
fn ctrl_c_lets_the_running_test_clean_up_and_starts_no_more() -> SmokeResult {
    if std::env::var_os(CHILD_DIR).is_some() {
        return Ok(());
    }
    let dir = std::env::temp_dir().join(format!(
        "smoke-rollback-interrupt-{}-{}",
        std::process::id(),
        Instant::now().elapsed().as_nanos()
    ));
    std::fs::create_dir_all(&dir)?;
    let result = interrupt_a_child_run(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn interrupt_a_child_run(dir: &std::path::Path) -> SmokeResult {
    let mut child = Command::new(std::env::current_exe()?)
        .args(["--test-threads", "1", "--format", "text", "child_"])
        .env(CHILD_DIR, dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let started = Instant::now();
    while !dir.join("written").exists() {
        if started.elapsed() > Duration::from_secs(20) || child.try_wait()?.is_some() {
            let _ = child.kill();
            let out = child.wait_with_output()?;
            return Err(SmokeError::error(format!(
                "the child's first test did not start: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()?;
    assert_true!(sent.success(), "kill -INT failed");
    let waited = Instant::now();
    while child.try_wait()?.is_none() {
        if waited.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            return Err(SmokeError::failure("the child did not exit after SIGINT"));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output()?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let shown = format!("stdout:\n{stdout}\nstderr:\n{stderr}");
    assert_equal!(out.status.code(), Some(130), "{shown}");
    assert_false!(
        dir.join("written").exists(),
        "the running test's cleanup did not run; {shown}"
    );
    assert_false!(
        dir.join("second-started").exists(),
        "a test started after the interrupt; {shown}"
    );
    assert_in!(
        "the run was interrupted (Ctrl-C)",
        stdout.as_ref(),
        "{shown}"
    );
    assert_in!(
        "interrupted: no more tests start",
        stderr.as_ref(),
        "{shown}"
    );
    Ok(())
}

smoke_runtime::main!();

//! A multi-threaded runtime whose only blocking thread can be held: a run that needs a
//! blocking thread (a lane's) cannot finish while it is, so how long a run takes shows
//! where its tests ran.

use std::sync::{mpsc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use smoke_core::{Report, Runner, TestDescriptor};
use tokio::runtime::Runtime;

/// How long [`let_go_later`] waits before it lets the blocking thread go.
pub const HELD: Duration = Duration::from_millis(300);

/// Held by each test for its whole length: inline lanes are counted for the whole
/// process, so a test's inline lane would take the turn of another runtime's.
pub fn one_at_a_time() -> MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::new(());
    TURN.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A multi-threaded runtime of `workers` workers and one blocking thread.
pub fn runtime(workers: usize) -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .max_blocking_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

/// Takes the runtime's only blocking thread until the returned sender is dropped.
pub fn hold_blocking_thread(runtime: &Runtime) -> mpsc::Sender<()> {
    let (release, held) = mpsc::channel::<()>();
    let (started, running) = mpsc::channel();
    runtime.spawn_blocking(move || {
        started.send(()).unwrap();
        let _ = held.recv();
    });
    running.recv().unwrap();
    release
}

/// Lets the blocking thread go once [`HELD`] has passed: join the thread to be sure.
pub fn let_go_later(release: mpsc::Sender<()>) -> JoinHandle<()> {
    std::thread::spawn(move || {
        std::thread::sleep(HELD);
        drop(release);
    })
}

/// Runs `tests` with `runner` in a task of `runtime`, as a front end does: the report and
/// how long the run took (at most 5 s).
pub fn run_in_task(
    runtime: &Runtime,
    runner: &Runner,
    tests: Vec<&'static TestDescriptor>,
) -> (Report, Duration) {
    let runner = runner.clone();
    let run = async move { runner.run_tests(tests, false, |_| {}).await };
    let start = Instant::now();
    let report = runtime
        .block_on(async { tokio::time::timeout(Duration::from_secs(5), tokio::spawn(run)).await })
        .expect("the run waited for the held blocking thread")
        .unwrap();
    (report, start.elapsed())
}

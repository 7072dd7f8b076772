//! `--parallel` bounding the requests in flight, and `--retry-for` with a window per
//! target.

use std::time::{Duration, Instant};

use crate::common::{exits, stderr, stdout};

use super::{fleet, server, Arrivals};

#[tokio::test]
async fn parallel_bounds_the_requests_in_flight() {
    let arrivals = Arrivals::default();
    let server = server(arrivals.clone()).await;
    let (a, b) = (server.url("/slow/a"), server.url("/slow/b"));
    // Each slow endpoint answers a second after its request arrives.
    let answer_time = Duration::from_secs(1);
    let taken = |arrivals: &Arrivals| {
        let mut seen = std::mem::take(&mut *arrivals.lock().unwrap());
        seen.sort_by_key(|(_, at)| *at);
        assert_eq!(seen.len(), 2, "{seen:?}");
        seen[1].1 - seen[0].1
    };

    let output = fleet(&[&a, &b], &["--parallel", "1"]).await;
    exits(&output, 0);
    let gap = taken(&arrivals);
    assert!(
        gap >= answer_time,
        "with --parallel 1 the second request went out {gap:?} after the first, before \
         the first was answered"
    );

    let output = fleet(&[&a, &b], &["--parallel", "2"]).await;
    exits(&output, 0);
    let gap = taken(&arrivals);
    assert!(
        gap < answer_time,
        "with --parallel 2 the second request waited {gap:?} for the first's answer"
    );

    let output = fleet(&[&a, &b], &["--parallel", "0"]).await;
    exits(&output, 2);
}

#[tokio::test]
async fn each_target_retries_in_its_own_window() {
    let arrivals = Arrivals::default();
    let server = server(arrivals.clone()).await;
    let (pass, late) = (server.url("/pass"), server.url("/late"));
    let output = fleet(
        &[&late, &pass],
        &["--retry-for", "30s", "--retry-interval", "300ms"],
    )
    .await;
    exits(&output, 0);
    let err = stderr(&output);
    assert!(
        err.contains(&format!(
            "cargo smoke: {late}: attempt 1: {late} answered HTTP 503"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("cargo smoke: {late}: attempt 2: ")),
        "{err}"
    );
    assert!(!err.contains(&format!("{pass}: attempt")), "{err}");
    let seen = arrivals.lock().unwrap().clone();
    let at = |path: &str| -> Vec<Instant> {
        seen.iter()
            .filter(|(p, _)| p == path)
            .map(|(_, at)| *at)
            .collect()
    };
    let (passes, lates) = (at("/pass"), at("/late"));
    assert_eq!(passes.len(), 1, "{seen:?}");
    assert_eq!(lates.len(), 3, "{seen:?}");
    // The passing target was asked once, at the start, not after the late one's retries.
    assert!(passes[0] < lates[1], "{seen:?}");
    assert!(stdout(&output).contains(&format!("== {late}: PASS\n")));

    // A target that hangs is given up at the end of its own window; the others answer.
    let hang = server.url("/hang");
    let started = Instant::now();
    let output = fleet(
        &[&pass, &hang],
        &["--retry-for", "1s", "--format", "nagios"],
    )
    .await;
    exits(&output, 3);
    assert!(
        stdout(&output).contains(&format!(
            "{hang}: UNKNOWN - GET {hang} got no complete answer within 1s"
        )),
        "{}",
        stdout(&output)
    );
    assert!(started.elapsed() < Duration::from_secs(30));
}

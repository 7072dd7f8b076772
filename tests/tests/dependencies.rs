//! `requires(...)`: prerequisites run first, a test whose prerequisite did not pass is
//! skipped as `blocked by ...`, selecting a test runs its prerequisites, and cycles are
//! reported by name.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use smoke_runtime::prelude::*;
use smoke_runtime::report::{Format, RenderOptions};
use smoke_runtime::{Outcome, Report, Runner, Selection};
use smoke_tests::run::{find_in, message};

/// What the ordering tests did, in order.
static LOG: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());

fn log(what: &'static str) {
    LOG.lock().unwrap().push(what);
}

async fn run(filter: &str) -> Report {
    Runner::builder()
        .build()
        .run(&Selection::all().filter(filter))
        .await
}

mod order {
    use super::*;

    #[smoke_test]
    async fn db_reachable() -> SmokeResult {
        tokio::time::sleep(Duration::from_millis(100)).await;
        log("db_reachable ends");
        Ok(())
    }

    #[smoke_test(requires(db_reachable))]
    async fn users_readable() -> SmokeResult {
        log("users_readable starts");
        Ok(())
    }

    #[smoke_test(requires(users_readable, super::order::db_reachable))]
    fn orders_readable() -> SmokeResult {
        log("orders_readable starts");
        Ok(())
    }
}

#[tokio::test]
async fn a_prerequisite_runs_before_its_dependents() {
    let report = run("dependencies::order::").await;
    for name in ["db_reachable", "users_readable", "orders_readable"] {
        let test = find_in(&report, "dependencies::order", name);
        assert_eq!(test.outcome, Outcome::Passed, "{test:?}");
    }
    let log = LOG.lock().unwrap().clone();
    assert_eq!(
        log,
        vec![
            "db_reachable ends",
            "users_readable starts",
            "orders_readable starts"
        ]
    );
}

mod blocked {
    use super::*;

    #[smoke_test]
    fn fails() -> SmokeResult {
        assert_eq!(1, 2);
        Ok(())
    }

    #[smoke_test]
    fn errors() -> SmokeResult {
        Err(SmokeError::error("connection refused"))
    }

    #[smoke_test(timeout = "50ms")]
    async fn times_out() -> SmokeResult {
        tokio::time::sleep(Duration::from_secs(5)).await;
        Ok(())
    }

    #[smoke_test]
    fn panics() -> SmokeResult {
        panic!("boom")
    }

    #[smoke_test(skip = "needs the staging bucket")]
    fn skipped() -> SmokeResult {
        Ok(())
    }

    #[smoke_test]
    fn passes() -> SmokeResult {
        Ok(())
    }

    #[smoke_test(requires(fails))]
    fn after_failure() -> SmokeResult {
        panic!("must not run")
    }

    #[smoke_test(requires(errors))]
    fn after_error() -> SmokeResult {
        panic!("must not run")
    }

    #[smoke_test(requires(times_out))]
    fn after_timeout() -> SmokeResult {
        panic!("must not run")
    }

    #[smoke_test(requires(panics))]
    fn after_panic() -> SmokeResult {
        panic!("must not run")
    }

    #[smoke_test(requires(skipped))]
    fn after_skipped() -> SmokeResult {
        panic!("must not run")
    }

    #[smoke_test(requires(passes, after_failure))]
    fn transitively() -> SmokeResult {
        panic!("must not run")
    }
}

#[tokio::test]
async fn a_dependent_of_a_test_that_did_not_pass_is_skipped_as_blocked() {
    let report = run("dependencies::blocked::").await;
    let m = "dependencies::blocked";
    for (dependent, prerequisite) in [
        ("after_failure", "fails"),
        ("after_error", "errors"),
        ("after_timeout", "times_out"),
        ("after_panic", "panics"),
        ("after_skipped", "skipped"),
        ("transitively", "after_failure"),
    ] {
        let test = find_in(&report, m, dependent);
        assert_eq!(test.outcome, Outcome::Skipped, "{test:?}");
        assert_eq!(message(test), format!("blocked by {m}::{prerequisite}"));
        assert_eq!(test.duration_ms, 0.0);
    }
    assert_eq!(find_in(&report, m, "passes").outcome, Outcome::Passed);
    // django-smoketest's counts: a blocked test did not run.
    let counts = report.counts();
    assert_eq!(counts.run, 5, "{counts:?}");
    assert_eq!(counts.skipped, 7, "{counts:?}");

    let text = Format::Text.render(&report, &RenderOptions::default());
    assert!(text.contains("tests run: 5\n"), "{text}");
    assert!(
        text.contains(&format!(
            "{m}::after_failure skipped: blocked by {m}::fails\n"
        )),
        "{text}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&Format::Json.render(&report, &RenderOptions::default())).unwrap();
    assert_eq!(json["tests_run"], 5, "{json}");
    let entry = json["tests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == format!("{m}::after_error"))
        .unwrap();
    assert_eq!(entry["outcome"], "skipped");
    assert_eq!(entry["message"], format!("blocked by {m}::errors"));
    let xml = Format::Junit.render(&report, &RenderOptions::default());
    assert!(
        xml.contains(&format!("<skipped message=\"blocked by {m}::panics\"/>")),
        "{xml}"
    );
    let html = Format::Html.render(&report, &RenderOptions::default());
    assert!(
        html.contains(&format!("blocked by {m}::times_out")),
        "{html}"
    );
    let metrics = smoke_runtime::report::prometheus::render(&report, &RenderOptions::default());
    assert!(
        !metrics.contains(&format!("smoke_test_passed{{test=\"{m}::after_error\"")),
        "{metrics}"
    );
}

mod concurrent {
    use super::*;

    #[smoke_test]
    async fn first() -> SmokeResult {
        tokio::time::sleep(Duration::from_millis(200)).await;
        Ok(())
    }

    #[smoke_test]
    async fn second() -> SmokeResult {
        tokio::time::sleep(Duration::from_millis(200)).await;
        Ok(())
    }

    #[smoke_test(requires(first))]
    async fn third() -> SmokeResult {
        Ok(())
    }
}

#[tokio::test]
async fn independent_tests_still_run_at_once() {
    let start = Instant::now();
    let report = run("dependencies::concurrent::").await;
    let elapsed = start.elapsed();
    assert!(report.passed(), "{report:?}");
    assert_eq!(report.tests.len(), 3);
    assert!(elapsed < Duration::from_millis(390), "{elapsed:?}");
}

mod selection {
    use super::*;

    #[smoke_test]
    fn config_loaded() -> SmokeResult {
        Ok(())
    }

    #[smoke_test(requires(config_loaded))]
    fn cache_reachable() -> SmokeResult {
        Ok(())
    }

    #[smoke_test(tags("picked"), requires(cache_reachable))]
    fn sessions_readable() -> SmokeResult {
        Ok(())
    }

    #[smoke_test(tags("picked"))]
    fn unrelated() -> SmokeResult {
        Ok(())
    }
}

#[tokio::test]
async fn selecting_a_test_runs_its_prerequisites_and_says_so() {
    let runner = Runner::builder().build();
    let report = runner
        .run(
            &Selection::all()
                .filter("dependencies::selection::")
                .tag("picked"),
        )
        .await;
    let m = "dependencies::selection";
    let mut names: Vec<&str> = report.tests.iter().map(|t| &*t.name).collect();
    names.sort();
    assert_eq!(
        names,
        vec![
            format!("{m}::cache_reachable"),
            format!("{m}::config_loaded"),
            format!("{m}::sessions_readable"),
            format!("{m}::unrelated"),
        ]
    );
    assert!(report.passed());
    let added = find_in(&report, m, "cache_reachable");
    assert_eq!(
        message(added),
        format!("run as a prerequisite of {m}::sessions_readable")
    );
    assert_eq!(
        message(find_in(&report, m, "config_loaded")),
        format!("run as a prerequisite of {m}::cache_reachable")
    );
    assert_eq!(find_in(&report, m, "sessions_readable").message, None);
    let text = Format::Text.render(&report, &RenderOptions::default());
    assert!(
        text.contains(&format!(
            "{m}::config_loaded passed: run as a prerequisite of {m}::cache_reachable\n"
        )),
        "{text}"
    );
    let json = Format::Json.render(&report, &RenderOptions::default());
    assert!(
        json.contains(&format!("run as a prerequisite of {m}::sessions_readable")),
        "{json}"
    );
    assert_eq!(report.counts().run, 4);
}

mod cycle {
    use super::*;

    #[smoke_test(requires(b))]
    fn a() -> SmokeResult {
        Ok(())
    }

    #[smoke_test(requires(c))]
    fn b() -> SmokeResult {
        Ok(())
    }

    #[smoke_test(requires(a))]
    fn c() -> SmokeResult {
        Ok(())
    }

    #[smoke_test(requires(b))]
    fn outside() -> SmokeResult {
        Ok(())
    }
}

#[tokio::test]
async fn a_cycle_errors_its_tests_and_names_them_in_order() {
    let report = run("dependencies::cycle::").await;
    let m = "dependencies::cycle";
    let cycle = format!("dependency cycle: {m}::a -> {m}::b -> {m}::c -> {m}::a");
    for name in ["a", "b", "c"] {
        let test = find_in(&report, m, name);
        assert_eq!(test.outcome, Outcome::Errored, "{test:?}");
        assert_eq!(message(test), cycle);
    }
    let outside = find_in(&report, m, "outside");
    assert_eq!(outside.outcome, Outcome::Skipped);
    assert_eq!(message(outside), format!("blocked by {m}::b"));

    let tests: Vec<&smoke_runtime::TestDescriptor> = smoke_runtime::registered()
        .iter()
        .filter(|t| t.full_name() == format!("{m}::outside"))
        .collect();
    let err = smoke_runtime::check_dependencies(tests).unwrap_err();
    assert_eq!(err.to_string(), cycle);
}

mod shared {
    use super::*;

    #[smoke_test]
    pub(crate) fn settings_read() -> SmokeResult {
        Ok(())
    }
}

mod suite {
    use super::*;

    #[smoke_test]
    fn broker_reachable() -> SmokeResult {
        Err(SmokeError::error("broker down"))
    }

    #[derive(Default)]
    pub struct Queue;

    #[smoke_suite(requires(broker_reachable))]
    impl Queue {
        fn test_publish(&self) -> SmokeResult {
            Ok(())
        }

        #[smoke(requires(crate::shared::settings_read))]
        fn test_consume(&self) -> SmokeResult {
            Ok(())
        }
    }
}

#[tokio::test]
async fn a_suite_and_its_methods_take_requires() {
    let report = run("dependencies::suite::").await;
    let m = "dependencies::suite";
    for name in ["Queue::test_publish", "Queue::test_consume"] {
        let test = find_in(&report, m, name);
        assert_eq!(test.outcome, Outcome::Skipped, "{test:?}");
        assert_eq!(message(test), format!("blocked by {m}::broker_reachable"));
    }
    // The method's own prerequisite was added to the run (and passed).
    let added = find_in(&report, "dependencies::shared", "settings_read");
    assert_eq!(added.outcome, Outcome::Passed);
}

mod endpoint {
    use super::*;

    #[smoke_test(tags("dep-endpoint"))]
    fn queue_reachable() -> SmokeResult {
        Err(SmokeError::error("queue down"))
    }

    #[smoke_test(tags("dep-endpoint", "dep-picked"), requires(queue_reachable))]
    fn jobs_listed() -> SmokeResult {
        Ok(())
    }
}

#[tokio::test]
async fn the_endpoint_shows_blocked_tests_and_runs_prerequisites_of_a_query() {
    use smoke_runtime::http::{Details, Smoke};
    use smoke_tests::http_client::{get, serve_axum};

    let smoke = Smoke::builder()
        .only(Selection::all().tag("dep-endpoint"))
        .min_interval(Duration::ZERO)
        .details(Details::Always)
        .build();
    let app = axum::Router::new().nest("/smoketest", smoke_runtime::axum::router(smoke));
    let addr = serve_axum(app).await;
    let m = "dependencies::endpoint";

    // Only the dependent is picked: its prerequisite runs too, and blocks it.
    let r = get(addr, "/smoketest?tag=dep-picked&format=json", &[]).await;
    assert_eq!(
        r.status,
        hyper::StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        r.body
    );
    let json = r.json();
    assert_eq!(json["tests_run"], 1, "{json}");
    let tests = json["tests"].as_array().unwrap();
    assert_eq!(tests.len(), 2, "{json}");
    let jobs = tests
        .iter()
        .find(|t| t["name"] == format!("{m}::jobs_listed"))
        .unwrap();
    assert_eq!(jobs["outcome"], "skipped");
    assert_eq!(jobs["message"], format!("blocked by {m}::queue_reachable"));

    let r = get(addr, "/smoketest?tag=dep-picked", &[]).await;
    assert!(
        r.body.contains(&format!(
            "{m}::jobs_listed skipped: blocked by {m}::queue_reachable\n"
        )),
        "{}",
        r.body
    );
    assert!(r.body.contains("tests run: 1\n"), "{}", r.body);
}

//! [`SmokeBuilder`]: the endpoint's policies, and the runner it drives.

use std::time::Duration;

use http::StatusCode;

use super::{Details, Smoke, DEFAULT_DEADLINE, DEFAULT_MAX_RUNS, DEFAULT_MIN_INTERVAL};
use crate::coordinator::notify::{Notifications, StatusChange, Webhook};
use crate::coordinator::{Coordinator, Policy};
use crate::report::redact::Redactor;
use crate::{RunnerBuilder, Selection};

/// Configures a [`Smoke`] endpoint: the HTTP policies (details, failure status, cache,
/// schedule, run slots, message length, probes' tags, exposed tests) and the runner it
/// drives, given whole with [`runner`](Self::runner) (resources, hooks, secrets,
/// timeouts, deadline, concurrency).
///
/// ```
/// use std::time::Duration;
/// use http::StatusCode;
/// use smoke_runtime::http::{Details, Smoke};
/// use smoke_runtime::Runner;
///
/// struct Settings { bucket: String }
///
/// let smoke = Smoke::builder()
///     .runner(
///         Runner::builder()
///             .resource(Settings { bucket: "media".into() })
///             .secret("the-api-key")
///             .default_timeout(Duration::from_secs(5))
///             .deadline(Duration::from_secs(20))
///             .concurrency(8),
///     )
///     .details(Details::Never)
///     .failure_status(StatusCode::SERVICE_UNAVAILABLE)
///     .cache(Duration::from_secs(30))
///     .max_runs(2)
///     .max_message_len(2000)
///     .build();
/// assert_eq!(smoke.runs(), 0);
/// ```
#[derive(Debug)]
pub struct SmokeBuilder {
    pub(super) runner: RunnerBuilder,
    pub(super) details: Details,
    pub(super) failure_status: StatusCode,
    pub(super) cache: Option<Duration>,
    pub(super) schedule: Option<Duration>,
    pub(super) max_runs: usize,
    pub(super) anonymous_runs: Option<usize>,
    pub(super) min_interval: Duration,
    pub(super) redactor: Redactor,
    pub(super) readiness_tags: Vec<String>,
    pub(super) startup_tags: Vec<String>,
    pub(super) only: Selection,
    pub(super) base_path: String,
    pub(super) history: usize,
    pub(super) damping: crate::report::damping::Damping,
    pub(super) notify: Notifications,
    pub(super) cache_failures: bool,
}

impl Default for SmokeBuilder {
    fn default() -> Self {
        SmokeBuilder {
            runner: RunnerBuilder::default(),
            details: Details::Never,
            failure_status: StatusCode::INTERNAL_SERVER_ERROR,
            cache: None,
            schedule: None,
            max_runs: DEFAULT_MAX_RUNS,
            anonymous_runs: None,
            min_interval: DEFAULT_MIN_INTERVAL,
            redactor: Redactor::new(),
            readiness_tags: vec!["readiness".to_owned()],
            startup_tags: vec!["startup".to_owned()],
            only: Selection::all(),
            base_path: String::new(),
            history: crate::report::history::DEFAULT_KEEP,
            damping: crate::report::damping::Damping::new(),
            notify: Notifications::default(),
            cache_failures: true,
        }
    }
}

impl SmokeBuilder {
    /// The runner's configuration: resources, run-wide hooks, secrets, timeouts,
    /// concurrency (default [`Runner::builder()`](crate::Runner::builder)). A deadline
    /// it leaves unset is [`DEFAULT_DEADLINE`] here: tests still running then are reported
    /// as timed out, and no request waits much longer. Its secrets are masked in every
    /// answer, as the runner masks them on stderr.
    pub fn runner(mut self, runner: RunnerBuilder) -> Self {
        self.runner = runner;
        self
    }

    /// Who sees test names and messages (default [`Details::Never`]).
    pub fn details(mut self, details: Details) -> Self {
        self.details = details;
        self
    }

    /// The status of a failed run (default 500). Must be a 5xx.
    pub fn failure_status(mut self, status: StatusCode) -> Self {
        self.failure_status = status;
        self
    }

    /// Runs every exposed test whenever a request needs a result and none younger than
    /// `max_age` is at hand, and answers every selection from that run (its tests'
    /// part of it), with `Cache-Control: max-age` and `Age`. Default: no cache, every
    /// request from a caller with the token that does not join a run in flight starts a
    /// run of its selection (others are bounded by [`min_interval`](Self::min_interval)).
    ///
    /// With a [`schedule`](Self::schedule) too, the scheduled runs keep the result fresh
    /// in the background and the cache's max age is how old a result may be served: a
    /// request that finds it older starts a run (coalesced with any in flight).
    ///
    /// A failing result older than [`min_interval`](Self::min_interval) is not served
    /// to a caller who may start a run: it runs again, so a failure that has cleared is
    /// seen within a second of someone asking.
    pub fn cache(mut self, max_age: Duration) -> Self {
        self.cache = Some(max_age);
        self
    }

    /// How many runs may be in progress at once (default [`DEFAULT_MAX_RUNS`], at least
    /// 1). A request that would start one more gets 429 Too Many Requests with
    /// `Retry-After` (when a slot is expected to come free, from how long the runs in
    /// flight took last time) and runs nothing; requests that join a run in flight, or
    /// are served from earlier results, always get through.
    ///
    /// Callers without the token may start only [`anonymous_runs`](Self::anonymous_runs)
    /// of them, so `/readyz`, `/startupz` and authorized callers always find a slot.
    pub fn max_runs(mut self, max_runs: usize) -> Self {
        self.max_runs = max_runs.max(1);
        self
    }

    /// How many of the [`max_runs`](Self::max_runs) callers without the token may hold
    /// (default half of them, at least 1). When they hold all of theirs, such a caller
    /// gets the latest result of its selection, with its `Age`, or 429 when there is
    /// none yet.
    pub fn anonymous_runs(mut self, runs: usize) -> Self {
        self.anonymous_runs = Some(runs.max(1));
        self
    }

    /// The least time between two runs of one selection that callers without the token
    /// (and the probes) can cause (default [`DEFAULT_MIN_INTERVAL`], 1 s; zero turns the
    /// limit off). Within it they get the latest result, with `Age` and
    /// `Cache-Control: max-age`, so a flood of anonymous requests runs the tests at most
    /// once per interval.
    pub fn min_interval(mut self, interval: Duration) -> Self {
        self.min_interval = interval;
        self
    }

    /// Runs every test in the background every `every` and serves the latest result.
    /// The schedule starts when the host calls [`Smoke::start_schedule`] (once it
    /// listens, so that tests that need the service itself can pass), or else with the
    /// first request for results; never at `build`. Runs start `every` apart (not
    /// `every` after the previous one ended); one that takes longer is followed at once
    /// by the next. Without a [`cache`](Self::cache), a result is served while it is
    /// younger than `every`; see `cache` for both together.
    pub fn schedule(mut self, every: Duration) -> Self {
        self.schedule = Some(every);
        self
    }

    /// Caps every message at this many characters (default 4096).
    pub fn max_message_len(mut self, max: usize) -> Self {
        self.redactor = self.redactor.max_len(max);
        self
    }

    /// The tags `/startupz` runs until they have passed once (default `startup`).
    pub fn startup_tags<I, S>(mut self, tags: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.startup_tags = tags.into_iter().map(Into::into).collect();
        self
    }

    /// The tags `/readyz` runs (default `readiness`).
    pub fn readiness_tags<I, S>(mut self, tags: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.readiness_tags = tags.into_iter().map(Into::into).collect();
        self
    }

    /// Exposes only the tests this selection takes (default: every registered test).
    pub fn only(mut self, selection: Selection) -> Self {
        self.only = selection;
        self
    }

    /// Where [`Smoke::handle`] is mounted, e.g. `/smoketest`: it then answers
    /// `/smoketest`, `/smoketest/metrics`, ... (default: the root). Frameworks that
    /// strip the prefix themselves (axum's `nest`) need none.
    pub fn base_path(mut self, path: impl Into<String>) -> Self {
        self.base_path = path.into().trim_end_matches('/').to_owned();
        self
    }

    /// How many runs of each exposed test the endpoint keeps in memory (default
    /// [`DEFAULT_KEEP`](crate::report::history::DEFAULT_KEEP), 50; 0 keeps none): every
    /// run it finishes, whoever started it. Callers allowed details see them in the JSON
    /// (`history`, the streak), the HTML page (a trend strip) and `/metrics`
    /// (`smoke_test_consecutive_failures`, `smoke_test_last_pass_timestamp_seconds`);
    /// see [`report::history`](crate::report::history). The memory it takes is bounded
    /// by the exposed tests and `n`.
    pub fn history(mut self, n: usize) -> Self {
        self.history = n;
        self
    }

    /// The run-wide flap damping (default none): how many failing runs in a row make a
    /// test reported failing, how many passing runs in a row make it reported passing
    /// again, and when it is flaky; a test's own `#[smoke_test(fail_after = 3,
    /// pass_after = 2)]` takes precedence. The status code of a run route follows the
    /// reported status; the JSON `status` and `flaky` keys, the HTML page and `/metrics`
    /// show it beside the raw outcome. It works on the [`history`](Self::history), so
    /// keeping none turns it off. See [`report::damping`](crate::report::damping).
    ///
    /// ```
    /// use smoke_runtime::http::Smoke;
    /// use smoke_runtime::report::damping::Damping;
    ///
    /// let smoke = Smoke::builder()
    ///     .damping(Damping::new().fail_after(3).pass_after(2))
    ///     .build();
    /// # drop(smoke);
    /// ```
    pub fn damping(mut self, damping: crate::report::damping::Damping) -> Self {
        self.damping = damping;
        self
    }

    /// Calls `callback` when a test's status, or the whole selection's, changes between
    /// recorded runs (pass -> fail, fail -> pass; a first run only when it fails). It
    /// runs on a background task, never on a run's path; a panic in it is caught. See
    /// [`coordinator::notify`](crate::coordinator::notify). Repeatable.
    pub fn on_change(mut self, callback: impl Fn(&StatusChange) + Send + Sync + 'static) -> Self {
        self.notify.callbacks.push(std::sync::Arc::new(callback));
        self
    }

    /// POSTs each status change as JSON (a Slack-style `text` and structured fields) to
    /// `webhook`: a URL (`http://...`, or `https://...` with the `tls` feature) or a
    /// [`Webhook`] with headers, timeout, tries and trusted roots.
    /// Delivery is queued and retried in the background, never holding up a run.
    /// Repeatable.
    pub fn webhook(mut self, webhook: impl Into<Webhook>) -> Self {
        self.notify.webhooks.push(webhook.into());
        self
    }

    /// The service's name and the instance (host, pod) that status changes carry and
    /// their `text` names (`... is FAILING on checkout on pod-7`).
    pub fn notify_labels(
        mut self,
        service: Option<impl Into<String>>,
        instance: Option<impl Into<String>>,
    ) -> Self {
        self.notify.service = service.map(Into::into);
        self.notify.instance = instance.map(Into::into);
        self
    }

    /// Whether a failing result is served again from the cache (default `true`). With
    /// `false` a failing selection runs again on the next request, so a fix shows at
    /// once; the minimum interval between runs ([`min_interval`](Self::min_interval))
    /// still applies to callers without the token and probes, who are served the failure
    /// until it passes. A passing result is cached as before.
    pub fn cache_failures(mut self, cache: bool) -> Self {
        self.cache_failures = cache;
        self
    }

    /// The endpoint. Starts nothing: see [`Smoke::start_schedule`].
    ///
    /// # Panics
    ///
    /// When the failure status is not a 5xx, or the token of
    /// [`Details::WhenAuthorized`] is empty once trimmed of surrounding whitespace, or has
    /// a character other than visible ASCII (no request could present it): both would
    /// make the endpoint lie; or when a [`webhook`](Self::webhook)'s URL is not
    /// `http(s)://host[:port]/...` (`https://` needs the `tls` feature); or when the prerequisites (`requires(...)`) of the
    /// exposed tests form a cycle, so that those tests could never run: the message names
    /// the cycle (`dependency cycle: a -> b -> a`, see
    /// [`check_dependencies`](crate::check_dependencies)).
    pub fn build(self) -> Smoke {
        for hook in &self.notify.webhooks {
            if let Err(why) = hook.check() {
                panic!("a webhook cannot be sent to: {why}");
            }
        }
        assert!(
            self.failure_status.is_server_error(),
            "the failure status must be a 5xx, not {}",
            self.failure_status
        );
        let bearer = match &self.details {
            Details::WhenAuthorized(token) => {
                let bearer = super::token::BearerToken::new(token);
                assert!(
                    bearer.is_some(),
                    "Details::WhenAuthorized needs a non-empty token of visible ASCII \
                     characters, which an Authorization header can carry (it is trimmed of \
                     surrounding whitespace)"
                );
                bearer
            }
            Details::Always | Details::Never => None,
        };
        let mut runner = self.runner;
        let mut redactor = self.redactor;
        for secret in &runner.config().secrets {
            redactor.add_secret(secret.clone());
        }
        let deadline = match runner.config().deadline {
            Some(deadline) => deadline,
            None => {
                runner = runner.deadline(DEFAULT_DEADLINE);
                DEFAULT_DEADLINE
            }
        };
        let grace = runner.config().tear_down_grace;
        // What the runner writes to stderr goes through the same redactor as reports.
        let scrub = redactor.clone();
        let runner = runner.scrub(smoke_core::Scrub::new(move |text| scrub.redact(text)));
        let exposed = self.only.apply(smoke_core::registered());
        if let Err(cycle) = smoke_core::check_dependencies(exposed.iter().copied()) {
            panic!("the exposed smoke tests can never run: {cycle}");
        }
        let policy = Policy {
            deadline,
            grace,
            cache: self.cache,
            schedule: self.schedule,
            max_runs: self.max_runs,
            anonymous_runs: self.anonymous_runs.unwrap_or(self.max_runs / 2),
            min_interval: self.min_interval,
            redactor,
            history: self.history,
            damping: self.damping,
            notify: self.notify,
            cache_failures: self.cache_failures,
        };
        Smoke::new(
            Coordinator::new(runner.build(), exposed, policy),
            super::Settings {
                details: self.details,
                bearer,
                failure_status: self.failure_status,
                readiness: self.readiness_tags,
                startup: self.startup_tags,
                base_path: self.base_path,
            },
        )
    }
}

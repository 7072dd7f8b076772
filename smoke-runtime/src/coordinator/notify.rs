//! Notifications when a status changes between recorded runs: a test's, or the whole
//! selection's (every exposed test). Registered callbacks
//! ([`SmokeBuilder::on_change`](crate::http::SmokeBuilder)) and webhooks (a JSON POST
//! with a Slack-style `text`) hear of each [`StatusChange`].
//!
//! - A change is pass -> fail or fail -> pass; a test's first recorded run counts as a
//!   change (from [`Status::Unknown`]) only when it fails.
//! - The status comes from one function, [`reported_status`], from the test's history
//!   (today its latest run that counts: skipped runs do not). With
//!   [`history`](crate::http::SmokeBuilder::history) 0 nothing is recorded, so nothing
//!   changes.
//! - What a change carries comes from the recorded, already redacted report, and is
//!   passed through the coordinator's redactor once more.
//! - Delivery never blocks or fails a run: changes go to a bounded queue
//!   ([`QUEUE_LEN`]; when full the oldest is dropped, with one line on stderr) that a
//!   background task drains. Each webhook is tried [`Webhook::tries`] times with
//!   exponential backoff (0.5 s, 1 s, ...), each try bounded by [`Webhook::timeout`];
//!   a receiver that is slow or down costs a line on stderr. Callbacks run in turn on a
//!   blocking thread of the runtime (they may block), and a callback that panics is
//!   caught.
//! - Webhooks are POSTed through the HTTP check's client ([`HttpCheck`](crate::checks::HttpCheck),
//!   feature `http-check`, which the endpoint's `http` feature turns on): `http://`, and
//!   `https://` with the `tls` feature, verified against the system's roots and any
//!   [`Webhook::root_certificate_pem`] gives.

use std::collections::VecDeque;
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

use super::lock;
#[cfg(feature = "http-check")]
pub use super::webhook::Webhook;
use crate::report::damping::Reported;
use crate::report::history::{rfc3339, History, TestHistory};
use crate::report::redact::Redactor;
use crate::Outcome;

/// How many changes wait for delivery at most; when full, the oldest is dropped.
pub const QUEUE_LEN: usize = 256;

/// What a test (or the selection) is reported as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Nothing that counts has run yet.
    Unknown,
    /// Passing.
    Passing,
    /// Failing (failed, errored or timed out).
    Failing,
}

impl Status {
    /// `unknown`, `passing` or `failing`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Unknown => "unknown",
            Status::Passing => "passing",
            Status::Failing => "failing",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The status a test is reported as, from its history: the one place that decides it.
/// It is the damped status ([`TestHistory::reported`]): with the default thresholds, the
/// outcome of the latest run that counts (skipped runs do not); with flap damping, a
/// failure is reported only after `fail_after` failures in a row, a recovery after
/// `pass_after` passes, and a test that has not passed yet nor failed often enough is
/// `Unknown`.
pub fn reported_status(history: &TestHistory) -> Status {
    match history.reported {
        Reported::Passing => Status::Passing,
        Reported::Failing => Status::Failing,
        Reported::Pending => Status::Unknown,
    }
}

/// A change of status between two recorded runs.
#[derive(Clone, Debug, PartialEq)]
pub struct StatusChange {
    /// The test's full name; `None` for the whole selection (every exposed test).
    pub test: Option<String>,
    /// Before.
    pub from: Status,
    /// After.
    pub to: Status,
    /// The outcome of the test's run (`None` for the selection).
    pub outcome: Option<Outcome>,
    /// The first line of the (redacted) message; for the selection, the failing tests.
    pub message: Option<String>,
    /// When the run ended, in Unix seconds.
    pub at: f64,
    /// The service's name, when configured.
    pub service: Option<String>,
    /// The instance (host, pod), when configured.
    pub instance: Option<String>,
}

impl StatusChange {
    /// What the change is about: the test's name, or `selection`.
    pub fn subject(&self) -> &str {
        self.test.as_deref().unwrap_or("selection")
    }

    /// The one-line human text, e.g. `:red_circle: smoke: app::db::reachable is
    /// FAILING on host (was passing): connection refused`.
    pub fn text(&self) -> String {
        let icon = match self.to {
            Status::Failing => ":red_circle:",
            Status::Passing => ":large_green_circle:",
            Status::Unknown => ":white_circle:",
        };
        let subject = match &self.test {
            Some(test) => test.clone(),
            None => "every exposed test".to_owned(),
        };
        let verb = if self.test.is_some() { "is" } else { "are" };
        let mut text = format!(
            "{icon} smoke: {subject} {verb} {}",
            self.to.as_str().to_uppercase()
        );
        let place = match (&self.service, &self.instance) {
            (Some(s), Some(i)) => Some(format!("{s} on {i}")),
            (Some(s), None) => Some(s.clone()),
            (None, Some(i)) => Some(i.clone()),
            (None, None) => None,
        };
        if let Some(place) = place {
            text.push_str(&format!(" on {place}"));
        }
        text.push_str(&format!(" (was {})", self.from));
        if let Some(message) = &self.message {
            text.push_str(&format!(": {message}"));
        }
        text
    }

    /// The webhook's JSON body: `text`, and `test`, `from`, `to`, `outcome`, `message`,
    /// `at` (RFC 3339), `selection` (true for the whole selection), `service` and
    /// `instance` when configured.
    pub fn to_json(&self) -> Value {
        let mut body = json!({
            "text": self.text(),
            "test": self.test,
            "selection": self.test.is_none(),
            "from": self.from.as_str(),
            "to": self.to.as_str(),
            "outcome": self.outcome.map(|o| o.as_str()),
            "message": self.message,
            "at": rfc3339(self.at),
        });
        if let Some(service) = &self.service {
            body["service"] = json!(service);
        }
        if let Some(instance) = &self.instance {
            body["instance"] = json!(instance);
        }
        body
    }
}

/// A callback that hears of every change.
pub type Callback = Arc<dyn Fn(&StatusChange) + Send + Sync>;

/// Where changes go: callbacks, webhooks, and the labels they carry. Part of the
/// coordinator's [`Policy`](super::Policy); the default notifies no one.
#[derive(Clone, Default)]
pub struct Notifications {
    /// Called with each change, on a background task.
    pub callbacks: Vec<Callback>,
    /// POSTed each change as JSON (feature `http-check`).
    #[cfg(feature = "http-check")]
    pub webhooks: Vec<Webhook>,
    /// The service's name, carried by each change.
    pub service: Option<String>,
    /// The instance (host, pod), carried by each change.
    pub instance: Option<String>,
}

impl fmt::Debug for Notifications {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut f = f.debug_struct("Notifications");
        f.field("callbacks", &self.callbacks.len());
        #[cfg(feature = "http-check")]
        f.field("webhooks", &self.webhooks);
        f.field("service", &self.service)
            .field("instance", &self.instance)
            .finish()
    }
}

impl Notifications {
    /// Whether anyone listens.
    pub fn is_empty(&self) -> bool {
        #[cfg(feature = "http-check")]
        if !self.webhooks.is_empty() {
            return false;
        }
        self.callbacks.is_empty()
    }
}

/// The statuses of the tests a run touched, and of the selection, before it is recorded.
pub(super) struct Before {
    tests: Vec<(String, Status)>,
    selection: Status,
}

/// The selection's status: failing when any test fails, passing when some pass and none
/// fail.
fn selection_status(history: &History) -> Status {
    let mut status = Status::Unknown;
    for (_, test) in history.iter() {
        match reported_status(test) {
            Status::Failing => return Status::Failing,
            Status::Passing => status = Status::Passing,
            Status::Unknown => {}
        }
    }
    status
}

/// Snapshots the statuses of `names` (the tests of a run) before it is recorded.
pub(super) fn before<'a>(history: &History, names: impl Iterator<Item = &'a str>) -> Before {
    Before {
        tests: names
            .map(|name| {
                let status = history.get(name).map_or(Status::Unknown, reported_status);
                (name.to_owned(), status)
            })
            .collect(),
        selection: selection_status(history),
    }
}

/// The changes between `before` and `history` (now recorded), redacted by `redactor`.
pub(super) fn changes(
    before: Before,
    history: &History,
    at: f64,
    config: &Notifications,
    redactor: &Redactor,
) -> Vec<StatusChange> {
    let changed = |from: Status, to: Status| {
        to != Status::Unknown && from != to && !(from == Status::Unknown && to == Status::Passing)
    };
    let make = |test: Option<String>, from, to, outcome, message: Option<String>| StatusChange {
        test,
        from,
        to,
        outcome,
        message: message.map(|m| redactor.redact(&m)),
        at,
        service: config.service.clone(),
        instance: config.instance.clone(),
    };
    let mut out = Vec::new();
    for (name, from) in before.tests {
        let Some(test) = history.get(&name) else {
            continue;
        };
        let to = reported_status(test);
        if changed(from, to) {
            let last = test.runs.back();
            out.push(make(
                Some(name.clone()),
                from,
                to,
                last.map(|r| r.outcome),
                last.and_then(|r| r.message.clone()),
            ));
        }
    }
    let to = selection_status(history);
    if changed(before.selection, to) {
        let failing: Vec<&str> = history
            .iter()
            .filter(|(_, test)| reported_status(test) == Status::Failing)
            .map(|(name, _)| name)
            .collect();
        let message = (!failing.is_empty()).then(|| format!("failing: {}", failing.join(", ")));
        out.push(make(None, before.selection, to, None, message));
    }
    out
}

/// The delivery side: a bounded queue and the task that drains it.
#[derive(Default)]
pub(super) struct Notifier {
    config: Notifications,
    queue: Arc<Queue>,
}

impl fmt::Debug for Notifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notifier")
            .field("config", &self.config)
            .finish()
    }
}

#[derive(Default)]
struct Queue {
    changes: Mutex<VecDeque<StatusChange>>,
    wake: tokio::sync::Notify,
    started: std::sync::atomic::AtomicBool,
}

impl Queue {
    /// Adds `change`; when full the oldest goes. Returns whether one was dropped.
    fn push(&self, change: StatusChange, capacity: usize) -> bool {
        let mut changes = lock(&self.changes);
        let dropped = changes.len() >= capacity;
        if dropped {
            changes.pop_front();
        }
        changes.push_back(change);
        dropped
    }
}

impl Notifier {
    pub(super) fn new(config: Notifications) -> Self {
        Notifier {
            config,
            queue: Arc::default(),
        }
    }

    pub(super) fn config(&self) -> &Notifications {
        &self.config
    }

    /// Queues `changes` for delivery and returns at once.
    pub(super) fn send(&self, changes: Vec<StatusChange>) {
        if changes.is_empty() || self.config.is_empty() {
            return;
        }
        for change in changes {
            if self.queue.push(change, QUEUE_LEN) {
                eprintln!(
                    "smoke: the notification queue is full ({QUEUE_LEN}); the oldest change was dropped"
                );
            }
        }
        self.start();
        self.queue.wake.notify_one();
    }

    /// Starts the delivery task once, on the current tokio runtime.
    fn start(&self) {
        use std::sync::atomic::Ordering;
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        if self.queue.started.swap(true, Ordering::SeqCst) {
            return;
        }
        // The task lives as long as the runtime; idle, it only waits to be woken.
        let queue = self.queue.clone();
        let config = self.config.clone();
        runtime.spawn(async move {
            loop {
                let next = lock(&queue.changes).pop_front();
                match next {
                    Some(change) => deliver(&config, &change).await,
                    None => queue.wake.notified().await,
                }
            }
        });
    }
}

/// Hands `change` to every callback and webhook.
async fn deliver(config: &Notifications, change: &StatusChange) {
    if !config.callbacks.is_empty() {
        // On a blocking thread: a callback that blocks holds up no task.
        let (callbacks, change) = (config.callbacks.clone(), change.clone());
        let called = tokio::task::spawn_blocking(move || {
            for callback in &callbacks {
                if catch_unwind(AssertUnwindSafe(|| callback(&change))).is_err() {
                    eprintln!("smoke: a change callback panicked on {}", change.subject());
                }
            }
        });
        let _ = called.await;
    }
    #[cfg(feature = "http-check")]
    post(config, change).await;
}

/// POSTs `change` to every webhook, side by side.
#[cfg(feature = "http-check")]
async fn post(config: &Notifications, change: &StatusChange) {
    if config.webhooks.is_empty() {
        return;
    }
    // Side by side: a slow receiver does not hold up the others.
    let body: Arc<str> = change.to_json().to_string().into();
    let sends: Vec<_> = config
        .webhooks
        .iter()
        .map(|hook| {
            let (hook, body) = (hook.clone(), body.clone());
            tokio::spawn(async move { hook.deliver(&body).await })
        })
        .collect();
    for send in sends {
        let _ = send.await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(n: u32) -> StatusChange {
        StatusChange {
            test: Some(format!("t{n}")),
            from: Status::Passing,
            to: Status::Failing,
            outcome: Some(Outcome::Failed),
            message: None,
            at: 0.0,
            service: None,
            instance: Some("host".into()),
        }
    }

    #[test]
    fn the_queue_keeps_the_newest_within_its_bound() {
        let queue = Queue::default();
        let mut dropped = 0;
        for n in 0..300 {
            dropped += usize::from(queue.push(change(n), QUEUE_LEN));
        }
        let changes = lock(&queue.changes);
        assert_eq!(changes.len(), QUEUE_LEN);
        assert_eq!(dropped, 300 - QUEUE_LEN);
        assert_eq!(changes.front().unwrap().test.as_deref(), Some("t44"));
        assert_eq!(changes.back().unwrap().test.as_deref(), Some("t299"));
    }

    #[test]
    fn the_text_says_what_changed_where() {
        let mut c = change(1);
        c.message = Some("connection refused".into());
        assert_eq!(
            c.text(),
            ":red_circle: smoke: t1 is FAILING on host (was passing): connection refused"
        );
    }
}

//! The routes that answer with a run's result (`/`, `/readyz`, `/startupz`): who asks,
//! what they select, and the coordinator's answer. `/gate` shares who asks and what they
//! select (`caller_for`, `tests_for`).

use std::sync::atomic::Ordering;

use http::header::CACHE_CONTROL;
use http::{HeaderMap, Request, Response, StatusCode};
use std::collections::BTreeSet;

use super::answer::{accept_header, bad_query, not_acceptable, plain, too_many_runs};
use super::{negotiate, parse_query, query, Details, NegotiationError, Query, Route, Smoke};
use crate::coordinator::{Ask, Caller};
use crate::{Selection, TestDescriptor};

impl Smoke {
    /// Answers `/`, `/readyz` or `/startupz`.
    pub(super) async fn run_route<B>(
        &self,
        route: Route,
        request: &Request<B>,
    ) -> Response<String> {
        let details = match self.details_for(request.headers()) {
            Ok(details) => details,
            Err(response) => return *response,
        };
        let allowed: &[&str] = match route {
            Route::Run => &["tag", "test", "format", "fresh"],
            Route::Readyz | Route::Startupz | Route::Metrics | Route::Livez | Route::Gate => {
                &["format"]
            }
        };
        let query = match parse_query(request.uri().query().unwrap_or(""), allowed) {
            Ok(query) => query,
            Err(why) => return bad_query(&why),
        };
        let format = match query.format {
            Some(format) => format,
            None => match accept_header(request.headers()).and_then(|a| {
                negotiate(a.as_deref()).map_err(|e| match e {
                    NegotiationError::Malformed(why) => format!("malformed Accept header: {why}"),
                    NegotiationError::NotAcceptable => String::new(),
                })
            }) {
                Ok(format) => format,
                Err(why) if why.is_empty() => return not_acceptable(),
                Err(why) => return plain(StatusCode::BAD_REQUEST, &why),
            },
        };
        let caller = match route {
            Route::Readyz | Route::Startupz => Caller::Probe,
            _ => self.caller_for(details),
        };
        let tests = match route {
            Route::Readyz => {
                if self.shared.shutting_down.load(Ordering::SeqCst) {
                    return plain(StatusCode::SERVICE_UNAVAILABLE, "shutting down");
                }
                self.tagged(&self.shared.settings.readiness)
            }
            Route::Startupz => {
                if self.shared.started_up.load(Ordering::SeqCst) {
                    return plain(StatusCode::OK, "started");
                }
                self.tagged(&self.shared.settings.startup)
            }
            _ => match self.tests_for(&query, details) {
                Ok(tests) => tests,
                Err(response) => return *response,
            },
        };
        let fresh = query.fresh || no_cache(request.headers());
        let ask = Ask {
            tests,
            caller,
            fresh,
        };
        match self.shared.coordinator.obtain(ask).await {
            Ok(served) => {
                // Over the full report: the anonymized one has no names to look the
                // history up by.
                let verdict = self.shared.coordinator.verdict(&served.report);
                // Started once the start-up tests are reported passing: never before a
                // first pass (a test is pending until then), and a failure damping does
                // not report yet does not hold start-up back.
                if route == Route::Startupz && verdict.passes {
                    self.shared.started_up.store(true, Ordering::SeqCst);
                }
                self.render(&served, verdict, format, details)
            }
            Err(busy) => too_many_runs(busy),
        }
    }

    /// Who a caller of `/` or `/gate` is: [`Caller::Trusted`] with the token, else
    /// [`Caller::Anonymous`].
    pub(super) fn caller_for(&self, details: bool) -> Caller {
        let trusted = matches!(self.shared.settings.details, Details::WhenAuthorized(_)) && details;
        if trusted {
            Caller::Trusted
        } else {
            Caller::Anonymous
        }
    }

    /// The tests a query's `tag`s and `test`s take for this caller: every exposed test
    /// without them; `Err` is the 403 of a selection from a caller not allowed details,
    /// or the 400 of an unknown name or an empty selection.
    pub(super) fn tests_for(
        &self,
        query: &Query,
        details: bool,
    ) -> Result<Vec<&'static TestDescriptor>, Box<Response<String>>> {
        let selects = !(query.tags.is_empty() && query.tests.is_empty());
        if !selects {
            return Ok(self.shared.coordinator.tests().to_vec());
        }
        if !details {
            return Err(Box::new(plain(
                StatusCode::FORBIDDEN,
                "selecting tests with `tag` or `test` needs a caller allowed details \
                 (the bearer token); ask without them for the whole run",
            )));
        }
        self.select(query, details)
            .map_err(|why| Box::new(plain(StatusCode::BAD_REQUEST, &why)))
    }

    /// The exposed tests with any of `tags`.
    fn tagged(&self, tags: &[String]) -> Vec<&'static TestDescriptor> {
        let selection = Selection {
            tags: tags.to_vec(),
            ..Selection::all()
        };
        self.shared
            .coordinator
            .tests()
            .iter()
            .copied()
            .filter(|t| selection.takes(t))
            .collect()
    }

    /// The exposed tests the query's `tag`s and `test`s take; an unknown tag or test is
    /// an error (which names the known ones only to callers allowed details), and so is
    /// a `tag` or `test` that leaves no test to run.
    fn select(&self, query: &Query, details: bool) -> Result<Vec<&'static TestDescriptor>, String> {
        let exposed = self.shared.coordinator.tests();
        let known_tags: BTreeSet<&str> = exposed
            .iter()
            .flat_map(|t| t.tags.iter().copied())
            .collect();
        let names = &self.shared.names;
        // Unknown values are quoted cut short: the message repeats what the caller sent.
        let unknown_tags: Vec<String> = query
            .tags
            .iter()
            .map(String::as_str)
            .filter(|t| !known_tags.contains(t))
            .map(query::shorten)
            .collect();
        if !unknown_tags.is_empty() {
            let mut why = format!("unknown tag(s): {}", unknown_tags.join(", "));
            if details {
                why.push_str(&format!(
                    "; known tags: {}",
                    known_tags.into_iter().collect::<Vec<_>>().join(", ")
                ));
            }
            return Err(why);
        }
        let unknown_tests: Vec<String> = query
            .tests
            .iter()
            .map(String::as_str)
            .filter(|t| !names.iter().any(|n| n == t))
            .map(query::shorten)
            .collect();
        if !unknown_tests.is_empty() {
            let mut why = format!(
                "unknown test(s): {}; give full names as in `?test=module::path::test`",
                unknown_tests.join(", ")
            );
            if details && names.len() <= 200 {
                why.push_str(&format!("; known tests: {}", names.join(", ")));
            }
            return Err(why);
        }
        // `test` names are exact filters, `tag`s are or-ed: the query as a `Selection`.
        let selection = Selection {
            filters: query.tests.clone(),
            exact: true,
            tags: query.tags.clone(),
            ..Selection::all()
        };
        let selected: Vec<&'static TestDescriptor> = exposed
            .iter()
            .copied()
            .filter(|t| selection.takes(t))
            .collect();
        if selected.is_empty() && !(query.tags.is_empty() && query.tests.is_empty()) {
            return Err(
                "the selection takes no test: no test named by `test` has any of \
                        the `tag`s given (tags are or-ed, and `test` narrows further)"
                    .to_owned(),
            );
        }
        Ok(selected)
    }
}

/// Whether the request says `Cache-Control: no-cache` (or `no-store`, `max-age=0`).
pub(super) fn no_cache(headers: &HeaderMap) -> bool {
    headers
        .get_all(CACHE_CONTROL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|d| d.trim().to_ascii_lowercase())
        .any(|d| d == "no-cache" || d == "no-store" || d == "max-age=0")
}

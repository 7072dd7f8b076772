//! Writing answers: a run's report in the negotiated format with its headers, and the
//! plain-text answers of the 4xx cases.

use http::header::{
    HeaderName, HeaderValue, ACCEPT, AGE, CACHE_CONTROL, CONTENT_TYPE, VARY, X_CONTENT_TYPE_OPTIONS,
};
use http::{HeaderMap, Response, StatusCode};

use super::{Details, Format, Smoke, NOSNIFF};
use crate::coordinator::{Busy, Served};
use crate::report::damping::Verdict;
use crate::report::history::History;
use crate::report::RenderOptions;

impl Smoke {
    /// The answer of a run route: the report in `format`, with the status, caching and
    /// content headers. The status code, `X-Smoke-Status` and the document's own status
    /// follow `verdict`'s reported status (after flap damping).
    pub(super) fn render(
        &self,
        served: &Served,
        verdict: Verdict,
        format: Format,
        details: bool,
    ) -> Response<String> {
        // Without details the renderers get a report that holds nothing but outcomes,
        // so no format can show a name, tag, place or message, whatever it renders.
        let anonymous;
        let report = if details {
            &*served.report
        } else {
            anonymous = served.report.anonymized();
            &anonymous
        };
        let options = RenderOptions {
            details,
            color: false,
        };
        // The history of the tests shown, to callers allowed details only.
        let history = if details {
            self.shared.coordinator.history_of(report)
        } else {
            History::default()
        };
        let body = format.render_with_history(report, &options, &history, verdict);
        let body = served.provenance().stamp(format, body);
        let status = if verdict.passes {
            StatusCode::OK
        } else {
            self.shared.settings.failure_status
        };
        let mut response = Response::new(body);
        *response.status_mut() = status;
        self.result_headers(&mut response, served, format.content_type(), verdict);
        response
    }

    /// The headers of an answer made from a result: its type, caching (`Cache-Control`,
    /// `Age`), `Vary`, `X-Smoke-Status` (the reported status of `verdict`),
    /// `X-Smoke-Raw-Status` (this run's), `X-Smoke-Source` and `nosniff`.
    pub(super) fn result_headers(
        &self,
        response: &mut Response<String>,
        served: &Served,
        content_type: &'static str,
        verdict: Verdict,
    ) {
        let private = matches!(self.shared.settings.details, Details::WhenAuthorized(_));
        let cache_control = match served.max_age {
            Some(max_age) => HeaderValue::from_str(&format!(
                "{}max-age={}",
                if private { "private, " } else { "" },
                max_age.as_secs()
            ))
            .unwrap_or(HeaderValue::from_static("no-store")),
            None => HeaderValue::from_static("no-store"),
        };
        let headers = response.headers_mut();
        headers.reserve(8);
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        headers.insert(CACHE_CONTROL, cache_control);
        // Every answer says how old its result is, and who ran it.
        headers.insert(AGE, HeaderValue::from(served.age.as_secs()));
        headers.insert(
            HeaderName::from_static("x-smoke-source"),
            HeaderValue::from_static(served.source.as_str()),
        );
        headers.insert(VARY, HeaderValue::from_static("Accept, Authorization"));
        headers.insert(
            HeaderName::from_static("x-smoke-status"),
            HeaderValue::from_static(verdict.status()),
        );
        headers.insert(
            HeaderName::from_static("x-smoke-raw-status"),
            HeaderValue::from_static(verdict.raw_status()),
        );
        headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static(NOSNIFF.1));
    }
}

/// The `Accept` header's values joined; `Err` when one is not visible ASCII.
pub(super) fn accept_header(headers: &HeaderMap) -> Result<Option<String>, String> {
    let mut joined: Option<String> = None;
    for value in headers.get_all(ACCEPT) {
        let value = value
            .to_str()
            .map_err(|_| "malformed Accept header: it is not visible ASCII".to_owned())?;
        match &mut joined {
            Some(j) => {
                j.push_str(", ");
                j.push_str(value);
            }
            None => joined = Some(value.to_owned()),
        }
    }
    Ok(joined)
}

pub(super) fn plain(status: StatusCode, message: &str) -> Response<String> {
    let mut response = Response::new(format!("{message}\n"));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(NOSNIFF.0, HeaderValue::from_static(NOSNIFF.1));
    response
}

/// The 400 of a query that does not parse or has parameters the route does not take.
pub(super) fn bad_query(why: &str) -> Response<String> {
    plain(StatusCode::BAD_REQUEST, &format!("bad query: {why}"))
}

/// The 429 of a request that would start a run and finds no slot free for its caller.
pub(super) fn too_many_runs(busy: Busy) -> Response<String> {
    let seconds = busy.retry_after.as_secs_f64().ceil().clamp(1.0, 86_400.0) as u64;
    let limit = busy.limit;
    let whose = if busy.anonymous_share {
        " for callers without the token"
    } else {
        ""
    };
    let mut response = plain(
        StatusCode::TOO_MANY_REQUESTS,
        &format!(
            "{limit} smoke runs in progress, the most this endpoint runs at once{whose}; \
             try again in {seconds} s"
        ),
    );
    response
        .headers_mut()
        .insert(http::header::RETRY_AFTER, HeaderValue::from(seconds));
    response
}

pub(super) fn not_acceptable() -> Response<String> {
    let list: Vec<String> = Format::ALL
        .iter()
        .flat_map(|f| f.media_types().iter().map(|m| m.to_string()))
        .collect();
    plain(
        StatusCode::NOT_ACCEPTABLE,
        &format!(
            "none of the formats this endpoint serves is acceptable; it serves: {} \
             (or ask with ?format={})",
            list.join(", "),
            Format::ALL.map(Format::name).join("|")
        ),
    )
}

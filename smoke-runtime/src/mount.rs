//! Routing below a prefix, shared by the front doors that mount the endpoint at a path of
//! the application (`tower::SmokeLayer`, `actix::scope`): they own every path below the
//! prefix, accept a trailing slash on each route, and answer unknown paths with a 404 in
//! the endpoint's style.

use http::header::{HeaderValue, CACHE_CONTROL, CONTENT_TYPE};
use http::{Response, StatusCode};

use crate::http::Route;

/// A mount prefix in canonical form: one leading `/`, no trailing `/`.
///
/// # Panics
///
/// When the prefix is empty, `/`, or does not start with `/`: a front door that owned
/// every path would leave nothing to the application.
pub(crate) fn canonical_prefix(prefix: &str) -> String {
    let trimmed = prefix.trim_end_matches('/');
    assert!(
        trimmed.starts_with('/'),
        "the smoke endpoint's prefix must be a path below the root such as \"/smoketest\", not {prefix:?}"
    );
    trimmed.to_owned()
}

/// What a path is, relative to a canonical prefix.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Mounted {
    /// Not below the prefix: the application's.
    #[cfg(feature = "tower")]
    Elsewhere,
    /// A route of the endpoint.
    Route(Route),
    /// Below the prefix but no route: 404.
    Unknown,
}

/// Routes `path` below `prefix` (see [`canonical_prefix`]): `prefix` and `prefix/` run the
/// tests, and each other route of [`Route::from_path`] answers with or without a trailing
/// slash.
#[cfg(feature = "tower")]
pub(crate) fn route_below(prefix: &str, path: &str) -> Mounted {
    let Some(rest) = path.strip_prefix(prefix) else {
        return Mounted::Elsewhere;
    };
    route_rest(rest).unwrap_or(Mounted::Elsewhere)
}

/// Routes what is left of a path once the prefix is removed; `None` when it is not below
/// the prefix at all (`/smoketestx` under `/smoketest`).
pub(crate) fn route_rest(rest: &str) -> Option<Mounted> {
    if !rest.is_empty() && !rest.starts_with('/') {
        return None;
    }
    // `//` is no route, whatever `Route::from_path` makes of a doubled slash.
    if rest.starts_with("//") {
        return Some(Mounted::Unknown);
    }
    Some(Route::from_path(rest).map_or(Mounted::Unknown, Mounted::Route))
}

/// The 404 for a path below the prefix that is no route, like [`crate::http::Smoke::handle`]'s.
pub(crate) fn not_found() -> Response<String> {
    let mut response = Response::new("not found\n".to_owned());
    *response.status_mut() = StatusCode::NOT_FOUND;
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(feature = "tower")]
    fn routes_below_the_prefix_with_or_without_a_trailing_slash() {
        let p = canonical_prefix("/smoketest/");
        assert_eq!(p, "/smoketest");
        assert_eq!(route_below(&p, "/smoketest"), Mounted::Route(Route::Run));
        assert_eq!(route_below(&p, "/smoketest/"), Mounted::Route(Route::Run));
        assert_eq!(
            route_below(&p, "/smoketest/livez/"),
            Mounted::Route(Route::Livez)
        );
        assert_eq!(
            route_below(&p, "/smoketest/metrics"),
            Mounted::Route(Route::Metrics)
        );
        assert_eq!(
            route_below(&p, "/smoketest/readyz/"),
            Mounted::Route(Route::Readyz)
        );
        assert_eq!(route_below(&p, "/smoketest/nope"), Mounted::Unknown);
        assert_eq!(route_below(&p, "/smoketest//"), Mounted::Unknown);
        assert_eq!(route_below(&p, "/smoketestx"), Mounted::Elsewhere);
        assert_eq!(route_below(&p, "/"), Mounted::Elsewhere);
    }

    #[test]
    #[should_panic(expected = "below the root")]
    fn the_root_is_no_prefix() {
        canonical_prefix("/");
    }
}

//! A fleet: several `--url`s, or every address of a name (`--each-address`), asked
//! concurrently, each with its own timeout and retry window, then judged together.

use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;
use std::sync::Arc;

use smoke_runtime::checks::HttpCheck;
use smoke_runtime::report::redact::Redactor;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::{Cli, Format};

use super::*;

/// One endpoint of the fleet, before it is asked.
struct Target {
    /// What names it in every format: the URL as shown, or `host:port (address)`.
    label: String,
    /// The URL as shown (password masked).
    url: String,
    /// The address asked, with --each-address.
    address: Option<IpAddr>,
    /// The request, or why there is none (a bad header, a name that does not resolve).
    check: Result<HttpCheck, String>,
}

/// One endpoint of the fleet and what it answered, scrubbed.
pub(crate) struct Checked {
    /// The target's label.
    pub label: String,
    /// The URL as shown.
    pub url: String,
    /// The address asked, with --each-address.
    pub address: Option<IpAddr>,
    /// The last attempt.
    pub result: Attempt,
}

impl Checked {
    /// The endpoint as the text report names it: the URL, and the address asked.
    pub fn endpoint(&self) -> String {
        match self.address {
            Some(address) => format!("{} at {address}", self.url),
            None => self.url.clone(),
        }
    }
}

/// What one target's answer means for the gate.
pub(crate) enum Verdict<'a> {
    /// The report says PASS and at least --min-tests ran.
    Pass,
    /// The report says FAIL, or too few tests ran (why, then).
    Fail(Option<String>),
    /// No report: why.
    NoReport(&'a str),
}

/// Judges one target's answer.
pub(crate) fn verdict<'a>(cli: &Cli, result: &'a Attempt) -> Verdict<'a> {
    match result {
        Attempt::Problem(why) => Verdict::NoReport(why),
        Attempt::Report { remote, .. } => match cli.too_few_tests(remote.tests_run) {
            Some(why) if remote.passed => Verdict::Fail(Some(why)),
            _ if remote.passed => Verdict::Pass,
            _ => Verdict::Fail(None),
        },
    }
}

/// The host and port a URL connects to (the scheme's port when it names none).
fn host_and_port(url: &str) -> Option<(&str, u16)> {
    let (scheme, rest) = url.split_once("://")?;
    let default = match scheme.to_ascii_lowercase().as_str() {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
    let (host, port) = match authority.strip_prefix('[') {
        Some(bracketed) => {
            let (host, after) = bracketed.split_once(']')?;
            (host, after.strip_prefix(':'))
        }
        None => match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    let port = match port {
        Some(port) => port.parse().ok()?,
        None => default,
    };
    (!host.is_empty()).then_some((host, port))
}

/// The targets of the command line: each --url, or with --each-address each address its
/// host resolves to (in address order, so that the report's order does not follow DNS's
/// rotation).
async fn targets(cli: &Cli) -> Vec<Target> {
    let mut targets = Vec::new();
    for url in &cli.url {
        let url = selection_url(url, &cli.tags, &cli.filters);
        let shown = Redactor::new().redact(&url);
        let check = build_check(cli, &url);
        if !cli.each_address {
            targets.push(Target {
                label: shown.clone(),
                url: shown,
                address: None,
                check,
            });
            continue;
        }
        match resolve(cli, &url).await {
            Ok((host_port, addresses)) => {
                for address in addresses {
                    targets.push(Target {
                        label: format!("{host_port} ({})", address.ip()),
                        url: shown.clone(),
                        address: Some(address.ip()),
                        check: check.clone().map(|c| c.connect_to(address)),
                    });
                }
            }
            Err(why) => targets.push(Target {
                label: shown.clone(),
                url: shown,
                address: None,
                check: Err(why),
            }),
        }
    }
    targets
}

/// `host:port` as the URL names it, and the addresses the host resolves to, sorted.
async fn resolve(cli: &Cli, url: &str) -> Result<(String, Vec<SocketAddr>), String> {
    let shown = Redactor::new().redact(url);
    let (host, port) = host_and_port(url)
        .ok_or_else(|| format!("--each-address: cannot find the host of {shown}"))?;
    let host_port = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    let timeout = cli.timeout.unwrap_or(DEFAULT_TIMEOUT);
    let found = tokio::time::timeout(timeout, tokio::net::lookup_host((host, port)))
        .await
        .map_err(|_| {
            format!(
                "--each-address: {host} did not resolve within {}",
                humantime::format_duration(timeout)
            )
        })?
        .map_err(|e| format!("--each-address: cannot resolve {host} (of {shown}): {e}"))?;
    let mut addresses: Vec<SocketAddr> = found.collect();
    addresses.sort();
    addresses.dedup();
    if addresses.is_empty() {
        return Err(format!(
            "--each-address: {host} (of {shown}) has no address"
        ));
    }
    Ok((host_port, addresses))
}

/// Asks every target, at most --parallel at a time, and returns what each answered in the
/// targets' order, scrubbed.
async fn check_all(cli: &Cli, redactor: &Redactor) -> Vec<Checked> {
    let targets = targets(cli).await;
    let shared = Arc::new((cli.clone(), redactor.clone()));
    let slots = Arc::new(Semaphore::new(cli.parallel as usize));
    let mut set = JoinSet::new();
    for (index, target) in targets.into_iter().enumerate() {
        let shared = shared.clone();
        let slots = slots.clone();
        set.spawn(async move {
            let (cli, redactor) = &*shared;
            let result = match &target.check {
                Ok(check) => {
                    check_with_retries(cli, check, Some(&target.label), Some(&slots), redactor)
                        .await
                }
                Err(why) => Attempt::Problem(why.clone()),
            };
            (index, target, result)
        });
    }
    let mut done = Vec::new();
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok(one) => done.push(one),
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    }
    done.sort_by_key(|(index, ..)| *index);
    done.into_iter()
        .map(|(_, target, result)| Checked {
            label: redactor.redact(&target.label),
            url: redactor.redact(&target.url),
            address: target.address,
            result: scrub(result, redactor),
        })
        .collect()
}

/// Runs `cargo smoke` against a fleet and writes the merged report.
pub(crate) fn main(
    cli: &Cli,
    format: Format,
    redactor: Redactor,
    runtime: &tokio::runtime::Runtime,
) -> ExitCode {
    if matches!(format, Format::Health | Format::Html) {
        return no_report(
            format,
            &format!(
                "--format {} is one endpoint's document; with several targets (several \
                 --url, --each-address) use text, json, junit or nagios",
                format.as_str()
            ),
        );
    }
    let checked = runtime.block_on(check_all(cli, &redactor));
    if format != Format::Nagios {
        for target in &checked {
            match verdict(cli, &target.result) {
                Verdict::NoReport(why) => eprintln!("cargo smoke: {}: {why}", target.label),
                Verdict::Fail(Some(why)) => eprintln!("cargo smoke: {}: {why}", target.label),
                Verdict::Pass | Verdict::Fail(None) => {}
            }
        }
    }
    let (out, code) = merged::render(cli, &checked, format);
    write_stdout(&out);
    ExitCode::from(code)
}

#[cfg(test)]
mod tests {
    use super::host_and_port;

    #[test]
    fn the_host_and_port_of_a_url() {
        assert_eq!(
            host_and_port("http://smoke.api.svc:8080/smoketest?tag=db"),
            Some(("smoke.api.svc", 8080))
        );
        assert_eq!(
            host_and_port("https://deploy:s3cret@api.internal/smoketest"),
            Some(("api.internal", 443))
        );
        assert_eq!(host_and_port("http://[::1]:9000/"), Some(("::1", 9000)));
        assert_eq!(host_and_port("HTTP://localhost"), Some(("localhost", 80)));
        assert_eq!(host_and_port("ftp://files/"), None);
        assert_eq!(host_and_port("http://:80/"), None);
        assert_eq!(host_and_port("http://h:port/"), None);
    }
}

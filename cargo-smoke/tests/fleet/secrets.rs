//! Secrets (URL credentials, `--secret-env`) scrubbed from every target's part of every
//! format.

use crate::common::{cargo_smoke_command, exits, stderr, stdout};

use smoke_tests::port::free_port;

use super::{server, Arrivals};

#[tokio::test]
async fn secrets_are_scrubbed_from_every_targets_part() {
    let server = server(Arrivals::default()).await;
    let port = server.addr().port();
    let leaky = format!("http://deploy:pw-4711@127.0.0.1:{port}/leaky");
    let dead = format!("http://deploy:pw-4711@127.0.0.1:{}/smoketest", free_port());
    for format in ["text", "json", "junit", "nagios"] {
        let output = tokio::process::Command::from(cargo_smoke_command())
            .args([
                "--url",
                &leaky,
                "--url",
                &dead,
                "--secret-env",
                "FLEET_TOKEN",
            ])
            .args(["--format", format])
            .env("FLEET_TOKEN", "tok-9f8e7d")
            .output()
            .await
            .unwrap();
        exits(&output, if format == "nagios" { 2 } else { 1 });
        let (out, err) = (stdout(&output), stderr(&output));
        for secret in ["pw-4711", "tok-9f8e7d"] {
            assert!(
                !out.contains(secret) && !err.contains(secret),
                "{format}: {out}\n{err}"
            );
        }
        assert!(out.contains("deploy:***@127.0.0.1"), "{format}: {out}");
    }
}

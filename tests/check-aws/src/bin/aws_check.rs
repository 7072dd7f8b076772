//! Runs `checks::AwsCredentialsCheck` once in the environment it is given and prints the
//! outcome as one JSON line: `{"outcome": "pass" | "failure" | "error", "message": ...}`.
//! The tests run it as a child process, because the credential chain reads the process's
//! environment.
//!
//! `aws_check [--account ID] [--timeout-ms N] [--with-config] [--plain]`: `--with-config`
//! passes an `SdkConfig` loaded with `aws_config::defaults`; `--plain` calls
//! `checks::aws_credentials_valid()`.

use std::time::Duration;

use smoke_runtime::checks::{self, AwsCredentialsCheck};
use smoke_runtime::ErrorKind;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut check = AwsCredentialsCheck::new();
    let mut with_config = false;
    let mut plain = false;
    let mut account = None;
    let mut timeout = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--account" => account = args.next(),
            "--timeout-ms" => {
                let ms = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .expect("--timeout-ms N");
                timeout = Some(Duration::from_millis(ms));
            }
            "--with-config" => with_config = true,
            "--plain" => plain = true,
            other => panic!("unknown argument {other}"),
        }
    }
    if with_config {
        let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .load()
            .await;
        check = AwsCredentialsCheck::with_config(config);
    }
    if let Some(account) = account {
        check = check.account(account);
    }
    if let Some(timeout) = timeout {
        check = check.timeout(timeout);
    }
    let result = if plain {
        checks::aws_credentials_valid().await.map(|()| None)
    } else {
        check.run().await.map(Some)
    };
    let line = match result {
        Ok(identity) => serde_json::json!({
            "outcome": "pass",
            "message": identity.as_ref().map(ToString::to_string),
            "account": identity.as_ref().map(|i| i.account.clone()),
            "arn": identity.as_ref().map(|i| i.arn.clone()),
            "access_key_id": identity.as_ref().map(|i| i.access_key_id.clone()),
        }),
        Err(e) => serde_json::json!({
            "outcome": match e.kind() {
                ErrorKind::Failure => "failure",
                ErrorKind::Error => "error",
                _ => "other",
            },
            "message": e.message(),
        }),
    };
    println!("{line}");
}

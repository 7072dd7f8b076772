//! `--each-address`: every address of a name asked (in a namespace where a test name
//! resolves to 127.0.0.1 and ::1), and the name kept for TLS.

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use serde_json::Value;
use smoke_tests::http_responder::{serve, Handler, Request, Response};
use smoke_tests::tls::{Ca, TlsServer};
use tokio::net::TcpListener;

use crate::common::{cargo_smoke, exits, stdout, stdout_json};

use super::PASS;

/// A server on one port of both 127.0.0.1 and ::1; each answers a passing report whose
/// hostname is the address it was asked on, and notes the Host header it was sent.
async fn dual_stack_server(
    hosts: Arc<Mutex<Vec<String>>>,
) -> (u16, Vec<tokio::task::JoinHandle<()>>) {
    loop {
        let v4 = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = v4.local_addr().unwrap().port();
        let Ok(v6) = TcpListener::bind(("::1", port)).await else {
            continue;
        };
        let tasks = [v4, v6]
            .into_iter()
            .map(|listener| {
                let address: SocketAddr = listener.local_addr().unwrap();
                let hosts = hosts.clone();
                let handler: Handler = Arc::new(move |request: &Request| {
                    hosts
                        .lock()
                        .unwrap()
                        .push(request.header("host").unwrap_or("").to_owned());
                    let report = serde_json::json!({"status": "PASS", "tests_run": 1,
                        "hostname": address.ip().to_string()});
                    Response::json(200, &report.to_string())
                });
                tokio::spawn(async move {
                    while let Ok((stream, _)) = listener.accept().await {
                        let handler = handler.clone();
                        tokio::spawn(async move {
                            let _ = serve(stream, &handler).await;
                        });
                    }
                })
            })
            .collect();
        return (port, tasks);
    }
}

/// Runs `cargo smoke ARGS` where the name `fleet.test` resolves to 127.0.0.1 and ::1:
/// in a user and mount namespace of its own (`unshare`), with a hosts file of the test's
/// bind-mounted over /etc/hosts there only; the system's resolver reads it as usual.
/// `None` when this machine cannot make such a namespace.
async fn with_fleet_test_name(args: &[&str]) -> Option<Output> {
    let hosts = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fleet-hosts");
    std::fs::write(&hosts, "127.0.0.1 fleet.test\n::1 fleet.test\n").unwrap();
    let probe = Command::new("unshare")
        .args([
            "-rm",
            "sh",
            "-c",
            "mount --bind \"$0\" /etc/hosts && getent ahosts fleet.test",
        ])
        .arg(&hosts)
        .output();
    match probe {
        Ok(out) if out.status.success() && String::from_utf8_lossy(&out.stdout).contains("::1") => {
        }
        _ => return None,
    }
    let output = tokio::process::Command::new("unshare")
        .args([
            "-rm",
            "sh",
            "-c",
            "mount --bind \"$0\" /etc/hosts && exec \"$@\"",
        ])
        .arg(&hosts)
        .arg(env!("CARGO_BIN_EXE_cargo-smoke"))
        .arg("smoke")
        .args(args)
        .output()
        .await
        .unwrap();
    Some(output)
}

#[tokio::test]
async fn each_address_asks_every_address_of_a_name() {
    let hosts = Arc::new(Mutex::new(Vec::new()));
    let (port, tasks) = dual_stack_server(hosts.clone()).await;
    let url = format!("http://fleet.test:{port}/smoketest");
    let args = ["--url", url.as_str(), "--each-address", "--format", "json"];
    let (output, labels) = match with_fleet_test_name(&args).await {
        Some(output) => (
            output,
            vec![
                format!("fleet.test:{port} (127.0.0.1)"),
                format!("fleet.test:{port} (::1)"),
            ],
        ),
        None => {
            // No private namespace here: `localhost`, whatever the system resolves it to.
            eprintln!("note: unshare is not available; checking localhost's addresses");
            let url = format!("http://localhost:{port}/smoketest");
            let mut found: Vec<SocketAddr> = tokio::net::lookup_host(("localhost", port))
                .await
                .unwrap()
                .collect();
            found.sort();
            found.dedup();
            let labels = found
                .iter()
                .map(|a| format!("localhost:{port} ({})", a.ip()))
                .collect();
            let output = cargo_smoke(&["--url", &url, "--each-address", "--format", "json"]).await;
            (output, labels)
        }
    };
    exits(&output, 0);
    let json: Value = stdout_json(&output);
    let targets = json["targets"].as_array().unwrap();
    let shown: Vec<&str> = targets
        .iter()
        .map(|t| t["target"].as_str().unwrap())
        .collect();
    assert_eq!(shown, labels);
    // Each address answered for itself, and each request named the host, not the address.
    for target in targets {
        assert_eq!(target["report"]["hostname"], target["address"]);
    }
    let host = labels[0].split(' ').next().unwrap().to_owned();
    assert_eq!(*hosts.lock().unwrap(), vec![host; labels.len()]);
    tasks.iter().for_each(|t| t.abort());

    // A name that does not resolve is a target without a report.
    let output = cargo_smoke(&[
        "--url",
        "http://no-such-host.invalid/smoketest",
        "--each-address",
    ])
    .await;
    exits(&output, 2);
    assert!(
        stdout(&output).contains("--each-address: cannot resolve no-such-host.invalid"),
        "{}",
        stdout(&output)
    );
}

#[tokio::test]
async fn each_address_keeps_the_name_for_tls() {
    // The certificate is for `localhost`: asking 127.0.0.1 by address passes only if the
    // TLS server name and the certificate check still use the name.
    let ca = Ca::new("Fleet Test CA");
    let server = TlsServer::start(ca.leaf(-1, 90), |_| Response::json(200, PASS)).await;
    let pem = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fleet-ca.pem");
    std::fs::write(&pem, &ca.pem).unwrap();
    let url = format!("https://localhost:{}/smoketest", server.port());
    let output = cargo_smoke(&[
        "--url",
        &url,
        "--each-address",
        "--cacert",
        pem.to_str().unwrap(),
        "--format",
        "json",
    ])
    .await;
    let json: Value = stdout_json(&output);
    // The server listens on 127.0.0.1 only; where localhost is ::1 too, that one is refused.
    let v4 = json["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["address"] == "127.0.0.1")
        .unwrap_or_else(|| panic!("no 127.0.0.1 target: {json}"));
    assert_eq!(
        v4["target"],
        format!("localhost:{} (127.0.0.1)", server.port())
    );
    assert_eq!(v4["status"], "PASS", "{json}");
}

//! What the AWS credential check's tests share: a virtualenv with moto (`moto[server]`,
//! which brings boto3), a moto server on a free loopback port that authenticates every
//! request after the set-up calls, the IAM user set up in it, and the `aws_check` binary
//! run in an environment of the test's choosing.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use smoke_test_wire::python::Venv;

/// The packages from PyPI: moto's server mode (it depends on boto3, used for the set-up).
pub const PYTHON_PACKAGES: &[&str] = &["moto[server]"];

/// How many requests moto serves without authentication: the set-up's `CreateUser` and
/// `CreateAccessKey`. Every later request must be signed with a key moto knows.
pub const NO_AUTH_REQUESTS: u32 = 2;

/// The account moto puts its resources in (`moto.core.DEFAULT_ACCOUNT_ID`).
pub const MOTO_ACCOUNT: &str = "123456789012";

/// moto, in a virtualenv under the test's `CARGO_TARGET_TMPDIR`.
const MOTO: Venv = Venv {
    dir: "moto-venv",
    packages: PYTHON_PACKAGES,
    check: "import moto.server, boto3",
    python_var: "SMOKE_TEST_MOTO_PYTHON",
    hint: "the AWS credential check tests need python3 with the venv module (Debian: \
           `apt-get install -y python3-venv`) and access to PyPI for moto[server]; or set \
           SMOKE_TEST_MOTO_PYTHON to an interpreter that has it",
};

/// The Python interpreter of a virtualenv with [`PYTHON_PACKAGES`], created in `tmp_dir`
/// (the tests pass the target directory's `tmp`) on first use (`python3 -m venv`, then
/// `pip install`); `SMOKE_TEST_MOTO_PYTHON` names an interpreter that already has them.
/// `None` (the test then skips, saying why) when that is impossible outside CI.
///
/// # Panics
///
/// Under CI, when the virtualenv cannot be created or moto cannot be installed.
pub fn python(tmp_dir: &Path) -> Option<PathBuf> {
    MOTO.python(tmp_dir)
}

/// A free port on loopback (bound, then released for the server to take).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

/// A moto server (`python -m moto.server`) on loopback, killed when dropped.
pub struct Moto {
    child: Option<Child>,
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    python: PathBuf,
}

impl Moto {
    /// Starts moto with [`NO_AUTH_REQUESTS`] unauthenticated requests and waits until it
    /// accepts connections.
    pub fn start(python: &Path) -> Moto {
        let port = free_port();
        let child = Command::new(python)
            .args(["-m", "moto.server", "-H", "127.0.0.1", "-p"])
            .arg(port.to_string())
            .env("INITIAL_NO_AUTH_ACTION_COUNT", NO_AUTH_REQUESTS.to_string())
            .env_remove("MOTO_ACCOUNT_ID")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start moto's server");
        let mut moto = Moto {
            child: Some(child),
            endpoint: format!("http://127.0.0.1:{port}"),
            python: python.to_owned(),
        };
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Some(status) = moto
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                panic!("moto's server exited at start ({status})");
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "moto's server did not listen on port {port} within a minute"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        moto
    }

    /// Creates the IAM user `smoke-check` and an access key for it (moto's last
    /// unauthenticated requests).
    pub fn create_user(&self) -> IamUser {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/moto_setup.py");
        let out = Command::new(&self.python)
            .arg(script)
            .arg(&self.endpoint)
            .output()
            .expect("run moto_setup.py");
        assert!(
            out.status.success(),
            "moto_setup.py failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value =
            serde_json::from_slice(&out.stdout).expect("moto_setup.py prints JSON");
        let field = |k: &str| v[k].as_str().expect("a string field").to_owned();
        IamUser {
            access_key_id: field("access_key_id"),
            secret_access_key: field("secret_access_key"),
            arn: field("arn"),
            account: field("account"),
        }
    }

    /// Stops the server and waits until it has exited.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        self.stop();
    }
}

/// An IAM user moto created, with its access key.
#[derive(Clone, Debug)]
pub struct IamUser {
    /// The access key id (`AKIA...`).
    pub access_key_id: String,
    /// Its secret, which no message of the check may show.
    pub secret_access_key: String,
    /// `arn:aws:iam::123456789012:user/smoke-check`.
    pub arn: String,
    /// The account moto put the user in.
    pub account: String,
}

/// One run of the `aws_check` binary: its environment is only what the test sets (plus
/// `PATH`), with empty shared config and credentials files and instance metadata off.
pub struct CheckRun {
    dir: PathBuf,
    env: BTreeMap<String, String>,
    args: Vec<String>,
}

/// What `aws_check` printed, and how long it took.
#[derive(Debug)]
pub struct CheckOutcome {
    /// `"pass"`, `"failure"` or `"error"`.
    pub outcome: String,
    /// The message (the identity on a pass).
    pub message: String,
    /// Everything the process wrote, stdout and stderr, for the no-secret assertions.
    pub everything: String,
    /// The account on a pass.
    pub account: Option<String>,
    /// The ARN on a pass.
    pub arn: Option<String>,
    /// How long the process ran.
    pub elapsed: Duration,
}

impl CheckRun {
    /// A run in `dir` (created, with empty `config` and `credentials` files) against
    /// `endpoint` (`AWS_ENDPOINT_URL`), or against no endpoint at all when `None`.
    pub fn new(dir: &Path, endpoint: Option<&str>) -> CheckRun {
        std::fs::create_dir_all(dir).expect("create the run's directory");
        let config = dir.join("config");
        let credentials = dir.join("credentials");
        std::fs::write(&config, "").expect("write config");
        std::fs::write(&credentials, "").expect("write credentials");
        let mut env = BTreeMap::new();
        let path = |p: &Path| p.to_string_lossy().into_owned();
        env.insert("HOME".to_owned(), path(dir));
        env.insert("AWS_CONFIG_FILE".to_owned(), path(&config));
        env.insert("AWS_SHARED_CREDENTIALS_FILE".to_owned(), path(&credentials));
        env.insert("AWS_EC2_METADATA_DISABLED".to_owned(), "true".to_owned());
        if let Some(endpoint) = endpoint {
            env.insert("AWS_ENDPOINT_URL".to_owned(), endpoint.to_owned());
        }
        CheckRun {
            dir: dir.to_owned(),
            env,
            args: Vec::new(),
        }
    }

    /// Sets an environment variable of the check's process.
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.insert(key.to_owned(), value.to_owned());
        self
    }

    /// The user's key in `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`.
    pub fn keys(self, key_id: &str, secret: &str) -> Self {
        self.env("AWS_ACCESS_KEY_ID", key_id)
            .env("AWS_SECRET_ACCESS_KEY", secret)
    }

    /// Writes the shared config file (`AWS_CONFIG_FILE`).
    pub fn config_file(self, text: &str) -> Self {
        std::fs::write(self.dir.join("config"), text).expect("write config");
        self
    }

    /// Adds arguments of `aws_check` (`--account ID`, `--timeout-ms N`, ...).
    pub fn args(mut self, args: &[&str]) -> Self {
        self.args.extend(args.iter().map(|a| (*a).to_owned()));
        self
    }

    /// Runs `aws_check` and reads its JSON line.
    pub fn run(self, bin: &str) -> CheckOutcome {
        let started = Instant::now();
        let out = Command::new(bin)
            .args(&self.args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .envs(&self.env)
            .output()
            .expect("run aws_check");
        let elapsed = started.elapsed();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "aws_check failed: {stdout}{stderr}");
        let v: serde_json::Value = serde_json::from_str(stdout.trim())
            .unwrap_or_else(|e| panic!("aws_check printed {stdout:?}: {e}"));
        let text = |k: &str| v[k].as_str().map(str::to_owned);
        CheckOutcome {
            outcome: text("outcome").unwrap_or_default(),
            message: text("message").unwrap_or_default(),
            everything: format!("{stdout}{stderr}"),
            account: text("account"),
            arn: text("arn"),
            elapsed,
        }
    }
}

/// A stand-in for STS on loopback that answers every request with `status` and the XML
/// `body` (an STS error, as AWS words it); returns its `http://` endpoint. It serves until
/// the test process ends.
pub fn canned_sts(status: u16, body: &'static str) -> String {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let endpoint = format!("http://{}", listener.local_addr().expect("local address"));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let mut length = 0;
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                let lower = line.to_ascii_lowercase();
                if let Some(v) = lower.strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                line.clear();
            }
            let mut request_body = vec![0; length];
            let _ = reader.read_exact(&mut request_body);
            let answer = format!(
                "HTTP/1.1 {status} Canned\r\ncontent-type: text/xml\r\ncontent-length: {}\r\n\
                 x-amzn-requestid: canned\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = reader.get_mut().write_all(answer.as_bytes());
        }
    });
    endpoint
}

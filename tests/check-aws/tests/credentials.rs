//! `checks::AwsCredentialsCheck` against moto's STS in server mode on loopback: moto serves
//! the set-up's two IAM calls unauthenticated, then verifies every request's signature
//! against the keys it issued, like AWS. Each case runs the `aws_check` binary as a child
//! process with only the environment the case gives it (the credential chain reads the
//! process's environment, and the shared files are empty unless the case writes them).

use std::path::PathBuf;
use std::time::Duration;

use smoke_check_aws::{canned_sts, python, CheckOutcome, CheckRun, IamUser, Moto, MOTO_ACCOUNT};

const BIN: &str = env!("CARGO_BIN_EXE_aws_check");

/// A directory of its own for each run.
fn dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("check-aws")
        .join(name)
}

/// moto with the IAM user, or `None` when Python is unavailable outside CI (skipped).
fn moto_with_user() -> Option<(Moto, IamUser)> {
    let python = python(env!("CARGO_TARGET_TMPDIR").as_ref())?;
    let moto = Moto::start(&python);
    let user = moto.create_user();
    assert_eq!(user.account, MOTO_ACCOUNT);
    Some((moto, user))
}

/// The outcome is `outcome`, and no output of the check shows the secret.
fn assert_outcome(run: &CheckOutcome, outcome: &str, user: &IamUser) {
    eprintln!("{}: {}", run.outcome, run.message);
    assert_eq!(run.outcome, outcome, "{run:#?}");
    assert!(
        !run.everything.contains(&user.secret_access_key),
        "the secret access key appears in the output: {run:#?}"
    );
}

#[test]
fn valid_credentials_pass_and_name_the_caller() {
    let Some((moto, user)) = moto_with_user() else {
        return;
    };
    let with = |name: &str| CheckRun::new(&dir(name), Some(&moto.endpoint));

    // From the environment; no region anywhere, so the check falls back to us-east-1.
    let run = with("valid-env")
        .keys(&user.access_key_id, &user.secret_access_key)
        .run(BIN);
    assert_outcome(&run, "pass", &user);
    assert_eq!(run.account.as_deref(), Some(MOTO_ACCOUNT));
    assert_eq!(run.arn.as_deref(), Some(user.arn.as_str()));
    assert_eq!(
        run.message,
        format!("{} (account {MOTO_ACCOUNT})", user.arn)
    );

    // The right account required.
    let run = with("valid-account")
        .keys(&user.access_key_id, &user.secret_access_key)
        .env("AWS_REGION", "eu-west-1")
        .args(&["--account", MOTO_ACCOUNT])
        .run(BIN);
    assert_outcome(&run, "pass", &user);

    // From a profile in the shared config file, with a config the service loaded itself.
    let run = with("valid-profile")
        .config_file(&format!(
            "[profile deploy]\naws_access_key_id = {}\naws_secret_access_key = {}\n\
             region = eu-central-1\n",
            user.access_key_id, user.secret_access_key
        ))
        .env("AWS_PROFILE", "deploy")
        .args(&["--with-config", "--account", MOTO_ACCOUNT])
        .run(BIN);
    assert_outcome(&run, "pass", &user);

    // The plain function.
    let run = with("valid-plain")
        .keys(&user.access_key_id, &user.secret_access_key)
        .args(&["--plain"])
        .run(BIN);
    assert_outcome(&run, "pass", &user);
}

#[test]
fn another_account_is_the_wrong_account() {
    let Some((moto, user)) = moto_with_user() else {
        return;
    };
    let run = CheckRun::new(&dir("wrong-account"), Some(&moto.endpoint))
        .keys(&user.access_key_id, &user.secret_access_key)
        .args(&["--account", "999999999999"])
        .run(BIN);
    assert_outcome(&run, "failure", &user);
    let m = &run.message;
    assert!(m.starts_with("wrong account: "), "{m}");
    assert!(
        m.contains(&format!("belong to account {MOTO_ACCOUNT}")),
        "{m}"
    );
    assert!(m.contains("account 999999999999 is required"), "{m}");
    assert!(m.contains(&user.arn), "{m}");
    assert!(m.contains(&user.access_key_id), "{m}");
}

#[test]
fn unknown_key_and_wrong_secret_are_invalid() {
    let Some((moto, user)) = moto_with_user() else {
        return;
    };
    let unknown_secret = "unknownSecretKeyThatMotoNeverIssued0000000";
    let run = CheckRun::new(&dir("invalid-unknown"), Some(&moto.endpoint))
        .keys("AKIAUNKNOWNKEY000000", unknown_secret)
        .run(BIN);
    assert_outcome(&run, "failure", &user);
    let m = &run.message;
    assert!(m.starts_with("invalid AWS credentials: "), "{m}");
    assert!(
        m.contains("rejected access key AKIAUNKNOWNKEY000000 with InvalidClientTokenId"),
        "{m}"
    );
    assert!(!run.everything.contains(unknown_secret), "{m}");

    let wrong_secret = "wrongSecretForAKnownKey00000000000000000";
    let run = CheckRun::new(&dir("invalid-secret"), Some(&moto.endpoint))
        .keys(&user.access_key_id, wrong_secret)
        .run(BIN);
    assert_outcome(&run, "failure", &user);
    let m = &run.message;
    assert!(m.starts_with("invalid AWS credentials: "), "{m}");
    assert!(
        m.contains(&format!(
            "rejected access key {} with SignatureDoesNotMatch",
            user.access_key_id
        )),
        "{m}"
    );
    assert!(m.contains("secret access key does not match"), "{m}");
    assert!(!run.everything.contains(wrong_secret), "{m}");
}

#[test]
fn no_credentials_anywhere_are_missing() {
    // Nothing to reach: the chain finds nothing before any request would be made.
    let run = CheckRun::new(&dir("missing"), Some("http://127.0.0.1:9"))
        .args(&["--timeout-ms", "15000"])
        .run(BIN);
    eprintln!("{}: {}", run.outcome, run.message);
    assert_eq!(run.outcome, "failure", "{run:#?}");
    let m = &run.message;
    assert!(m.starts_with("missing AWS credentials: "), "{m}");
    for place in [
        "AWS_ACCESS_KEY_ID",
        "AWS_CONFIG_FILE",
        "credential_process",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "instance metadata",
        "tried: Environment",
    ] {
        assert!(m.contains(place), "{place:?} not in {m}");
    }
}

#[test]
fn credential_process_credentials_past_their_expiration_are_expired() {
    let Some((moto, user)) = moto_with_user() else {
        return;
    };
    let dir = dir("expired");
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("credentials.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\ncat <<'EOF'\n{{\"Version\": 1, \"AccessKeyId\": \"{}\", \
             \"SecretAccessKey\": \"{}\", \"SessionToken\": \"token-that-stays-secret\", \
             \"Expiration\": \"2020-01-02T03:04:05Z\"}}\nEOF\n",
            user.access_key_id, user.secret_access_key
        ),
    )
    .unwrap();
    let mut perms = std::fs::metadata(&script).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&script, perms).unwrap();

    let run = CheckRun::new(&dir, Some(&moto.endpoint))
        .config_file(&format!(
            "[default]\ncredential_process = {}\n",
            script.display()
        ))
        .run(BIN);
    assert_outcome(&run, "failure", &user);
    let m = &run.message;
    assert!(m.starts_with("expired AWS credentials: "), "{m}");
    assert!(m.contains("expired at 2020-01-02T03:04:05Z"), "{m}");
    assert!(m.contains(&user.access_key_id), "{m}");
    assert!(!run.everything.contains("token-that-stays-secret"), "{m}");
}

#[test]
fn sts_stopped_or_silent_is_an_error_within_the_timeout() {
    let Some((mut moto, user)) = moto_with_user() else {
        return;
    };
    let endpoint = moto.endpoint.clone();
    moto.stop();
    let run = CheckRun::new(&dir("stopped"), Some(&endpoint))
        .keys(&user.access_key_id, &user.secret_access_key)
        .args(&["--timeout-ms", "8000"])
        .run(BIN);
    assert_outcome(&run, "error", &user);
    let m = &run.message;
    assert!(
        m.starts_with("STS unreachable: ") || m.starts_with("STS GetCallerIdentity at "),
        "{m}"
    );
    assert!(m.contains(&endpoint), "{m}");
    assert!(run.elapsed < Duration::from_secs(8 + 5), "{run:#?}");

    // A server that accepts the connection and never answers: the timeout.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_endpoint = format!("http://{}", silent.local_addr().unwrap());
    let run = CheckRun::new(&dir("silent"), Some(&silent_endpoint))
        .keys(&user.access_key_id, &user.secret_access_key)
        .args(&["--timeout-ms", "2000"])
        .run(BIN);
    drop(silent);
    assert_outcome(&run, "error", &user);
    let m = &run.message;
    assert!(m.contains("did not answer within 2s"), "{m}");
    assert!(m.contains(&user.access_key_id), "{m}");
    assert!(run.elapsed < Duration::from_secs(2 + 5), "{run:#?}");
}

#[test]
fn sts_answers_expired_token_and_outages_as_such() {
    let secret = "cannedSecretKeyThatNoMessageMayShow000000";
    let check = |name: &str, endpoint: &str| {
        let run = CheckRun::new(&dir(name), Some(endpoint))
            .keys("ASIACANNEDKEY0000000", secret)
            .env("AWS_SESSION_TOKEN", "canned-session-token")
            .args(&["--timeout-ms", "10000"])
            .run(BIN);
        eprintln!("{}: {}", run.outcome, run.message);
        assert!(!run.everything.contains(secret), "{run:#?}");
        assert!(!run.everything.contains("canned-session-token"), "{run:#?}");
        run
    };

    // AWS's own wording of an expired session token.
    let expired = canned_sts(
        400,
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>\
         <Type>Sender</Type><Code>ExpiredToken</Code><Message>The security token included \
         in the request is expired</Message></Error><RequestId>canned</RequestId>\
         </ErrorResponse>",
    );
    let run = check("sts-expired", &expired);
    assert_eq!(run.outcome, "failure", "{run:#?}");
    assert!(
        run.message.starts_with("expired AWS credentials: STS at "),
        "{}",
        run.message
    );
    assert!(
        run.message.contains("answered ExpiredToken") && run.message.contains("ASIACANNEDKEY"),
        "{}",
        run.message
    );

    // An outage says nothing about the credentials: an error.
    let outage = canned_sts(
        503,
        "<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code>\
         <Message>Service is unavailable</Message></Error></ErrorResponse>",
    );
    let run = check("sts-outage", &outage);
    assert_eq!(run.outcome, "error", "{run:#?}");
    assert!(
        run.message.contains("ServiceUnavailable"),
        "{}",
        run.message
    );
}

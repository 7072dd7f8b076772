//! AWS: credentials that the SDK's standard chain resolves and STS accepts.

use std::error::Error as _;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use aws_config::meta::region::RegionProviderChain;
use aws_config::meta::ProviderChainError;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::ProvideCredentials;
use aws_credential_types::Credentials;
use aws_sdk_sts::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_sts::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_sts::error::{BoxError, ProvideErrorMetadata, SdkError};
use aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityError;
use tokio::time::{timeout_at, Instant};

use super::human_duration;
use crate::{SmokeError, SmokeResult};

/// How long the whole check may take unless [`AwsCredentialsCheck::timeout`] says otherwise.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

/// The region STS is called in when the chain (`AWS_REGION`, the profile, IMDS) names none.
const FALLBACK_REGION: &str = "us-east-1";

/// Where the standard chain looks, in its order, for the "missing" message.
const CHAIN_PLACES: &str = "the environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY), \
     the shared config and credentials files (~/.aws/config, ~/.aws/credentials, or \
     AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE; profile AWS_PROFILE or `default`, with \
     its credential_process, SSO or role), web identity (AWS_WEB_IDENTITY_TOKEN_FILE and \
     AWS_ROLE_ARN), the container endpoint (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / \
     _FULL_URI) and the EC2 instance metadata service";

/// STS error codes meaning the credentials themselves are not accepted.
const INVALID_CODES: &[&str] = &[
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
    "UnrecognizedClientException",
    "IncompleteSignature",
    "InvalidAccessKeyId",
    "AuthFailure",
    "AccessDenied",
];

/// STS error codes meaning the (temporary) credentials have expired.
const EXPIRED_CODES: &[&str] = &[
    "ExpiredToken",
    "ExpiredTokenException",
    "TokenRefreshRequired",
];

/// Who STS says the credentials belong to: the answer to `GetCallerIdentity`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallerIdentity {
    /// The 12-digit account id.
    pub account: String,
    /// The ARN of the user or assumed role (`arn:aws:iam::123456789012:user/deploy`).
    pub arn: String,
    /// The unique id of the user or role session.
    pub user_id: String,
    /// The access key id the credentials were signed with (not a secret).
    pub access_key_id: String,
}

impl fmt::Display for CallerIdentity {
    /// `"arn:aws:iam::123456789012:user/deploy (account 123456789012)"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (account {})", self.arn, self.account)
    }
}

/// Checks that the AWS credentials this process would use are present, unexpired and
/// accepted by AWS, and optionally that they belong to a given account.
///
/// The credentials are resolved through the SDK's standard chain, as every AWS SDK client
/// of the service resolves them (environment, shared profile with `credential_process`,
/// SSO or a role, web identity, container and instance metadata); the region comes from
/// the chain, else `us-east-1`. Then STS `GetCallerIdentity` is called, which needs no
/// permission. The standard `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_STS` variables point it
/// elsewhere (a VPC endpoint, a local emulator).
///
/// - no credentials anywhere, credentials that expired, credentials STS rejects, and an
///   account other than [`account`](Self::account) are *failures*;
/// - STS not answering within the timeout, or answering with something other than a
///   verdict on the credentials (a 5xx, throttling) is an *error*: the check could not be
///   carried out.
///
/// Messages show the access key id, never the secret access key or the session token.
///
/// ```no_run
/// use std::time::Duration;
/// use smoke_runtime::checks::AwsCredentialsCheck;
///
/// # async fn check() -> smoke_runtime::SmokeResult {
/// let me = AwsCredentialsCheck::new()
///     .account("123456789012")
///     .timeout(Duration::from_secs(5))
///     .run()
///     .await?;
/// println!("running as {me}");
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct AwsCredentialsCheck {
    config: Option<SdkConfig>,
    account: Option<String>,
    timeout: Duration,
}

impl Default for AwsCredentialsCheck {
    fn default() -> Self {
        Self::new()
    }
}

impl AwsCredentialsCheck {
    /// A check of the credentials the standard chain resolves, in any account, within 20
    /// seconds.
    pub fn new() -> Self {
        AwsCredentialsCheck {
            config: None,
            account: None,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// A check of the credentials of an `SdkConfig` the service has already loaded (its
    /// credentials provider, region, endpoint, HTTP client); `us-east-1` when it has no
    /// region.
    pub fn with_config(config: SdkConfig) -> Self {
        AwsCredentialsCheck {
            config: Some(config),
            ..Self::new()
        }
    }

    /// Requires the credentials to belong to this account (its 12-digit id).
    pub fn account(mut self, account_id: impl Into<String>) -> Self {
        self.account = Some(account_id.into());
        self
    }

    /// How long resolving the credentials and asking STS may take altogether (20 seconds
    /// unless set). Running out is an error, not a failure.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Runs the check and returns who the credentials belong to.
    pub async fn run(&self) -> SmokeResult<CallerIdentity> {
        let mut secrets = Vec::new();
        self.check(&mut secrets)
            .await
            .map_err(|e| scrub(e, &secrets))
    }

    /// The check; `secrets` receives the secret key and session token once resolved, so
    /// that [`run`](Self::run) can make sure no message shows them (an STS message quoting
    /// a request, say).
    async fn check(&self, secrets: &mut Vec<String>) -> SmokeResult<CallerIdentity> {
        let deadline = Instant::now() + self.timeout;
        let within = human_duration(self.timeout);
        let config = match &self.config {
            Some(config) => config.clone(),
            None => timeout_at(deadline, load_config()).await.map_err(|_| {
                SmokeError::error(format!(
                    "loading the AWS configuration (region, profile) did not finish within \
                     {within}; check the shared config file and, outside EC2, set \
                     AWS_EC2_METADATA_DISABLED=true"
                ))
            })?,
        };
        let credentials = timeout_at(deadline, resolve(&config)).await.map_err(|_| {
            SmokeError::error(format!(
                "resolving the AWS credentials did not finish within {within}: a \
                 provider of the chain (credential_process, SSO, the container or instance \
                 metadata endpoint) hangs; check the one this host is meant to use"
            ))
        })??;
        let key = credentials.access_key_id().to_owned();
        secrets.push(credentials.secret_access_key().to_owned());
        secrets.extend(credentials.session_token().map(str::to_owned));
        if let Some(expiry) = credentials.expiry() {
            if expiry <= SystemTime::now() {
                return Err(expired_before_call(&key, expiry));
            }
        }
        let endpoint = Arc::new(Mutex::new(None));
        let region = config
            .region()
            .cloned()
            .unwrap_or(Region::from_static(FALLBACK_REGION));
        let client = aws_sdk_sts::Client::from_conf(
            aws_sdk_sts::config::Builder::from(&config)
                .region(region.clone())
                .credentials_provider(credentials)
                .interceptor(RecordEndpoint(endpoint.clone()))
                .build(),
        );
        let answer = timeout_at(deadline, client.get_caller_identity().send()).await;
        let endpoint = endpoint
            .lock()
            .ok()
            .and_then(|e| e.clone())
            .unwrap_or_else(|| format!("the STS endpoint of {region}"));
        let output = match answer {
            Err(_) => {
                return Err(SmokeError::error(format!(
                    "STS GetCallerIdentity at {endpoint} did not answer within {within}, so \
                     the credentials (access key {key}) could not be checked; check the \
                     network path to STS (proxy, security groups, VPC endpoint)"
                )))
            }
            Ok(Err(e)) => return Err(sts_error(&e, &key, &endpoint)),
            Ok(Ok(output)) => output,
        };
        let identity = CallerIdentity {
            account: output.account().unwrap_or_default().to_owned(),
            arn: output.arn().unwrap_or_default().to_owned(),
            user_id: output.user_id().unwrap_or_default().to_owned(),
            access_key_id: key,
        };
        if let Some(required) = &self.account {
            if identity.account != *required {
                return Err(SmokeError::failure(format!(
                    "wrong account: the AWS credentials (access key {}) belong to account \
                     {} as {}, but account {required} is required; point the service at \
                     the right credentials or profile (AWS_PROFILE, the role it assumes) \
                     for account {required}",
                    identity.access_key_id, identity.account, identity.arn
                )));
            }
        }
        Ok(identity)
    }
}

/// Checks that the AWS credentials the standard chain resolves are present, unexpired and
/// accepted by STS; see [`AwsCredentialsCheck`] for an account, a timeout or an
/// `SdkConfig` of the service's own.
///
/// ```no_run
/// use smoke_runtime::prelude::*;
/// use smoke_runtime::checks;
///
/// #[smoke_test(tags("aws"))]
/// async fn aws_credentials() -> SmokeResult {
///     checks::aws_credentials_valid().await
/// }
/// ```
pub async fn aws_credentials_valid() -> SmokeResult {
    AwsCredentialsCheck::new().run().await.map(|_| ())
}

/// `error` with every secret in its message replaced by `[redacted]` (a secret of fewer
/// than 8 characters is no real key, and would match ordinary words).
fn scrub(error: SmokeError, secrets: &[String]) -> SmokeError {
    let mut message = error.message().to_owned();
    let mut changed = false;
    for secret in secrets.iter().filter(|s| s.len() >= 8) {
        if message.contains(secret.as_str()) {
            message = message.replace(secret.as_str(), "[redacted]");
            changed = true;
        }
    }
    if changed {
        SmokeError::new(error.kind(), message)
    } else {
        error
    }
}

/// The standard chain's configuration, with `us-east-1` when it finds no region.
async fn load_config() -> SdkConfig {
    let region = RegionProviderChain::default_provider().or_else(FALLBACK_REGION);
    aws_config::defaults(BehaviorVersion::latest())
        .region(region)
        .load()
        .await
}

/// The credentials `config`'s provider gives, or the failure saying why there are none.
async fn resolve(config: &SdkConfig) -> SmokeResult<Credentials> {
    let Some(provider) = config.credentials_provider() else {
        return Err(SmokeError::failure(
            "missing AWS credentials: the SdkConfig given to the check has no credentials \
             provider; load it with aws_config::defaults(...) or set one",
        ));
    };
    provider
        .provide_credentials()
        .await
        .map_err(|e| credentials_error(&e))
}

fn credentials_error(error: &CredentialsError) -> SmokeError {
    match error {
        CredentialsError::CredentialsNotLoaded(_) => {
            let tried = tried_providers(error)
                .map(|t| format!(" (tried: {t})"))
                .unwrap_or_default();
            SmokeError::failure(format!(
                "missing AWS credentials: no provider of the standard chain found any{tried}; \
                 looked in {CHAIN_PLACES}. Give this host credentials in one of those \
                 places: an instance profile or task role, a profile in the config file, \
                 or the AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY variables"
            ))
        }
        CredentialsError::ProviderTimedOut(t) => SmokeError::error(format!(
            "resolving the AWS credentials timed out after {} in the SDK's provider chain; \
             check that the provider this host uses (instance or container metadata, SSO, \
             credential_process) is reachable",
            human_duration(t.timeout_duration())
        )),
        CredentialsError::InvalidConfiguration(_) | CredentialsError::ProviderError(_) => {
            SmokeError::failure(format!(
                "unusable AWS credentials: {}; fix the configuration of the provider named \
                 there (the profile's credential_process, SSO session, role or token file)",
                chain_text(error)
            ))
        }
        _ => SmokeError::error(format!(
            "resolving the AWS credentials failed unexpectedly: {}",
            chain_text(error)
        )),
    }
}

/// `"Environment: <why>; Profile: <why>; ..."` from the chain's record of its attempts.
fn tried_providers(error: &CredentialsError) -> Option<String> {
    let chain = error
        .source()?
        .downcast_ref::<ProviderChainError<CredentialsError>>()?;
    let tried: Vec<String> = chain
        .attempts()
        .iter()
        .map(|a| match a.error().source() {
            Some(why) => format!("{}: {why}", a.name()),
            None => a.name().to_owned(),
        })
        .collect();
    (!tried.is_empty()).then(|| tried.join("; "))
}

/// An error and its sources, `"a: b: c"`.
fn chain_text(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        let more = e.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = e.source();
    }
    text
}

fn expired_before_call(key: &str, expiry: SystemTime) -> SmokeError {
    let ago = SystemTime::now()
        .duration_since(expiry)
        .unwrap_or_default()
        .as_secs();
    // Days when it is days, minutes when it is minutes.
    let ago = match ago {
        0..3600 => human_duration(Duration::from_secs(ago)),
        3600..86400 => human_duration(Duration::from_secs(ago / 60 * 60)),
        _ => format!("{} days", ago / 86400),
    };
    SmokeError::failure(format!(
        "expired AWS credentials: the credentials the chain resolved (access key {key}) \
         expired at {} ({} ago), so AWS would reject them; refresh them at their source \
         (the credential_process, `aws sso login`, the role session) or check that whatever \
         renews them is running",
        humantime::format_rfc3339_seconds(expiry),
        ago
    ))
}

fn sts_error(error: &SdkError<GetCallerIdentityError>, key: &str, endpoint: &str) -> SmokeError {
    let raw = error.raw_response();
    let status = raw.map(|r| r.status().as_u16());
    // Emulators (moto) wrap an error as `<Errors><Error>`, which the SDK does not parse:
    // then the code and message come from the body.
    let body = raw
        .and_then(|r| r.body().bytes())
        .map(String::from_utf8_lossy)
        .unwrap_or_default();
    let code = error
        .code()
        .or_else(|| xml_element(&body, "Code"))
        .unwrap_or_default();
    let said = error
        .message()
        .or_else(|| xml_element(&body, "Message"))
        .map(|m| format!(" ({m})"))
        .unwrap_or_default();
    if EXPIRED_CODES.contains(&code) {
        return SmokeError::failure(format!(
            "expired AWS credentials: STS at {endpoint} answered {code}{said} for access key \
             {key}; refresh them at their source (the credential_process, `aws sso login`, \
             the role session) or check that whatever renews them is running"
        ));
    }
    if INVALID_CODES.contains(&code) || status == Some(403) {
        let hint = if code == "SignatureDoesNotMatch" {
            "the access key id is known but the secret access key does not match it: \
             replace the secret with the one issued with this key"
        } else {
            "the access key is unknown, deleted or deactivated: create a new access key or \
             fix which credentials the service is given"
        };
        let code = if code.is_empty() { "403" } else { code };
        return SmokeError::failure(format!(
            "invalid AWS credentials: STS at {endpoint} rejected access key {key} with \
             {code}{said}; {hint}"
        ));
    }
    match error {
        SdkError::ServiceError(_) | SdkError::ResponseError(_) => SmokeError::error(format!(
            "STS GetCallerIdentity at {endpoint} answered {}{said} for access key {key}, \
             which says nothing about the credentials; retry later or check STS's status",
            if code.is_empty() {
                status.map_or_else(|| "an unreadable response".to_owned(), |s| s.to_string())
            } else {
                code.to_owned()
            }
        )),
        _ => SmokeError::error(format!(
            "STS unreachable: calling GetCallerIdentity at {endpoint} failed ({}), so the \
             credentials (access key {key}) could not be checked; check the network path to \
             STS (DNS, proxy, security groups, VPC endpoint, AWS_ENDPOINT_URL_STS)",
            chain_text(error)
        )),
    }
}

/// The text of the first `<name>` element of an XML error body.
fn xml_element<'a>(body: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}>");
    let start = body.find(&open)? + open.len();
    let len = body[start..].find(&format!("</{name}>"))?;
    Some(body[start..start + len].trim()).filter(|t| !t.is_empty() && !t.contains('<'))
}

/// Records the URL STS is called at (scheme, host, port, path), for the messages.
#[derive(Debug)]
struct RecordEndpoint(Arc<Mutex<Option<String>>>);

impl Intercept for RecordEndpoint {
    fn name(&self) -> &'static str {
        "smoke::RecordEndpoint"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let uri = context.request().uri();
        let uri = uri.split('?').next().unwrap_or(uri);
        if let Ok(mut endpoint) = self.0.lock() {
            *endpoint = Some(uri.to_owned());
        }
        Ok(())
    }
}

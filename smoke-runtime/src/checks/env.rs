//! Configuration that must be present: environment variables and settings.

use crate::{SmokeError, SmokeResult};

/// Checks that the environment variable `name` is set, valid Unicode and not empty (or
/// only blanks). Its value is never shown, so the check is safe for secrets.
///
/// ```
/// use smoke_runtime::checks;
///
/// assert!(checks::env_var_set("PATH").is_ok());
/// let err = checks::env_var_set("SURELY_NOT_SET_ANYWHERE_1234").unwrap_err();
/// assert!(err.message().contains("is not set"));
/// ```
pub fn env_var_set(name: &str) -> SmokeResult {
    match std::env::var(name) {
        Ok(value) if value.trim().is_empty() => Err(SmokeError::failure(format!(
            "environment variable {name} is set but empty; give it a value in the \
             service's environment (unit file, container spec or secret store)"
        ))),
        Ok(_) => Ok(()),
        Err(std::env::VarError::NotPresent) => Err(SmokeError::failure(format!(
            "environment variable {name} is not set; set it in the service's environment \
             (unit file, container spec or secret store)"
        ))),
        Err(std::env::VarError::NotUnicode(_)) => Err(SmokeError::failure(format!(
            "environment variable {name} is set but is not valid UTF-8; check how it is \
             written into the service's environment"
        ))),
    }
}

/// Checks that a setting the service loaded (from a file, a vault, flags) is present and
/// not empty. `name` is how people know the setting; `value` is never shown.
///
/// ```
/// use smoke_runtime::checks;
///
/// struct Config { smtp_host: Option<String> }
/// let config = Config { smtp_host: None };
/// let err = checks::setting_present("mail.smtp_host", config.smtp_host.as_deref()).unwrap_err();
/// assert!(err.message().contains("mail.smtp_host is missing"));
/// ```
pub fn setting_present(name: &str, value: Option<&str>) -> SmokeResult {
    match value {
        None => Err(SmokeError::failure(format!(
            "setting {name} is missing; add it to the service's configuration"
        ))),
        Some(v) if v.trim().is_empty() => Err(SmokeError::failure(format!(
            "setting {name} is present but empty; give it a value in the service's \
             configuration"
        ))),
        Some(_) => Ok(()),
    }
}

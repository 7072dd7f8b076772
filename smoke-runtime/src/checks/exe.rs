//! Programs the service runs: present on the PATH, recent enough.

use std::cmp::Ordering;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::OnceLock;
use std::time::Duration;

use regex::Regex;

use crate::{SmokeError, SmokeResult};

/// How long a program may take to print its version.
const VERSION_TIMEOUT: Duration = Duration::from_secs(10);

/// Where `program` would be found: itself when it names a path (contains a `/`),
/// otherwise the first executable file of that name in a directory of `PATH`.
///
/// ```
/// use smoke_runtime::checks;
///
/// # #[cfg(unix)]
/// assert!(checks::find_executable("sh").is_some());
/// assert!(checks::find_executable("surely-not-a-program-1234").is_none());
/// ```
pub fn find_executable(program: &str) -> Option<PathBuf> {
    if program.contains(std::path::MAIN_SEPARATOR) || program.contains('/') {
        let path = PathBuf::from(program);
        return is_executable(&path).then_some(path);
    }
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .filter(|dir| !dir.as_os_str().is_empty())
        .flat_map(|dir| candidates(&dir, program))
        .find(|candidate| is_executable(candidate))
}

#[cfg(windows)]
fn candidates(dir: &Path, program: &str) -> Vec<PathBuf> {
    vec![dir.join(program), dir.join(format!("{program}.exe"))]
}

#[cfg(not(windows))]
fn candidates(dir: &Path, program: &str) -> Vec<PathBuf> {
    vec![dir.join(program)]
}

fn is_executable(path: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    if !meta.is_file() {
        return false;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        true
    }
}

fn not_found(program: &str) -> SmokeError {
    let path = std::env::var("PATH").unwrap_or_default();
    SmokeError::failure(format!(
        "executable {program} was not found on the PATH ({path}); install it, or add the \
         directory that holds it to the service's PATH"
    ))
}

/// Checks that `program` is an executable file on the `PATH` (or at the path given).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use smoke_runtime::checks;
///
/// let err = checks::executable_on_path("surely-not-a-program-1234").await.unwrap_err();
/// assert!(err.message().contains("was not found on the PATH"));
/// # }
/// ```
pub async fn executable_on_path(program: &str) -> SmokeResult {
    locate(program)
        .await?
        .map(|_| ())
        .ok_or_else(|| not_found(program))
}

/// [`find_executable`] on tokio's blocking pool: the lookup reads the file system once
/// per directory of the `PATH`, which can stall (a slow or hung network mount) and must
/// not hold up the other tests on the async threads.
async fn locate(program: &str) -> SmokeResult<Option<PathBuf>> {
    let owned = program.to_owned();
    tokio::task::spawn_blocking(move || find_executable(&owned))
        .await
        .map_err(|e| SmokeError::error(format!("looking {program} up on the PATH failed: {e}")))
}

/// Checks that `program` is on the `PATH`, runs it with `version_args` (`["--version"]`,
/// `["-version"]` for ffmpeg), finds the version number in what it prints, and checks
/// that it is at least `minimum` (compared number by number: `4.10 > 4.9`, `6.1 >= 6`).
///
/// ```no_run
/// # async fn f() -> smoke_runtime::SmokeResult {
/// use smoke_runtime::checks;
///
/// checks::executable_version("ffmpeg", &["-version"], "4.4").await?;
/// checks::executable_version("git", &["--version"], "2.30").await?;
/// # Ok(()) }
/// ```
pub async fn executable_version(
    program: &str,
    version_args: &[&str],
    minimum: &str,
) -> SmokeResult {
    let wanted = parse_version(minimum).ok_or_else(|| {
        SmokeError::error(format!(
            "executable_version: the minimum {minimum:?} is not a version number"
        ))
    })?;
    let path = locate(program).await?.ok_or_else(|| not_found(program))?;
    let command_line = std::iter::once(program)
        .chain(version_args.iter().copied())
        .collect::<Vec<_>>()
        .join(" ");
    let child = tokio::process::Command::new(&path)
        .args(version_args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| {
            SmokeError::error(format!(
                "cannot run `{command_line}` ({}): {e}; check that the file is a program \
                 for this machine and that the service's user may execute it",
                path.display()
            ))
        })?;
    let output = tokio::time::timeout(VERSION_TIMEOUT, child.wait_with_output())
        .await
        .map_err(|_| {
            SmokeError::failure(format!(
                "`{command_line}` did not finish within {}; the program hangs or waits for \
                 input: check that these are the arguments that print its version",
                super::human_duration(VERSION_TIMEOUT)
            ))
        })?
        .map_err(|e| SmokeError::error(format!("running `{command_line}` failed: {e}")))?;
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push('\n');
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    let first_line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    if !output.status.success() {
        return Err(SmokeError::failure(format!(
            "`{command_line}` ({}) exited with {}; it printed: {first_line:?}; check the \
             installation, or the arguments that print its version",
            path.display(),
            match output.status.code() {
                Some(code) => format!("status {code}"),
                None => output.status.to_string(),
            }
        )));
    }
    let (found_text, found) = find_version(&text).ok_or_else(|| {
        SmokeError::failure(format!(
            "`{command_line}` ({}) printed no version number (first line: {first_line:?}); \
             check the arguments that print its version",
            path.display()
        ))
    })?;
    if compare(&found, &wanted) == Ordering::Less {
        let located = if path.as_os_str() == program {
            String::new()
        } else {
            format!(" ({})", path.display())
        };
        return Err(SmokeError::failure(format!(
            "{program} is version {found_text}{located}, at least {minimum} is needed; \
             upgrade it, or put a newer build first on the PATH"
        )));
    }
    Ok(())
}

/// The numbers of a version: `"6.1.1-3ubuntu5"` -> `[6, 1, 1]`, `"n7.0"` -> `[7, 0]`,
/// `"1.85"` -> `[1, 85]`. `None` when it has no leading number.
///
/// ```
/// use smoke_runtime::checks::parse_version;
///
/// assert_eq!(parse_version("6.1.1-3ubuntu5"), Some(vec![6, 1, 1]));
/// assert_eq!(parse_version("v2.40"), Some(vec![2, 40]));
/// assert_eq!(parse_version("abc"), None);
/// ```
pub fn parse_version(text: &str) -> Option<Vec<u64>> {
    let text = text.trim().trim_start_matches(['v', 'V', 'n', 'N']);
    let mut parts = Vec::new();
    for piece in text.split('.') {
        let digits: String = piece.chars().take_while(char::is_ascii_digit).collect();
        if digits.is_empty() {
            break;
        }
        parts.push(digits.parse().ok()?);
        if digits.len() != piece.len() {
            break;
        }
    }
    (!parts.is_empty()).then_some(parts)
}

/// The first version-looking number in a program's output: after the word "version"
/// when there is one, otherwise the first dotted number.
fn find_version(text: &str) -> Option<(String, Vec<u64>)> {
    static AFTER_WORD: OnceLock<Regex> = OnceLock::new();
    static DOTTED: OnceLock<Regex> = OnceLock::new();
    let after_word = AFTER_WORD.get_or_init(|| {
        Regex::new(r"(?i)\bversion\b[:\s]*[vn]?(\d+(?:\.\d+)*[^\s,;()]*)").expect("valid regex")
    });
    let dotted =
        DOTTED.get_or_init(|| Regex::new(r"\d+(?:\.\d+)+[^\s,;()]*").expect("valid regex"));
    let found = after_word
        .captures(text)
        .and_then(|c| c.get(1))
        .or_else(|| dotted.find(text))?
        .as_str();
    parse_version(found).map(|v| (found.to_owned(), v))
}

fn compare(a: &[u64], b: &[u64]) -> Ordering {
    let len = a.len().max(b.len());
    for i in 0..len {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        match x.cmp(&y) {
            Ordering::Equal => continue,
            other => return other,
        }
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_found_in_real_outputs() {
        let ffmpeg = "ffmpeg version 6.1.1-3ubuntu5 Copyright (c) 2000-2023 the FFmpeg developers";
        assert_eq!(find_version(ffmpeg).unwrap().1, vec![6, 1, 1]);
        let git_build = "ffmpeg version n7.0.2 Copyright";
        assert_eq!(find_version(git_build).unwrap().1, vec![7, 0, 2]);
        let cargo = "cargo 1.85.0 (d73d2caf9 2024-12-31)";
        assert_eq!(find_version(cargo).unwrap().1, vec![1, 85, 0]);
        let java = "openjdk version \"17.0.9\" 2023-10-17";
        assert_eq!(find_version(java).unwrap().1, vec![17, 0, 9]);
        assert!(find_version("no digits here").is_none());
    }

    #[test]
    fn comparison_is_number_by_number() {
        assert_eq!(compare(&[4, 10], &[4, 9]), Ordering::Greater);
        assert_eq!(compare(&[6], &[6, 0, 0]), Ordering::Equal);
        assert_eq!(compare(&[1, 2], &[1, 2, 1]), Ordering::Less);
    }
}

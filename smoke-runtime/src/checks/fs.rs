//! The local file system: writable directories and free space.

use std::io::{ErrorKind as IoKind, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use super::human_bytes;
use crate::{SmokeError, SmokeResult};

/// Runs blocking file-system work off the async threads, so that a hung mount makes the
/// test time out instead of stalling the runner.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> SmokeResult<T> + Send + 'static,
) -> SmokeResult<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| SmokeError::error(format!("the file-system check's thread failed: {e}")))?
}

/// Who the process runs as, for messages about permissions.
fn running_as() -> String {
    #[cfg(unix)]
    {
        let uid = rustix::process::geteuid().as_raw();
        let gid = rustix::process::getegid().as_raw();
        format!("uid {uid}, gid {gid}")
    }
    #[cfg(not(unix))]
    {
        "the service's user".to_owned()
    }
}

/// Checks that `dir` exists, is a directory, and that a file can be created, written,
/// read back and removed in it (a probe file named `.smoke-probe-<pid>-<nanos>`).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use smoke_runtime::checks;
///
/// checks::dir_writable(std::env::temp_dir()).await.unwrap();
/// let err = checks::dir_writable("/no/such/dir").await.unwrap_err();
/// assert!(err.message().contains("does not exist"));
/// # }
/// ```
pub async fn dir_writable(dir: impl AsRef<Path>) -> SmokeResult {
    let dir = dir.as_ref().to_path_buf();
    blocking(move || probe_dir(&dir)).await
}

fn probe_dir(dir: &Path) -> SmokeResult {
    let shown = dir.display();
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => {
            return Err(SmokeError::failure(format!(
                "{shown} exists but is not a directory; point the setting at a directory \
                 or replace the file with one"
            )))
        }
        Err(e) if e.kind() == IoKind::NotFound => {
            return Err(SmokeError::failure(format!(
                "directory {shown} does not exist; create it (mkdir -p {shown}) and give \
                 the service's user ({}) write access, or fix the setting that names it",
                running_as()
            )))
        }
        Err(e) => {
            return Err(SmokeError::failure(format!(
                "directory {shown} cannot be inspected: {e}; check the permissions of its \
                 parent directories for the service's user ({})",
                running_as()
            )))
        }
    }
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let probe: PathBuf = dir.join(format!(".smoke-probe-{}-{nanos}", std::process::id()));
    let payload = b"smoke probe\n";
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .and_then(|mut f| {
            f.write_all(payload)?;
            f.sync_all()
        });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&probe);
        let hint = match e.kind() {
            IoKind::PermissionDenied => format!(
                "give the service's user ({}) write permission on it (chown/chmod, or \
                 the volume's mount options)",
                running_as()
            ),
            IoKind::ReadOnlyFilesystem => {
                "its file system is mounted read-only; mount a writable volume there".to_owned()
            }
            IoKind::StorageFull => "its file system is full; free some space".to_owned(),
            _ => "check the directory's permissions and its file system".to_owned(),
        };
        return Err(SmokeError::failure(format!(
            "directory {shown} is not writable: creating a probe file failed: {e}; {hint}"
        )));
    }
    let read_back = std::fs::read(&probe);
    let removed = std::fs::remove_file(&probe);
    match read_back {
        Ok(data) if data == payload => {}
        Ok(_) => {
            return Err(SmokeError::failure(format!(
                "directory {shown}: a probe file read back different bytes than were \
                 written; the file system is misbehaving"
            )))
        }
        Err(e) => {
            return Err(SmokeError::failure(format!(
                "directory {shown}: a probe file was written but cannot be read back: {e}"
            )))
        }
    }
    removed.map_err(|e| {
        SmokeError::failure(format!(
            "directory {shown}: a probe file was written but cannot be removed: {e}; remove \
             {} by hand and give the service's user ({}) delete permission",
            probe.display(),
            running_as()
        ))
    })
}

/// Space on the file system that holds a path.
#[derive(Clone, Copy, Debug)]
struct Space {
    available: u64,
    total: u64,
}

impl Space {
    fn percent(self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.available as f64 * 100.0 / self.total as f64
        }
    }
}

#[cfg(unix)]
fn space_of(path: &Path) -> SmokeResult<Space> {
    let stats = rustix::fs::statvfs(path).map_err(|e| {
        SmokeError::error(format!(
            "cannot query the file system that holds {}: {e}; check that the path exists",
            path.display()
        ))
    })?;
    let unit = if stats.f_frsize > 0 {
        stats.f_frsize
    } else {
        stats.f_bsize
    };
    Ok(Space {
        available: stats.f_bavail.saturating_mul(unit),
        total: stats.f_blocks.saturating_mul(unit),
    })
}

#[cfg(not(unix))]
fn space_of(path: &Path) -> SmokeResult<Space> {
    Err(SmokeError::error(format!(
        "free-space checks are only available on Unix; cannot check {}",
        path.display()
    )))
}

/// Checks that the file system holding `path` has at least `min_bytes` available to
/// unprivileged users (what `df` shows as *Avail*).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use smoke_runtime::checks;
///
/// checks::disk_free(std::env::temp_dir(), 1).await.unwrap();
/// let err = checks::disk_free(std::env::temp_dir(), u64::MAX).await.unwrap_err();
/// assert!(err.message().contains("free on the file system"));
/// # }
/// ```
pub async fn disk_free(path: impl AsRef<Path>, min_bytes: u64) -> SmokeResult {
    let path = path.as_ref().to_path_buf();
    blocking(move || {
        let space = space_of(&path)?;
        if space.available >= min_bytes {
            return Ok(());
        }
        Err(SmokeError::failure(format!(
            "only {} ({:.1}%) free on the file system that holds {} (size {}); at least \
             {} are needed: free space (old logs, caches, uploads) or grow the volume",
            human_bytes(space.available),
            space.percent(),
            path.display(),
            human_bytes(space.total),
            human_bytes(min_bytes)
        )))
    })
    .await
}

/// Checks that at least `min_percent` percent (0 to 100) of the file system holding
/// `path` is available to unprivileged users.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use smoke_runtime::checks;
///
/// checks::disk_free_percent(std::env::temp_dir(), 0.0001).await.unwrap();
/// # }
/// ```
pub async fn disk_free_percent(path: impl AsRef<Path>, min_percent: f64) -> SmokeResult {
    let path = path.as_ref().to_path_buf();
    if !(0.0..=100.0).contains(&min_percent) {
        return Err(SmokeError::error(format!(
            "disk_free_percent: {min_percent} is not a percentage between 0 and 100"
        )));
    }
    blocking(move || {
        let space = space_of(&path)?;
        if space.percent() >= min_percent {
            return Ok(());
        }
        Err(SmokeError::failure(format!(
            "only {:.1}% ({}) free on the file system that holds {} (size {}); at least \
             {min_percent}% is needed: free space (old logs, caches, uploads) or grow the \
             volume",
            space.percent(),
            human_bytes(space.available),
            path.display(),
            human_bytes(space.total)
        )))
    })
    .await
}

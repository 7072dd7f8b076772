//! `dir_writable`: writable, missing, not a directory, and not writable directories.

#[cfg(target_os = "linux")]
use std::path::Path;

use smoke_runtime::checks;
use smoke_tests::verdict::{failed, says};

use super::Scratch;

// ---- directories -------------------------------------------------------------------

#[tokio::test]
async fn a_writable_directory_passes_and_the_probe_is_removed() {
    let dir = Scratch::new("writable");
    checks::dir_writable(dir.path()).await.unwrap();
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "the probe file was left behind: {left:?}");
}

#[tokio::test]
async fn a_missing_directory_fails_with_how_to_create_it() {
    let dir = Scratch::new("missing");
    let missing = dir.path().join("uploads");
    let error = failed(checks::dir_writable(&missing).await);
    says(&error, "does not exist");
    says(&error, &format!("mkdir -p {}", missing.display()));
    says(&error, "uid ");
}

#[tokio::test]
async fn a_file_where_a_directory_should_be_fails() {
    let dir = Scratch::new("file");
    let file = dir.path().join("uploads");
    std::fs::write(&file, b"x").unwrap();
    let error = failed(checks::dir_writable(&file).await);
    says(&error, "is not a directory");
}

#[cfg(unix)]
#[tokio::test]
async fn a_directory_without_write_permission_fails_for_an_ordinary_user() {
    use std::os::unix::fs::PermissionsExt;
    let dir = Scratch::new("readonly");
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Whether this user can write there anyway (root can), found out the plain way.
    let probe = locked.join("plain-probe");
    let writable_anyway = std::fs::write(&probe, b"x").is_ok();
    let _ = std::fs::remove_file(&probe);
    let result = checks::dir_writable(&locked).await;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    if writable_anyway {
        result.unwrap();
    } else {
        let error = failed(result);
        says(&error, "is not writable");
        says(&error, "write permission");
    }
}

/// A directory no one may create files in, root included: sysfs refuses new files with
/// EACCES and procfs with ENOENT, whoever asks. So the failure is proven even when the
/// tests run as root, where a 0555 directory is writable anyway.
#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_directory_no_one_can_write_in_fails_even_for_root() {
    assert!(
        Path::new("/sys/kernel").is_dir(),
        "sysfs is not mounted on /sys"
    );
    let error = failed(checks::dir_writable("/sys/kernel").await);
    says(
        &error,
        "directory /sys/kernel is not writable: creating a probe file failed",
    );
    says(&error, "Permission denied");
    says(&error, "write permission");

    let error = failed(checks::dir_writable("/proc/self").await);
    says(
        &error,
        "directory /proc/self is not writable: creating a probe file failed",
    );
    says(
        &error,
        "check the directory's permissions and its file system",
    );
}

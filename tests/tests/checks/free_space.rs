//! `disk_free` and `disk_free_percent`: enough and too little space, missing paths.

use smoke_runtime::checks;
use smoke_tests::verdict::{errored, failed, says};

// ---- free space --------------------------------------------------------------------

#[tokio::test]
async fn free_space_passes_when_there_is_enough_and_fails_when_not() {
    let here = env!("CARGO_MANIFEST_DIR");
    checks::disk_free(here, 1).await.unwrap();
    checks::disk_free_percent(here, 0.0001).await.unwrap();

    let error = failed(checks::disk_free(here, u64::MAX).await);
    says(&error, "free on the file system that holds");
    says(&error, here);
    says(&error, "at least 16.0 EiB");

    // A file system with data on it never has 100% free.
    let error = failed(checks::disk_free_percent(here, 100.0).await);
    says(&error, "at least 100% is needed");
}

#[tokio::test]
async fn free_space_of_a_missing_path_is_an_error() {
    let error = errored(checks::disk_free("/no/such/path/anywhere", 1).await);
    says(
        &error,
        "cannot query the file system that holds /no/such/path/anywhere",
    );
    let error = errored(checks::disk_free_percent("/", 140.0).await);
    says(&error, "not a percentage");
}

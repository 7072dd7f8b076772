use smoke_runtime::prelude::*;

struct Settings {
    bucket: String,
}

#[smoke_test]
fn destructures((a, b): (Resource<Settings>, Resource<Settings>)) {
    let _ = (a.bucket.len(), b);
}

#[smoke_test]
fn binds_by_ref(ref settings: Resource<Settings>) {
    let _ = settings;
}

fn main() {}

use smoke_runtime::prelude::*;

#[smoke_suite]
struct Storage {
    dir: String,
}

#[smoke_suite]
fn test_alone() {}

fn main() {}

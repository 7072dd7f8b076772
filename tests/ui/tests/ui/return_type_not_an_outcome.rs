use smoke_runtime::prelude::*;

struct Status;

#[smoke_test]
fn returns_a_struct() -> Status {
    Status
}

struct NotDisplay;

#[smoke_test]
async fn error_is_not_display() -> Result<(), NotDisplay> {
    Err(NotDisplay)
}

fn main() {}

use smoke_runtime::prelude::*;

struct Scratch;

impl Fixture for Scratch {
    async fn set_up(_: &Context) -> SmokeResult<Self> {
        Ok(Scratch)
    }
}

#[smoke_test]
fn scratch_by_value(scratch: Scratch) {
    let _ = scratch;
}

fn main() {}

use smoke_runtime::prelude::*;

fn db_reachable() -> SmokeResult {
    Ok(())
}

#[smoke_test(requires(db_reachable))]
fn users_readable() -> SmokeResult {
    Ok(())
}

fn main() {}

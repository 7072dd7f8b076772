use smoke_runtime::prelude::*;

#[smoke_test(requires())]
fn empty() -> SmokeResult {
    Ok(())
}

#[smoke_test(requires = "db_reachable")]
fn not_a_list() -> SmokeResult {
    Ok(())
}

#[smoke_test(requires("db_reachable"))]
fn a_string() -> SmokeResult {
    Ok(())
}

#[smoke_test(requires(itself))]
fn itself() -> SmokeResult {
    Ok(())
}

fn main() {}

use smoke_runtime::prelude::*;

#[smoke_test]
fn generic<T: Fixture>(fixture: &T) -> SmokeResult {
    let _ = fixture;
    Ok(())
}

#[smoke_test]
fn const_generic<const N: usize>() {}

fn main() {}

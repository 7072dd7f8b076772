use smoke_runtime::prelude::*;

#[smoke_test]
async fn takes_impl_trait(fixture: impl Fixture) {
    let _ = fixture;
}

#[smoke_test]
fn takes_ref_impl_trait(fixture: &impl Fixture) {
    let _ = fixture;
}

fn main() {}

use smoke_runtime::prelude::*;

#[smoke_test]
fn returns_a_number() -> i32 {
    0
}

#[smoke_test]
fn returns_an_option() -> Option<()> {
    None
}

#[smoke_test]
fn returns_a_value_in_ok() -> Result<u32, String> {
    Ok(1)
}

#[smoke_test]
fn returns_impl_future() -> impl std::future::Future<Output = SmokeResult> {
    async { Ok(()) }
}

#[smoke_test]
fn returns_a_tuple() -> (bool, String) {
    (true, String::new())
}

fn main() {}

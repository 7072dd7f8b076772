use smoke_runtime::prelude::*;

#[smoke_test]
fn context_by_value(ctx: Context) {
    let _ = ctx;
}

#[smoke_test]
fn context_mut(ctx: &mut Context) {
    let _ = ctx;
}

#[smoke_test]
fn slice(bytes: &[u8]) {
    let _ = bytes;
}

#[smoke_test]
fn trait_object(fixture: &dyn std::fmt::Debug) {
    let _ = fixture;
}

#[smoke_test]
fn tuple(pair: (u8, u8)) {
    let _ = pair;
}

fn main() {}

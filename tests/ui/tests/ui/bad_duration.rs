use smoke_runtime::prelude::*;

#[smoke_test(timeout = "2 seconds")]
fn unknown_unit() {}

#[smoke_test(timeout = "30")]
fn no_unit() {}

#[smoke_test(timeout = "0s")]
fn zero() {}

#[smoke_test(timeout = "500us")]
fn below_a_millisecond() {}

fn main() {}

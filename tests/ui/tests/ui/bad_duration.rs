use smoke_runtime::prelude::*;

#[smoke_test(timeout = "2 seconds")]
fn unknown_unit() {}

#[smoke_test(timeout = "30")]
fn no_unit() {}

#[smoke_test(timeout = "0s")]
fn zero() {}

#[smoke_test(timeout = "500us")]
fn below_a_millisecond() {}

#[smoke_test(timeout = "1.0005s")]
fn fraction_below_a_millisecond() {}

#[smoke_test(timeout = "99999999999999999999s")]
fn too_long() {}

#[smoke_test(timeout = "5000000000000000h")]
fn too_long_in_milliseconds() {}

fn main() {}

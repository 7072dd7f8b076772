use smoke_runtime::prelude::*;

#[smoke_test(fail_after = 0)]
fn zero_runs() {}

#[smoke_test(pass_after = "2")]
fn a_string() {}

#[smoke_test(fail_after)]
fn no_value() {}

fn main() {}

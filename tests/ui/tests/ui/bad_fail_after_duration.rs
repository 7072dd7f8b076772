use smoke_runtime::prelude::*;

#[smoke_test(fail_after_duration = "30 seconds")]
fn unknown_unit() {}

#[smoke_test(fail_after_duration = "0s")]
fn zero() {}

#[smoke_test(fail_after_duration = 30)]
fn not_a_string() {}

#[smoke_test(fail_after_duration)]
fn no_value() {}

#[derive(Default)]
struct Suite;

#[smoke_suite(fail_after_duration = "1m")]
impl Suite {
    #[smoke(fail_after_duration = "90")]
    fn test_no_unit(&mut self) {}
}

fn main() {}

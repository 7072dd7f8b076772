use smoke_runtime::prelude::*;

#[smoke_test(timeout = 2)]
fn timeout_not_a_string() {}

#[smoke_test(tags = "db")]
fn tags_as_a_value() {}

#[smoke_test(tags(db))]
fn tag_not_a_string() {}

#[smoke_test(serial = true)]
fn serial_with_a_value() {}

#[smoke_test("users_readable")]
fn bare_string() {}

#[smoke_test(name)]
fn name_without_value() {}

#[smoke_test(skip = "")]
fn empty_skip_reason() {}

#[smoke_test(serial, serial)]
fn given_twice() {}

#[smoke_test(serial tags("db"))]
fn missing_comma() {}

fn main() {}

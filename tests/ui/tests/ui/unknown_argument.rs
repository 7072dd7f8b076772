use smoke_runtime::prelude::*;

#[smoke_test(tag("db"))]
fn misspelled_tags() {}

#[smoke_test(retries = 3)]
fn unknown() {}

#[smoke_test(ignore = "flaky")]
fn ignore_instead_of_skip() {}

fn main() {}

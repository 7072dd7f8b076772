use smoke_runtime::prelude::*;

#[smoke_test(name = "")]
fn empty_name() {}

#[smoke_test(name = "users::readable")]
fn name_with_a_path() {}

#[smoke_test(tags("db cache"))]
fn tag_with_a_space() {}

#[smoke_test(tags("db", ""))]
fn empty_tag() {}

#[smoke_test(tags())]
fn no_tags() {}

fn main() {}

use smoke_runtime::prelude::*;

#[smoke_test]
struct Settings {
    bucket: String,
}

#[smoke_test]
mod checks {}

struct Storage;

#[smoke_test]
impl Storage {
    fn test_it(&mut self) {}
}

fn main() {}

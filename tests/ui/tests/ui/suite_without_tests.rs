use smoke_runtime::prelude::*;

#[derive(Default)]
struct Storage;

#[smoke_suite]
impl Storage {
    fn check_dir(&mut self) {}
}

fn main() {}

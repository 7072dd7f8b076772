use smoke_runtime::prelude::*;

struct Storage;

#[smoke_suite]
impl Default for Storage {
    fn default() -> Self {
        Storage
    }
}

fn main() {}

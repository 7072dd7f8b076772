use smoke_runtime::prelude::*;

struct Storage;

impl Storage {
    #[smoke_test]
    fn dir_exists(&mut self) -> SmokeResult {
        Ok(())
    }
}

fn main() {}

use smoke_runtime::prelude::*;

#[derive(Default)]
struct Storage;

#[smoke_suite]
impl Storage {
    fn test_without_receiver() -> SmokeResult {
        Ok(())
    }

    fn test_by_value(self) -> SmokeResult {
        Ok(())
    }
}

fn main() {}

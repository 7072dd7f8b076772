use smoke_runtime::prelude::*;

#[derive(Default)]
struct Storage;

#[smoke_suite]
impl Storage {
    #[smoke(timeout = "1s")]
    fn helper(&mut self) {}

    #[smoke_test]
    fn test_marked_twice(&mut self) {}

    #[smoke(retries = 2)]
    fn test_unknown_argument(&mut self) {}

    #[smoke(crate = smoke_runtime)]
    fn test_crate_on_a_method(&mut self) {}
}

fn main() {}

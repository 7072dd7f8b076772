use smoke_runtime::prelude::*;

struct Storage;

#[smoke_suite]
impl Storage {
    fn set_up(&self) -> Self {
        Storage
    }

    fn tear_down() {}

    fn set_up_suite(&mut self) {}

    fn tear_down_suite(verbose: bool) {
        let _ = verbose;
    }

    fn test_it(&mut self) {}
}

struct NoValue;

#[smoke_suite]
impl NoValue {
    fn set_up() {}

    fn test_it(&mut self) {}
}

struct ExtraParameter;

#[smoke_suite]
impl ExtraParameter {
    fn set_up(ctx: &Context, retries: u8) -> Self {
        let _ = (ctx, retries);
        ExtraParameter
    }

    fn test_it(&mut self) {}
}

fn main() {}

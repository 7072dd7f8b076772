// `#[smoke_test]` cannot tell it sits in an `impl` block: rustc reports the registration it
// generates (the guide's first chapter shows this output and says to use `#[smoke_suite]`).
use smoke_runtime::prelude::*;

struct Checks;

impl Checks {
    #[smoke_test]
    fn users_readable() {}
}

fn main() {}

//! A `#[smoke_suite]` with every hook, through a re-exported `smoke_runtime`.

mod framework {
    pub use smoke_runtime as smoke;
}

use framework::smoke::prelude::*;
use framework::smoke::{Outcome, Runner, Selection};

struct Storage {
    value: u32,
}

#[smoke_suite(crate = framework::smoke, tags("storage"), timeout = "10s")]
impl Storage {
    async fn set_up() -> SmokeResult<Storage> {
        Ok(Storage { value: 1 })
    }

    async fn tear_down(&mut self) -> SmokeResult {
        Ok(())
    }

    fn set_up_suite() -> Result<(), std::io::Error> {
        Ok(())
    }

    async fn tear_down_suite() {}

    fn test_sync(&mut self) -> SmokeResult {
        self.value += 1;
        Ok(())
    }

    #[smoke(name = "renamed", serial, tags("extra"))]
    async fn test_async(&mut self, ctx: &Context) {
        assert_eq!(ctx.name(), "renamed");
        assert_eq!(ctx.tags(), ["storage", "extra"]);
    }

    fn not_a_test(&self) -> u32 {
        self.value
    }
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let report = runtime.block_on(Runner::builder().build().run(&Selection::all()));
    assert_eq!(report.tests.len(), 2, "{:?}", report.tests);
    for test in &report.tests {
        assert_eq!(
            test.outcome,
            Outcome::Passed,
            "{}: {:?}",
            test.name,
            test.message
        );
    }
    assert_eq!(Storage { value: 3 }.not_a_test(), 3);
}

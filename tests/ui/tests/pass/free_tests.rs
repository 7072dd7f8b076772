//! Every supported shape of `#[smoke_test]` compiles, registers and passes.

use smoke_runtime::prelude::*;
use smoke_runtime::{Outcome, Runner, Selection};

#[derive(Clone)]
struct Token(&'static str);

#[derive(Debug)]
struct Settings;

#[smoke_test]
fn unit() {}

#[smoke_test(name = "renamed", timeout = "1.5s", tags("a", "b"), serial)]
fn returns_smoke_result(ctx: &Context) -> SmokeResult {
    assert_eq!(ctx.name(), "renamed");
    Ok(())
}

#[smoke_test]
const fn a_const_fn() {}

#[smoke_test]
fn returns_io_result() -> std::io::Result<()> {
    Ok(())
}

#[smoke_test]
async fn takes_everything<'a>(
    ctx: &'a Context,
    by_value: Resource<Token>,
    borrowed: &Resource<Settings>,
    _: &mut Resource<Token>,
) -> Result<(), String> {
    let _ = (ctx, borrowed);
    if by_value.0 == "t" {
        Ok(())
    } else {
        Err(by_value.0.to_owned())
    }
}

#[smoke_test]
async fn r#async() {}

#[smoke_test(skip = "documented reason")]
fn skipped() {}

fn main() {
    // A test may be defined inside a function too.
    #[smoke_test]
    fn inside_main() {}

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let report = runtime.block_on(
        Runner::builder()
            .resource(Token("t"))
            .resource(Settings)
            .build()
            .run(&Selection::all()),
    );
    assert_eq!(report.tests.len(), 8, "{:?}", report.tests);
    for test in &report.tests {
        let expected = if test.name.ends_with("skipped") {
            Outcome::Skipped
        } else {
            Outcome::Passed
        };
        assert_eq!(test.outcome, expected, "{}: {:?}", test.name, test.message);
    }
    assert!(report.tests.iter().any(|t| t.name.ends_with("::async")));
}

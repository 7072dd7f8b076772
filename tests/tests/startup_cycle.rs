//! A dependency cycle among the exposed tests is refused at start-up: the endpoint's
//! builder panics naming the cycle, and a selection that leaves the cycle out builds.
//! (The command line's exit status 2 is tested in smoke-runtime's `cli::tests`.)

use smoke_runtime::http::Smoke;
use smoke_runtime::prelude::*;
use smoke_runtime::Selection;

mod looped {
    use super::*;

    #[smoke_test(tags("loop"), requires(b))]
    fn a() -> SmokeResult {
        Ok(())
    }

    #[smoke_test(tags("loop"), requires(a))]
    fn b() -> SmokeResult {
        Ok(())
    }
}

#[smoke_test(tags("fine"))]
fn fine() -> SmokeResult {
    Ok(())
}

#[test]
fn build_panics_naming_the_cycle() {
    let panic = std::panic::catch_unwind(|| Smoke::builder().build()).unwrap_err();
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert_eq!(
        message,
        "the exposed smoke tests can never run: dependency cycle: \
         startup_cycle::looped::a -> startup_cycle::looped::b -> startup_cycle::looped::a"
    );
    let only_loop =
        std::panic::catch_unwind(|| Smoke::builder().only(Selection::all().tag("loop")).build());
    assert!(only_loop.is_err());
}

#[test]
fn a_selection_without_the_cycle_builds() {
    let _smoke = Smoke::builder().only(Selection::all().tag("fine")).build();
}

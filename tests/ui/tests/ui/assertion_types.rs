use smoke_runtime::prelude::*;

struct Config;

fn incomparable_values() -> SmokeResult {
    assert_equal!(Config, 3);
    Ok(())
}

fn not_a_condition() -> SmokeResult {
    assert_true!(1, "a number is not a condition");
    Ok(())
}

fn not_a_container() -> SmokeResult {
    assert_in!(1, 5);
    Ok(())
}

fn nowhere_to_return() {
    assert_equal!(1, 1);
}

fn main() {}

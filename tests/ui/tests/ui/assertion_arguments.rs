use smoke_runtime::prelude::*;

fn missing_argument() -> SmokeResult {
    assert_equal!(1);
    Ok(())
}

fn not_a_format_string() -> SmokeResult {
    assert_less!(1, 2, 3);
    Ok(())
}

fn main() {}

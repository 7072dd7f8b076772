use smoke_runtime::prelude::*;

#[smoke_test]
unsafe fn unsafe_test() {}

#[smoke_test]
extern "C" fn extern_test() {}

fn main() {}

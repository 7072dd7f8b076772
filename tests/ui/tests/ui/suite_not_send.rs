use smoke_runtime::prelude::*;
use std::rc::Rc;

#[derive(Default)]
struct Shared {
    counter: Rc<u32>,
}

#[smoke_suite]
impl Shared {
    fn test_counter(&mut self) {
        let _ = &self.counter;
    }
}

fn main() {}

use smoke_runtime::prelude::*;

#[derive(Default)]
struct Storage<T> {
    value: T,
}

#[smoke_suite]
impl<T: Default + Send + 'static> Storage<T> {
    fn test_value(&mut self) {
        let _ = &self.value;
    }
}

fn main() {}

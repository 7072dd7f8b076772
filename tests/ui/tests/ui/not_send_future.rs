use smoke_runtime::prelude::*;
use std::rc::Rc;

#[smoke_test]
async fn holds_an_rc_across_await() {
    let shared = Rc::new(1);
    tokio::task::yield_now().await;
    let _ = shared;
}

fn main() {}

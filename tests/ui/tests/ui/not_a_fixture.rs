use smoke_runtime::prelude::*;

struct Pool;

struct Settings;

#[smoke_test]
async fn pool_is_not_a_fixture(pool: &Pool) {
    let _ = pool;
}

#[smoke_test]
fn second_parameter_is_not_a_fixture(settings: Resource<Settings>, pool: &mut Pool) {
    let _ = (settings, pool);
}

#[derive(Default)]
struct Suite;

#[smoke_suite]
impl Suite {
    fn test_takes_a_pool(&mut self, ctx: &Context, pool: &Pool) {
        let _ = (ctx, pool);
    }
}

fn main() {}

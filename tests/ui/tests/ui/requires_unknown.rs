use smoke_runtime::prelude::*;

#[smoke_test]
fn db_reachable() -> SmokeResult {
    Ok(())
}

#[smoke_test(requires(db_reachble))]
fn users_readable() -> SmokeResult {
    Ok(())
}

mod net {
    use smoke_runtime::prelude::*;

    #[smoke_test(requires(crate::dns::resolves))]
    fn port_open() -> SmokeResult {
        Ok(())
    }
}

fn main() {}

//! `use smoke_runtime::prelude::*;` brings what a smoke test file needs.

pub use crate::{
    add_cleanup, smoke_suite, smoke_test, Context, Fixture, Resource, SmokeError, SmokeResult,
};

/// Every assertion macro and its `expect_*` soft variant.
pub use crate::{
    assert_almost_equal, assert_count_equal, assert_equal, assert_err, assert_false,
    assert_greater, assert_greater_equal, assert_in, assert_is, assert_is_none, assert_is_not,
    assert_is_some, assert_less, assert_less_equal, assert_matches, assert_not_almost_equal,
    assert_not_equal, assert_not_in, assert_not_regex, assert_ok, assert_panics, assert_regex,
    assert_true, expect_almost_equal, expect_count_equal, expect_equal, expect_err, expect_false,
    expect_greater, expect_greater_equal, expect_in, expect_is, expect_is_none, expect_is_not,
    expect_is_some, expect_less, expect_less_equal, expect_matches, expect_not_almost_equal,
    expect_not_equal, expect_not_in, expect_not_regex, expect_ok, expect_panics, expect_regex,
    expect_true,
};

/// The run's transaction in the run-wide mode (`rollback::each_test`).
pub use crate::rollback::RunWideTx;

/// The rollback fixtures of the enabled database features.
#[cfg(feature = "diesel")]
pub use crate::rollback::DieselRollback;
#[cfg(feature = "mysql")]
pub use crate::rollback::MySqlRollback;
#[cfg(feature = "postgres")]
pub use crate::rollback::PgRollback;
#[cfg(feature = "redis")]
pub use crate::rollback::RedisKeys;
#[cfg(feature = "rusqlite")]
pub use crate::rollback::RusqliteRollback;
#[cfg(feature = "sqlite")]
pub use crate::rollback::SqliteRollback;

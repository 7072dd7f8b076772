//! No assertion panics when it fails (so they work under `panic = "abort"`): every
//! failing assertion runs under a panic hook that counts panics. Alone in its binary, so
//! no other test's panic is counted and no runner installs its own hook meanwhile.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use smoke_runtime::prelude::*;
use smoke_runtime::ErrorKind;

/// Every failing assertion, run under a panic hook that counts panics: none may panic.
#[test]
fn no_assertion_panics_when_it_fails() {
    let panics = Arc::new(AtomicUsize::new(0));
    let counter = panics.clone();
    let previous = std::panic::take_hook();
    let this_thread = std::thread::current().id();
    std::panic::set_hook(Box::new(move |info| {
        // assert_panics! runs a closure that panics on purpose; count the others.
        if std::thread::current().id() == this_thread && !info.to_string().contains("wanted panic")
        {
            counter.fetch_add(1, Ordering::SeqCst);
        }
    }));

    let (a, b) = (1, 1);
    let checks: Vec<Box<dyn Fn() -> SmokeResult>> = vec![
        Box::new(|| {
            assert_equal!(1, 2);
            Ok(())
        }),
        Box::new(|| {
            assert_not_equal!(1, 1);
            Ok(())
        }),
        Box::new(|| {
            assert_true!(false);
            Ok(())
        }),
        Box::new(|| {
            assert_false!(true);
            Ok(())
        }),
        Box::new(move || {
            assert_is!(&a, &b);
            Ok(())
        }),
        Box::new(move || {
            assert_is_not!(&a, &a);
            Ok(())
        }),
        Box::new(|| {
            assert_is_none!(Some(1));
            Ok(())
        }),
        Box::new(|| {
            assert_is_some!(None::<u8>);
            Ok(())
        }),
        Box::new(|| {
            assert_in!(9, [1]);
            Ok(())
        }),
        Box::new(|| {
            assert_not_in!(1, [1]);
            Ok(())
        }),
        Box::new(|| {
            assert_matches!(Some(1), None);
            Ok(())
        }),
        Box::new(|| {
            assert_ok!(Err::<(), _>("e"));
            Ok(())
        }),
        Box::new(|| {
            assert_err!(Ok::<_, ()>(1));
            Ok(())
        }),
        Box::new(|| {
            assert_panics!(|| ());
            Ok(())
        }),
        Box::new(|| {
            assert_panics!(|| panic!("wanted panic"), expected = "other");
            Ok(())
        }),
        Box::new(|| {
            assert_less!(2, 1);
            Ok(())
        }),
        Box::new(|| {
            assert_less_equal!(2, 1);
            Ok(())
        }),
        Box::new(|| {
            assert_greater!(1, 2);
            Ok(())
        }),
        Box::new(|| {
            assert_greater_equal!(1, 2);
            Ok(())
        }),
        Box::new(|| {
            assert_almost_equal!(1.0, 2.0);
            Ok(())
        }),
        Box::new(|| {
            assert_not_almost_equal!(1.0, 1.0, delta = 0.5);
            Ok(())
        }),
        Box::new(|| {
            assert_regex!("a", "b");
            Ok(())
        }),
        Box::new(|| {
            assert_regex!("a", "(");
            Ok(())
        }),
        Box::new(|| {
            assert_not_regex!("a", "a");
            Ok(())
        }),
        Box::new(|| {
            assert_count_equal!([1], [2]);
            Ok(())
        }),
    ];
    let results: Vec<SmokeResult> = checks.iter().map(|check| check()).collect();
    std::panic::set_hook(previous);

    assert_eq!(panics.load(Ordering::SeqCst), 0, "an assertion panicked");
    assert_eq!(results.len(), 25);
    for (i, result) in results.iter().enumerate() {
        let e = result.as_ref().expect_err("every check fails");
        let want = if e.message().contains("bad regex") {
            ErrorKind::Error
        } else {
            ErrorKind::Failure
        };
        assert_eq!(e.kind(), want, "check {i}: {e}");
        assert!(e.location().is_some(), "check {i} has a location");
    }
}

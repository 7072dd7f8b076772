//! `#[smoke_test]` and `#[smoke_suite]`, the attributes that register smoke tests.
//!
//! Use them through `smoke-runtime` (`use smoke_runtime::prelude::*;`): the code they
//! generate refers to `::smoke_runtime::__private_0_1` (named for the crates' version), so
//! a crate with smoke tests depends on `smoke-runtime` alone.
//!
//! Each macro works in three steps: parse the arguments and the item, validate them
//! (collecting every problem, each with its own span), and expand. When anything is wrong
//! the item is emitted unchanged next to the errors, so one mistake gives one message.

use proc_macro::TokenStream;

mod args;
mod duration;
mod errors;
mod expand;
mod sig;
mod suite;
mod test_fn;

/// Registers a function as a smoke test.
///
/// The function stays as written; next to it the macro adds a descriptor to the registry
/// the runner reads, so the test is found wherever it is defined in the program (in any
/// module of any crate linked into the binary).
///
/// ```
/// use smoke_runtime::prelude::*;
///
/// #[smoke_test]
/// fn temp_dir_writable() -> SmokeResult {
///     let probe = std::env::temp_dir().join("smoke-doc-probe");
///     std::fs::write(&probe, b"ok")?;      // `?` on any error: the test errored
///     std::fs::remove_file(&probe)?;
///     Ok(())
/// }
///
/// struct Settings { bucket: String }
///
/// #[smoke_test(timeout = "2s", tags("storage", "readiness"))]
/// async fn bucket_configured(settings: Resource<Settings>, ctx: &Context) -> SmokeResult {
///     if settings.bucket.is_empty() {
///         return Err(SmokeError::failure(format!("{}: no bucket", ctx.name())));
///     }
///     Ok(())
/// }
/// # fn main() {}
/// ```
///
/// # Arguments
///
/// - `name = "..."`: the test's name (default: the function's).
/// - `timeout = "250ms"`: the test's own timeout; units `ms`, `s`, `m`, `h`, combined as
///   in `"1m30s"`. Read at compile time.
/// - `tags("db", "readiness")`: tags to select tests by.
/// - `skip = "reason"`: the test is reported as skipped without running.
/// - `serial`: the test never runs beside another one.
/// - `requires(db_reachable, crate::net::dns_resolves)`: prerequisites, as paths to other
///   `#[smoke_test]` functions (free functions, not suite methods). They run first, and
///   are added to the run when a selection left them out; when one does not pass, this
///   test does not run and is reported as skipped with `blocked by <its full name>`. A
///   name that is not a smoke test in scope is a compile error at the name (each
///   `#[smoke_test]` declares a hidden type named like its function, which the path
///   resolves to; so a test function cannot share its name with a type or module beside
///   it). Cycles are reported by the runner. See the guide's chapter on dependencies.
/// - `fail_after = 3`, `pass_after = 2`, `fail_after_duration = "30s"`: the test's own
///   flap-damping thresholds (failing runs in a row before the endpoint reports it
///   failing, passing runs in a row before it reports it passing again, how long failing
///   before it reports it failing however few runs that took), in place of the run-wide
///   ones. The duration is read like `timeout`'s.
/// - `crate = path`: where `smoke_runtime` is, when it is re-exported under another name.
///
/// # Signature
///
/// `fn` or `async fn`, without generics or `self`. It returns `()`, `SmokeResult`, or
/// `Result<(), E>` for any `E: Display`. Each parameter is:
///
/// - `&Context`: the running test's context;
/// - `&T` or `&mut T`, where `T` implements `Fixture` (`Resource<R>` does, as do the
///   rollback fixtures): set up before the test, torn down after it whatever the outcome;
/// - `T` by value, a `Fixture` that is also `Clone` (such as `Resource<R>`): the test
///   gets a clone, the original is torn down.
///
/// Anything else is a compile error that says what to write.
#[proc_macro_attribute]
pub fn smoke_test(args: TokenStream, item: TokenStream) -> TokenStream {
    test_fn::smoke_test(args.into(), item.into()).into()
}

/// Makes the `test_*` methods of an `impl` block smoke tests, as `unittest.TestCase` does.
///
/// ```
/// use smoke_runtime::prelude::*;
/// use std::path::PathBuf;
///
/// struct Storage { dir: PathBuf }
///
/// #[smoke_suite(tags("storage"))]
/// impl Storage {
///     /// A fresh value for each test.
///     fn set_up() -> SmokeResult<Self> {
///         let dir = std::env::temp_dir().join("smoke-doc-storage");
///         std::fs::create_dir_all(&dir)?;
///         Ok(Storage { dir })
///     }
///
///     /// After each test, whatever its outcome.
///     fn tear_down(&mut self) {
///         let _ = std::fs::remove_dir_all(&self.dir);
///     }
///
///     fn test_dir_exists(&mut self) -> SmokeResult {
///         if !self.dir.is_dir() {
///             return Err(SmokeError::failure("the directory is missing"));
///         }
///         Ok(())
///     }
///
///     #[smoke(timeout = "5s")]
///     async fn test_writable(&mut self, ctx: &Context) -> SmokeResult {
///         tokio::fs::write(self.dir.join(ctx.name()), b"ok").await?;
///         Ok(())
///     }
/// }
/// # fn main() {}
/// ```
///
/// # Methods
///
/// - `test_*` (sync or `async`): the tests. Each takes `&mut self` and then any
///   parameters a `#[smoke_test]` takes, and returns what a `#[smoke_test]` returns.
///   `#[smoke(name = "...", timeout = "...", tags(...), skip = "...", serial,
///   requires(...))]` on a method gives it arguments (its `requires` are added to the
///   suite's).
/// - `set_up()` or `set_up(ctx: &Context)` (optional, sync or `async`): builds the value
///   each test runs on; returns `Self` or `SmokeResult<Self>` (any `Result<Self, E:
///   Display>`). When it fails, that test errors. Without it, the value is
///   `Default::default()`.
/// - `tear_down(&mut self)` (optional): runs after each test, whatever the outcome;
///   returns `()` or a result.
/// - `set_up_suite()` / `tear_down_suite()` (optional): run once before the suite's first
///   test and after its last. When `set_up_suite` fails, every test of the suite errors.
///
/// Other methods are left alone. The arguments of `#[smoke_suite(...)]` are those of
/// `#[smoke_test]` and apply to every test of the suite (a method's own tags are added to
/// the suite's; its own timeout and skip reason win); `name` names the suite.
///
/// The type must be `Send + 'static`; one `impl` block per type may carry the attribute.
#[proc_macro_attribute]
pub fn smoke_suite(args: TokenStream, item: TokenStream) -> TokenStream {
    suite::smoke_suite(args.into(), item.into()).into()
}

/// `::smoke_runtime`, where the generated code finds what it uses.
fn default_crate() -> syn::Path {
    syn::parse_quote!(::smoke_runtime)
}

/// The hidden module of `smoke-core` (re-exported by `smoke-runtime` under the same name)
/// that the generated code reaches everything through. Its name carries the major and
/// minor version of the crates, so that a `smoke-macros` and a `smoke-runtime` of
/// different versions fail to compile together rather than misbehave.
const PRIVATE_MODULE: &str = "__private_0_1";

/// `krate::__private_0_1`: the path of everything the generated code uses.
fn private_path(krate: &syn::Path) -> proc_macro2::TokenStream {
    let module = syn::Ident::new(PRIVATE_MODULE, proc_macro2::Span::call_site());
    quote::quote!(#krate::#module)
}

/// An identifier as text, without `r#`.
fn unraw(ident: &syn::Ident) -> String {
    let text = ident.to_string();
    match text.strip_prefix("r#") {
        Some(rest) => rest.to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    /// The module named is the one `smoke-core` has: `__private_` and the major and minor
    /// version, which the crates share.
    #[test]
    fn the_private_module_is_named_for_the_crate_version() {
        let expected = format!(
            "__private_{}_{}",
            env!("CARGO_PKG_VERSION_MAJOR"),
            env!("CARGO_PKG_VERSION_MINOR")
        );
        assert_eq!(super::PRIVATE_MODULE, expected);
    }
}

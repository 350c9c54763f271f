//! The attributes `#[loopy::main]`, `#[loopy::task]` and `#[loopy::test]`.
//!
//! Use them through the `loopy` crate, which re-exports them; this crate only
//! holds their code, because procedural macros must live in a crate of their own.
//!
//! # How they work
//!
//! Each attribute reads an `async fn` and writes plain Rust that calls loopy's
//! public API, nothing else: what the attribute writes is code you could have
//! written by hand, and each attribute's documentation shows it.
//!
//! - `#[loopy::main]` and `#[loopy::test]` (`entry.rs`) wrap the
//!   body in `async move { ... }` and hand it to a fresh runtime's `block_on`
//!   (for tests, to a helper that also checks that no task panicked, and
//!   runs the body once per seed when asked to).
//! - `#[loopy::task]` (`task.rs`) turns the function into a
//!   synchronous one that spawns the body and returns its `JoinHandle`.
//!
//! The body is never parsed: it travels as tokens from the user's function into
//! the `async move` block (`item.rs`). Only the signature and the
//! options (`options.rs`) are read, and checked.
//!
//! # Mistakes
//!
//! A misuse is reported by the macro itself, pointing at the offending token
//! with a lowercase rule and the fix: "`#[loopy::task]` needs an `async fn`;
//! add `async` before `fn`". Every check runs and all mistakes are reported at
//! once (`errors.rs`; borrows are found by `owned.rs`). Beside the errors, the macro still writes
//! the function, as a stand-in whose body the compiler checks but never runs,
//! so that the IDE keeps working and no second wave of errors ("`main`
//! function not found") buries the first.
//!
//! Every path in an expansion is absolute (`::core::...`, `::loopy::...`), so
//! the code compiles in a crate that defines its own `Result`, `Option`, `core`
//! or `std`.

#![warn(missing_docs, missing_debug_implementations)]

mod entry;
mod errors;
mod item;
mod options;
mod owned;
mod task;

use std::fmt;

use proc_macro::TokenStream;

/// Runs an `async fn` to completion on a fresh loopy runtime.
///
/// `#[loopy::main]` turns `async fn main() -> R` into a synchronous
/// `fn main() -> R`: it builds a `loopy::Runtime`, runs the body with
/// `block_on`, and returns what the body returns. On the program's `main`
/// that is what Rust's own `fn main` accepts, a type that implements
/// `std::process::Termination`: `()`, `Result<(), E>` with `E: Debug`,
/// `ExitCode`; `-> i32` is refused there as it is on a plain `fn main`. The
/// function need not be called `main`, which is handy in examples and
/// benchmarks, and then any return type works; it takes no parameters.
///
/// # Examples
///
/// ```ignore
/// #[loopy::main]
/// async fn main() -> std::io::Result<()> {
///     let listener = loopy::net::TcpListener::bind("127.0.0.1:0")?;
///     println!("listening on {}", listener.local_addr()?);
///     Ok(())
/// }
/// ```
///
/// # Equivalent code
///
/// The example above becomes:
///
/// ```text
/// fn main() -> std::io::Result<()> {
///     ::loopy::Runtime::builder()
///         .trace(false)
///         .build()
///         .expect("#[loopy::main] could not start the loopy runtime")
///         .block_on(async move {
///             let listener = loopy::net::TcpListener::bind("127.0.0.1:0")?;
///             println!("listening on {}", listener.local_addr()?);
///             Ok(())
///         })
/// }
/// ```
///
/// # Options
///
/// - `trace`: print every event of the loop to stderr, as `Builder::trace(true)`
///   does: `#[loopy::main(trace)]`. The environment variable `LOOPY_TRACE`
///   (`1`, `turns` or `0`) still takes precedence when it is set.
/// - `slow_poll_ms = N`: warn about any single poll that runs longer than `N`
///   milliseconds (default 100; `0` turns the warning off), as
///   `Builder::slow_poll` does: `#[loopy::main(slow_poll_ms = 250)]`.
/// - `crate = "path"`: the path to loopy when it is renamed or re-exported:
///   `#[loopy::main(crate = "my_loopy")]`.
///
/// # Panics
///
/// The generated function panics if the runtime cannot be built, which happens
/// only when the operating system refuses to create a poller.
///
/// # Compile errors
///
/// The function must be an `async fn` without parameters or generics, and not
/// `const`, `unsafe` or `extern`.
#[proc_macro_attribute]
pub fn main(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::main(args.into(), item.into()).into()
}

/// Makes an `async fn` spawn its body as a named task each time it is called.
///
/// `#[loopy::task] async fn name(args) -> T` becomes `fn name(args) ->
/// loopy::JoinHandle<T>`. A call takes the arguments, spawns the body on the
/// current runtime under the task name `"name"` (so `loopy::task::name()`
/// inside it returns `Some("name")`), and returns at once with the handle,
/// which can be awaited for the `T` or used to cancel the task. Visibility,
/// doc comments, attributes, argument patterns such as `mut x` or
/// `(a, b): (u8, u8)`, generics and `where` clauses are kept.
///
/// # Examples
///
/// ```ignore
/// /// Adds two numbers, in a task of its own.
/// #[loopy::task]
/// async fn add(mut total: u64, (a, b): (u64, u64)) -> u64 {
///     total += a + b;
///     total
/// }
///
/// #[loopy::main]
/// async fn main() {
///     let handle = add(1, (2, 3));
///     assert_eq!(handle.await.unwrap(), 6);
/// }
/// ```
///
/// # Equivalent code
///
/// The task above becomes:
///
/// ```text
/// /// Adds two numbers, in a task of its own.
/// fn add(total: u64, __arg1: (u64, u64)) -> ::loopy::JoinHandle<u64> {
///     ::loopy::task::Builder::new()
///         .name("add")
///         .spawn(async move {
///             let mut total = total;
///             let __arg1 = __arg1;
///             let (a, b) = __arg1;
///             {
///                 total += a + b;
///                 total
///             }
///         })
/// }
/// ```
///
/// The body binds the parameters itself, as an `async fn` does, so a value the
/// body never names (such as a guard in `_guard: Guard`) lives until the task
/// ends. Each type parameter `T` gains the bound `T: 'static`, and each
/// `impl Trait` parameter `+ 'static`, because the task may outlive the caller.
///
/// # Options
///
/// - `name = "..."`: the task's name, instead of the function's:
///   `#[loopy::task(name = "worker")]`.
/// - `crate = "path"`: the path to loopy when it is renamed or re-exported.
///
/// # Panics
///
/// Calling the generated function outside a loopy runtime panics, as
/// `loopy::spawn` does.
///
/// # Compile errors
///
/// The function must be an `async fn`, not `const`, `unsafe` or `extern`, and
/// may not take `self` or any borrow (`&T`, `&mut T`, a lifetime other than
/// `'static`): the task owns its inputs.
#[proc_macro_attribute]
pub fn task(args: TokenStream, item: TokenStream) -> TokenStream {
    task::task(args.into(), item.into()).into()
}

/// Runs an `async fn` as a test, on a fresh loopy runtime.
///
/// `#[loopy::test]` turns `async fn name() -> R` into a `#[test] fn name() -> R`
/// whose body runs with `block_on`. Other attributes such as `#[should_panic]`
/// and `#[ignore]` apply as usual, and returning `Result<(), E>` works as in a
/// plain test. The test also fails when a task spawned during it panicked,
/// whether or not anything joined that task: a panic is never swallowed.
///
/// # Examples
///
/// ```ignore
/// #[loopy::test]
/// async fn sleeps() {
///     let start = std::time::Instant::now();
///     loopy::sleep(std::time::Duration::from_millis(10)).await;
///     assert!(start.elapsed() >= std::time::Duration::from_millis(10));
/// }
/// ```
///
/// # Equivalent code
///
/// The test above becomes:
///
/// ```text
/// #[::core::prelude::v1::test]
/// fn sleeps() {
///     ::loopy::__private::run_test(
///         ::loopy::__private::TestOptions {
///             path: ::core::concat!(::core::module_path!(), "::", ::core::stringify!(sleeps)),
///             start_paused: false,
///             seed: ::core::option::Option::None,
///         },
///         |_| async move {
///             let start = std::time::Instant::now();
///             loopy::sleep(std::time::Duration::from_millis(10)).await;
///             assert!(start.elapsed() >= std::time::Duration::from_millis(10));
///         },
///     )
/// }
/// ```
///
/// The body is handed over as a closure that makes a fresh future, so that
/// `seeds = N` can run it once per seed.
///
/// # Options
///
/// - `start_paused`: the runtime starts with its clock paused, as
///   `Builder::start_paused(true)` does: `#[loopy::test(start_paused)]`.
/// - `seed = N`: the tasks ready in a turn run in an order drawn from seed
///   `N`, as `Builder::seed(N)` does: `#[loopy::test(seed = 42)]`.
/// - `seeds = N`: runs the body `N` times, each on a fresh runtime with a
///   seed of its own (the same `N` seeds on every run of the test suite),
///   and stops at the first run that panics or returns an error. The test
///   then fails with the seed and the command that replays just that run,
///   such as `LOOPY_SEED=1234 cargo test orders::two_tasks`. The test must
///   return `()` or a `Result`. `#[loopy::test(seeds = 64)]`.
/// - `crate = "path"`: the path to loopy when it is renamed or re-exported.
///
/// The environment variable `LOOPY_SEED=N`, when set, wins over all three
/// ways: every `#[loopy::test]` then runs once, with seed `N`. With
/// `LOOPY_CHECK_DETERMINISM=1`, each seeded run is made twice and the test
/// fails if the two runs' traces differ, naming the first event where they
/// parted.
///
/// # Panics
///
/// The generated test panics, failing, when the body panics, when a task
/// spawned during it panicked, or when `LOOPY_SEED` is not a whole number.
///
/// # Compile errors
///
/// The function must be an `async fn` without parameters or generics, not
/// `const`, `unsafe` or `extern`, and without a `#[test]` of its own;
/// `seeds = 0` and `seed` beside `seeds` are errors.
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::test(args.into(), item.into()).into()
}

/// Which attribute is expanding: it decides the options accepted and names
/// itself in error messages.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Macro {
    /// `#[loopy::main]`
    Main,
    /// `#[loopy::test]`
    Test,
    /// `#[loopy::task]`
    Task,
}

impl Macro {
    /// The option names this attribute accepts, in the order messages list them.
    fn options(self) -> &'static [&'static str] {
        match self {
            Macro::Main => &["trace", "slow_poll_ms", "crate"],
            Macro::Test => &["start_paused", "seed", "seeds", "crate"],
            Macro::Task => &["name", "crate"],
        }
    }
}

impl fmt::Display for Macro {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Macro::Main => "main",
            Macro::Test => "test",
            Macro::Task => "task",
        };
        write!(f, "`#[loopy::{name}]`")
    }
}

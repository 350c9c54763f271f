//! `crate = "..."` makes the expansion call the given path: here a module that
//! re-exports loopy and counts how often the runtime and tasks are built.

use std::sync::atomic::{AtomicUsize, Ordering};

static RUNTIMES: AtomicUsize = AtomicUsize::new(0);
static TASKS: AtomicUsize = AtomicUsize::new(0);

mod counted {
    use std::sync::atomic::Ordering;

    pub use loopy::JoinHandle;

    pub struct Runtime;

    impl Runtime {
        pub fn builder() -> loopy::runtime::Builder {
            super::RUNTIMES.fetch_add(1, Ordering::SeqCst);
            loopy::Runtime::builder()
        }
    }

    pub mod task {
        use std::sync::atomic::Ordering;

        pub struct Builder;

        impl Builder {
            // Stands where the expansion calls `task::Builder::new()`.
            #[allow(clippy::new_ret_no_self)]
            pub fn new() -> loopy::task::Builder {
                super::super::TASKS.fetch_add(1, Ordering::SeqCst);
                loopy::task::Builder::new()
            }
        }
    }
}

#[loopy::task(crate = "crate::counted")]
async fn double(x: u32) -> u32 {
    x * 2
}

#[loopy::main(crate = "crate::counted")]
async fn run() -> u32 {
    double(1).await.unwrap() + double(2).await.unwrap()
}

fn main() {
    assert_eq!(run(), 6);
    assert_eq!(RUNTIMES.load(Ordering::SeqCst), 1);
    assert_eq!(TASKS.load(Ordering::SeqCst), 2);
}

//! A loop whose runtime cannot be built (out of file descriptors here)
//! keeps every loop of `cores::try_run` from starting, and its error,
//! naming the loop, is returned: not a panic per loop. Alone in its file:
//! it lowers the descriptor limit of the whole test process.

use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use loopy_tests::open_fds;
use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};

#[test]
fn a_runtime_that_cannot_be_built_stops_the_group_before_any_loop_runs() {
    let ran = Arc::new(AtomicUsize::new(0));
    let limit = getrlimit(Resource::Nofile);
    // Room for a few runtimes, not for sixteen.
    let low = (open_fds() + 8) as u64;
    setrlimit(
        Resource::Nofile,
        Rlimit {
            current: Some(low),
            maximum: limit.maximum,
        },
    )
    .unwrap();
    let result = loopy::cores::try_run(16, {
        let ran = Arc::clone(&ran);
        move |_| {
            let ran = Arc::clone(&ran);
            async move {
                ran.fetch_add(1, Ordering::SeqCst);
                io::Result::Ok(())
            }
        }
    });
    setrlimit(Resource::Nofile, limit).unwrap();
    let err = result.unwrap_err();
    assert!(
        err.to_string()
            .starts_with("loopy::cores::run could not create the runtime of loop "),
        "{err}"
    );
    assert_eq!(ran.load(Ordering::SeqCst), 0, "a loop ran its future");
}

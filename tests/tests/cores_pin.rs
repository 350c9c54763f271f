//! `loopy::cores::Builder::pin(true)` pins loop `i` to the `i`-th CPU the
//! process may use, counting round when there are more loops than CPUs;
//! without it a loop may use every CPU the process may.

use std::time::Duration;

use loopy::cores;
use loopy_tests::within;
use rustix::thread::{sched_getaffinity, CpuSet};

/// The CPUs the calling thread may run on.
fn my_cpus() -> Vec<usize> {
    let set = sched_getaffinity(None).unwrap();
    (0..CpuSet::MAX_CPU)
        .filter(|&cpu| set.is_set(cpu))
        .collect()
}

#[test]
fn pinned_loops_each_run_on_their_own_cpu() {
    let allowed = my_cpus();
    let loops = allowed.len() + 1;
    let pinned = within(Duration::from_secs(20), move || {
        cores::Builder::new()
            .pin(true)
            .run(loops, |_| async { my_cpus() })
    });
    let expected: Vec<Vec<usize>> = (0..loops)
        .map(|i| vec![allowed[i % allowed.len()]])
        .collect();
    assert_eq!(pinned, expected);
}

#[test]
fn loops_are_not_pinned_by_default() {
    let allowed = my_cpus();
    let unpinned = within(Duration::from_secs(20), || {
        cores::run(2, |_| async { my_cpus() })
    });
    assert_eq!(unpinned, [allowed.clone(), allowed]);
}

//! Pinning a loop's thread to one CPU, for `cores::Builder::pin`.
//!
//! The CPUs are those of the process's affinity mask (what `taskset` or a
//! container's cpuset allows), read once by `run` before it starts the
//! loops; loop `i` then pins itself to the `i`-th of them.

use std::io;

/// The CPUs this process may run on, in increasing order.
///
/// # Errors
///
/// The OS error of `sched_getaffinity`, or `Unsupported` off Linux.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) fn allowed_cpus() -> io::Result<Vec<usize>> {
    use rustix::thread::{sched_getaffinity, CpuSet};

    let allowed = sched_getaffinity(None)?;
    Ok((0..CpuSet::MAX_CPU)
        .filter(|&cpu| allowed.is_set(cpu))
        .collect())
}

/// Restricts the calling thread to `cpu`.
///
/// # Errors
///
/// The OS error of `sched_setaffinity` (`InvalidInput` if the CPU is not
/// allowed), or `Unsupported` off Linux.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) fn pin_current_thread(cpu: usize) -> io::Result<()> {
    use rustix::thread::{sched_setaffinity, CpuSet};

    let mut only = CpuSet::new();
    only.set(cpu);
    // `None`: the calling thread, not the whole process.
    sched_setaffinity(None, &only)?;
    Ok(())
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub(crate) fn allowed_cpus() -> io::Result<Vec<usize>> {
    Err(unsupported())
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub(crate) fn pin_current_thread(_cpu: usize) -> io::Result<()> {
    Err(unsupported())
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn unsupported() -> io::Error {
    io::Error::new(
        io::ErrorKind::Unsupported,
        "pinning loops to CPUs is supported on Linux only",
    )
}

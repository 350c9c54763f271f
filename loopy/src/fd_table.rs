//! Leaving the process's descriptor table, for a helper thread that needs
//! no descriptor.
//!
//! Every syscall on a descriptor (`recv`, `send`, `epoll_wait`) looks the
//! descriptor up in the calling thread's table. While no other thread shares
//! that table, Linux takes the file without touching its reference count;
//! once a second thread shares it, every such syscall pays an atomic
//! increment and decrement. loopy's slow-poll watchdog is such a second
//! thread, and it made a single loop's TCP echo 2-3% slower in process,
//! all of it in the kernel.
//!
//! The watchdog needs no descriptor, so it leaves: `unshare(CLONE_FILES)`
//! gives it a private copy of the table, and it closes every descriptor in
//! that copy at once, so that no socket or file stays open because the
//! copy still refers to it (a listener dropped by the program must stop
//! listening). The loop thread's table is then its own again, unless the
//! program has threads of its own.
//!
//! The copy is listed through `/proc/thread-self/fd`, opened once the
//! table is unshared, so that the shared table never sees the listing.
//! Without `/proc` the thread stays in the shared table, which costs only
//! the speed above; should the listing fail anyway, every descriptor
//! number is closed in the copy instead.

#[cfg(any(target_os = "linux", target_os = "android"))]
mod linux {
    use std::io;
    use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};

    use rustix::fs::{access, openat, Access, Dir, Mode, OFlags, CWD};
    use rustix::io::fcntl_getfd;
    use rustix::process::Resource;
    use rustix::thread::{unshare_unsafe, UnshareFlags};

    /// Gives the calling thread a private descriptor table and closes
    /// every descriptor in it.
    ///
    /// # Errors
    ///
    /// If there is no `/proc/thread-self/fd` or the table cannot be
    /// unshared; the thread then still shares the process's table, and
    /// nothing was closed.
    ///
    /// The calling thread must never use a descriptor afterwards: any
    /// number it knew of now names nothing, or something it did not open.
    pub(crate) fn leave_shared() -> io::Result<()> {
        // Without `/proc` the copy could not be listed: stay.
        access(LISTING, Access::EXISTS)?;
        // SAFETY: `unshare_unsafe` asks that no thread use a descriptor of
        // a table it no longer shares. This thread is the only one with the
        // new copy, and the descriptors the copy inherited are closed below
        // and never used for anything else; the other threads keep the
        // shared table, untouched (the listing is opened in the copy).
        unsafe { unshare_unsafe(UnshareFlags::FILES)? };
        let listed = openat(
            CWD,
            LISTING,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .ok()
        .and_then(|listing| {
            let own = listing.as_raw_fd();
            descriptors(Dir::new(listing).ok()?, own)
        });
        match listed {
            Some(copied) => copied.into_iter().for_each(close_copied),
            // Should the listing fail after all, every number the process
            // may use is closed instead (up to the kernel's default
            // `fs.nr_open`): slow, but no file stays open because of this
            // thread.
            None => {
                let limit = rustix::process::getrlimit(Resource::Nofile)
                    .current
                    .map_or(MOST_DESCRIPTORS, |limit| limit.min(MOST_DESCRIPTORS));
                (0..limit as RawFd).for_each(close_copied);
            }
        }
        Ok(())
    }

    /// Where a thread's descriptors are listed.
    const LISTING: &str = "/proc/thread-self/fd";

    /// The highest descriptor number the kernel allows by default, plus one.
    const MOST_DESCRIPTORS: u64 = 1 << 20;

    /// Closes descriptor `fd` of this thread's private table, if it is
    /// open there. An error from `close` is ignored: a tool such as
    /// valgrind, whose own descriptors the listing shows, may refuse to let
    /// them be closed. (So the close goes through `OwnedFd`'s drop, which
    /// ignores errors; rustix's `close` asserts success in debug builds.)
    fn close_copied(fd: RawFd) {
        // SAFETY: the number is only asked about: if it is not open, the
        // `fcntl` fails with `EBADF` and nothing is read or written through
        // it.
        let open = fcntl_getfd(unsafe { BorrowedFd::borrow_raw(fd) }).is_ok();
        if open {
            // SAFETY: `fd` is open in this thread's private copy of the
            // table, which no other thread can reach, and no value in this
            // thread owns it (the one owned value, the listing's, was
            // closed when the `Dir` was dropped, and its number is left out
            // of the list). Owning it here only to drop it closes the
            // copy's reference and nothing else.
            drop(unsafe { OwnedFd::from_raw_fd(fd) });
        }
    }

    /// The descriptors `dir` lists, but for `skip` (the listing's own);
    /// `None` if the listing failed. Drops `dir`, closing its descriptor.
    fn descriptors(dir: Dir, skip: RawFd) -> Option<Vec<RawFd>> {
        let mut fds = Vec::new();
        for entry in dir {
            let entry = entry.ok()?;
            let Some(fd) = entry
                .file_name()
                .to_str()
                .ok()
                .and_then(|name| name.parse::<RawFd>().ok())
            else {
                // "." and "..".
                continue;
            };
            if fd != skip {
                fds.push(fd);
            }
        }
        Some(fds)
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) use linux::leave_shared;

/// Elsewhere the thread stays in the shared table.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub(crate) fn leave_shared() -> std::io::Result<()> {
    Ok(())
}

#[cfg(all(test, any(target_os = "linux", target_os = "android")))]
mod tests {
    use std::fs;
    use std::io::{Read, Write};
    use std::os::fd::{AsRawFd, RawFd};
    use std::os::unix::net::UnixStream;
    use std::sync::mpsc;
    use std::thread;

    use super::leave_shared;

    #[test]
    fn a_thread_that_leaves_holds_nothing_and_closes_nothing_of_the_others() {
        let (mut a, mut b) = UnixStream::pair().unwrap();
        let (told, tid) = mpsc::channel();
        let (done, finish) = mpsc::channel::<()>();
        let leaver = thread::spawn(move || {
            leave_shared().unwrap();
            told.send(rustix::thread::gettid().as_raw_nonzero())
                .unwrap();
            // Stay alive, and in the private table, while it is looked at.
            finish.recv().unwrap();
        });
        let tid = tid.recv().unwrap();
        let left: Vec<RawFd> = fs::read_dir(format!("/proc/self/task/{tid}/fd"))
            .unwrap()
            .filter_map(|fd| fd.ok()?.file_name().to_str()?.parse().ok())
            .collect();
        // Under valgrind its own descriptors stay (it refuses to let them be
        // closed); none of the program's may.
        for fd in [0, 1, 2, a.as_raw_fd(), b.as_raw_fd()] {
            assert!(!left.contains(&fd), "the leaver still holds {fd}: {left:?}");
        }
        let listings: Vec<_> = fs::read_dir("/proc/self/fd")
            .unwrap()
            .filter_map(|fd| fs::read_link(fd.ok()?.path()).ok())
            .filter(|target| target.to_string_lossy().ends_with(&format!("{tid}/fd")))
            .collect();
        assert!(
            listings.is_empty(),
            "its listing is not in the shared table: {listings:?}"
        );

        // The pair, open in the shared table before the leaver started,
        // still works for everyone else.
        a.write_all(b"still here").unwrap();
        let mut got = [0; 10];
        b.read_exact(&mut got).unwrap();
        assert_eq!(&got, b"still here");
        done.send(()).unwrap();
        leaver.join().unwrap();
    }
}

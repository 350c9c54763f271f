//! `Async<T>`: any file descriptor, driven by the loop.

use std::fmt;
use std::future::poll_fn;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, AsRawFd};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use crate::driver::reactor::{Direction, Source};
use crate::task::context::{self, wake_for_fd, Handle};
use crate::task::poll_note::Parked;

/// An I/O object (pipe, Unix socket, terminal, ...) registered with the
/// running loop, so that operations on it wait for readiness instead of
/// blocking the thread.
///
/// [`read_with`](Async::read_with) and [`write_with`](Async::write_with)
/// take a closure that does the actual non-blocking operation on the
/// inner value: it is tried at once, and only if it fails with
/// `WouldBlock` does the task wait for the poller, then try again.
/// When `&T` implements `Read`/`Write`, `Async<T>` and `&Async<T>`
/// implement `futures_io::AsyncRead`/`AsyncWrite`.
///
/// `Async` is bound to the loop thread that created it (it is not `Send`).
///
/// # Examples
///
/// ```
/// use std::io::{Read, Write};
/// use std::os::unix::net::UnixStream;
/// use loopy::io::Async;
///
/// loopy::block_on(async {
///     let (a, b) = UnixStream::pair()?;
///     let (a, b) = (Async::new(a)?, Async::new(b)?);
///     a.write_with(|mut s| s.write(b"ping")).await?;
///     let mut buf = [0; 4];
///     let n = b.read_with(|mut s| s.read(&mut buf)).await?;
///     assert_eq!(&buf[..n], b"ping");
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub struct Async<T: AsFd> {
    /// The source's readiness and waiters, shared with the reactor.
    source: Rc<Source>,
    /// The loop whose reactor the source is registered with; kept so it
    /// can be deregistered there even after the runtime has been dropped,
    /// and for the loop's I/O budget and the task list's notes.
    handle: Rc<Handle>,
    /// The I/O object; `None` only once `into_inner` has taken it.
    inner: Option<T>,
}

impl<T: AsFd> Async<T> {
    /// Puts `inner` in non-blocking mode and registers it with the running
    /// loop.
    ///
    /// # Errors
    ///
    /// If the descriptor cannot be made non-blocking or cannot be added to
    /// the poller (for example a regular file, which epoll refuses with
    /// `EPERM`).
    ///
    /// # Panics
    ///
    /// Outside a running loopy runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::net::UnixStream;
    ///
    /// loopy::block_on(async {
    ///     let (a, _b) = UnixStream::pair()?;
    ///     let a = loopy::io::Async::new(a)?;
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn new(inner: T) -> io::Result<Async<T>> {
        rustix::io::ioctl_fionbio(inner.as_fd(), true)?;
        Async::new_nonblocking(inner)
    }

    /// Registers `inner`, which is already in non-blocking mode.
    #[track_caller]
    pub(crate) fn new_nonblocking(inner: T) -> io::Result<Async<T>> {
        let handle = context::expect("loopy::io::Async::new");
        // SAFETY: `Async` owns `inner` and deregisters its descriptor before
        // letting it go: in `Drop`, and in `into_inner`.
        let source = unsafe { handle.reactor.register(inner.as_fd())? };
        Ok(Async {
            source,
            handle,
            inner: Some(inner),
        })
    }

    /// The inner I/O object.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::net::UnixStream;
    ///
    /// loopy::block_on(async {
    ///     let (a, _b) = UnixStream::pair()?;
    ///     let a = loopy::io::Async::new(a)?;
    ///     assert!(a.get_ref().peer_addr().is_ok());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn get_ref(&self) -> &T {
        self.inner
            .as_ref()
            .expect("Async holds its inner value until into_inner")
    }

    /// Deregisters from the loop and returns the inner I/O object, back in
    /// blocking mode (undoing what [`Async::new`] did).
    ///
    /// # Errors
    ///
    /// If the descriptor's blocking mode cannot be restored; it is
    /// deregistered either way.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::net::UnixStream;
    ///
    /// loopy::block_on(async {
    ///     let (a, _b) = UnixStream::pair()?;
    ///     let a: UnixStream = loopy::io::Async::new(a)?.into_inner()?;
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn into_inner(mut self) -> io::Result<T> {
        let inner = self
            .inner
            .take()
            .expect("Async holds its inner value until into_inner");
        self.handle
            .reactor
            .deregister(&self.source, inner.as_fd(), wake_for_fd);
        rustix::io::ioctl_fionbio(inner.as_fd(), false)?;
        Ok(inner)
    }

    /// Waits until a read would not block: data is waiting, the peer
    /// closed its side, or an error is pending.
    ///
    /// Each poll asks the kernel (a zero-timeout `poll(2)`), so this is
    /// true also of reads done around loopy through [`get_ref`]; between
    /// polls the task sleeps until the poller reports the descriptor
    /// readable. Another task may of course read the data first.
    ///
    /// [`get_ref`]: Async::get_ref
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::{Read, Write};
    /// use std::os::unix::net::UnixStream;
    ///
    /// loopy::block_on(async {
    ///     let (a, mut b) = UnixStream::pair()?;
    ///     let a = loopy::io::Async::new(a)?;
    ///     b.write_all(b"x")?;
    ///     a.readable().await;
    ///     let mut buf = [0; 1];
    ///     assert_eq!(a.get_ref().read(&mut buf)?, 1);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn readable(&self) {
        poll_fn(|cx| self.poll_would_not_block(Direction::Read, cx)).await
    }

    /// Waits until a write would not block: there is room in the send
    /// buffer, or an error is pending. As for [`readable`], the kernel is
    /// asked each time, so a buffer filled through [`get_ref`] keeps this
    /// waiting until the peer has drained some of it.
    ///
    /// [`readable`]: Async::readable
    /// [`get_ref`]: Async::get_ref
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::net::UnixStream;
    ///
    /// loopy::block_on(async {
    ///     let (a, _b) = UnixStream::pair()?;
    ///     loopy::io::Async::new(a)?.writable().await;
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn writable(&self) {
        poll_fn(|cx| self.poll_would_not_block(Direction::Write, cx)).await
    }

    /// `Ready` once an operation in direction `dir` would not block, as the
    /// kernel says now; otherwise parks `cx`'s waker until the next edge.
    fn poll_would_not_block(&self, dir: Direction, cx: &mut Context<'_>) -> Poll<()> {
        let ready = self
            .source
            .poll_would_not_block(self.get_ref().as_fd(), dir, cx);
        if ready.is_pending() {
            self.parked(dir);
        }
        ready
    }

    /// Tells the task list that the running poll waits on this descriptor.
    #[cold]
    fn parked(&self, dir: Direction) {
        let fd = self.source.fd();
        self.handle.tasks.parked(match dir {
            Direction::Read => Parked::Readable(fd),
            Direction::Write => Parked::Writable(fd),
        });
    }

    /// A read shorter than its buffer emptied the descriptor (true of
    /// stream sockets and pipes, not of datagrams): skip the read that
    /// would only say `WouldBlock`. See `driver/short_reads.rs` for when that holds.
    pub(crate) fn short_read(&self) {
        self.handle.reactor.short_read(&self.source);
    }

    /// Runs the non-blocking read `op` until it does not fail with
    /// `WouldBlock`, waiting for readability in between.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::{Read, Write};
    /// use std::os::unix::net::UnixStream;
    ///
    /// loopy::block_on(async {
    ///     let (a, mut b) = UnixStream::pair()?;
    ///     let a = loopy::io::Async::new(a)?;
    ///     b.write_all(b"hi")?;
    ///     let mut buf = [0; 2];
    ///     a.read_with(|mut s| s.read_exact(&mut buf)).await?;
    ///     assert_eq!(&buf, b"hi");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn read_with<R>(&self, mut op: impl FnMut(&T) -> io::Result<R>) -> io::Result<R> {
        poll_fn(|cx| self.poll_read_with(cx, &mut op)).await
    }

    /// Runs the non-blocking write `op` until it does not fail with
    /// `WouldBlock`, waiting for writability in between.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::Write;
    /// use std::os::unix::net::UnixStream;
    ///
    /// loopy::block_on(async {
    ///     let (a, _b) = UnixStream::pair()?;
    ///     let a = loopy::io::Async::new(a)?;
    ///     let n = a.write_with(|mut s| s.write(b"hello")).await?;
    ///     assert_eq!(n, 5);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn write_with<R>(&self, mut op: impl FnMut(&T) -> io::Result<R>) -> io::Result<R> {
        poll_fn(|cx| self.poll_write_with(cx, &mut op)).await
    }

    /// The poll form of [`read_with`](Async::read_with).
    #[inline]
    pub fn poll_read_with<R>(
        &self,
        cx: &mut Context<'_>,
        op: impl FnMut(&T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        self.poll_io(Direction::Read, cx, op)
    }

    /// The poll form of [`write_with`](Async::write_with).
    #[inline]
    pub fn poll_write_with<R>(
        &self,
        cx: &mut Context<'_>,
        op: impl FnMut(&T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        self.poll_io(Direction::Write, cx, op)
    }

    /// Try `op`; on `WouldBlock`, forget the readiness and wait for the next
    /// edge; otherwise hand back what it returned. A task that has used up
    /// its I/O budget for this poll yields first, so that one busy socket
    /// cannot keep the loop from everything else.
    #[inline]
    fn poll_io<R>(
        &self,
        dir: Direction,
        cx: &mut Context<'_>,
        mut op: impl FnMut(&T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        let budget = &self.handle.budget;
        if !budget.has_left() {
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        loop {
            if self.source.poll_ready(dir, cx).is_pending() {
                self.parked(dir);
                return Poll::Pending;
            }
            match op(self.get_ref()) {
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => self.source.clear_ready(dir),
                result => {
                    budget.spend();
                    return Poll::Ready(result);
                }
            }
        }
    }
}

impl<T: AsFd> Drop for Async<T> {
    fn drop(&mut self) {
        if let Some(inner) = &self.inner {
            self.handle
                .reactor
                .deregister(&self.source, inner.as_fd(), wake_for_fd);
        }
    }
}

impl<T: AsFd> fmt::Debug for Async<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Async")
            .field(
                "fd",
                &self.inner.as_ref().map(|inner| inner.as_fd().as_raw_fd()),
            )
            .finish()
    }
}

impl<T: AsFd> futures_io::AsyncRead for &Async<T>
where
    for<'a> &'a T: Read,
{
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_read_with(cx, |mut inner| inner.read(buf))
    }
}

impl<T: AsFd> futures_io::AsyncWrite for &Async<T>
where
    for<'a> &'a T: Write,
{
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_write_with(cx, |mut inner| inner.write(buf))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_write_with(cx, |mut inner| inner.flush())
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}

impl<T: AsFd> futures_io::AsyncRead for Async<T>
where
    for<'a> &'a T: Read,
{
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut &*self).poll_read(cx, buf)
    }
}

impl<T: AsFd> futures_io::AsyncWrite for Async<T>
where
    for<'a> &'a T: Write,
{
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut &*self).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut &*self).poll_flush(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut &*self).poll_close(cx)
    }
}

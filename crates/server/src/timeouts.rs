//! [`Timeouts`]: the timeout profile, on by default, one setter per timeout.
//!
//! Every way a peer can hold a connection open without making progress is bounded out of
//! the box; [`Timeouts`] documents the profile, and [`WriteTimeout`] is the stall timer
//! spire-server puts under HTTP/2 (h2 has none of its own).

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// The server's timeout profile: every timeout on by default, each with its own setter.
///
/// Get it from [`Builder::timeouts`](crate::Builder::timeouts). Each setter takes a
/// [`Duration`] to change a timeout or `None` to turn it off, and returns `&mut Self` so
/// calls chain. The values set here are applied to the HTTP/1 and HTTP/2 builders when
/// the server starts, over whatever those builders hold for the same timeouts: set
/// timeouts here, and only here.
///
/// Every way a peer can hold a connection open without making progress is bounded out of
/// the box, with no timer to install and nothing to opt into:
///
/// ```text
///  accept ─► detect protocol ─► read request head ─► service ─► write response ─► idle ─┐
///            (detection)        (header_read)                   (write)           │      │
///                                      ▲                                          │      │
///                                      └──────────── next request (HTTP/1) ◄──────┘      │
///                                                    (keep_alive / http2_idle) ◄─────────┘
///  shutdown signal ─► finish in-flight requests ─► (drain) ─► close what is left
/// ```
///
/// | timeout | default | bounds |
/// | --- | --- | --- |
/// | [`detection`](Timeouts::detection) | 10 s | reading the first bytes that tell HTTP/1 from HTTP/2 |
/// | [`header_read`](Timeouts::header_read) | 30 s | receiving a whole HTTP/1 request head, from its first byte |
/// | [`keep_alive`](Timeouts::keep_alive) | 75 s | an idle HTTP/1 connection between requests |
/// | [`http2_idle`](Timeouts::http2_idle) | 5 min | an HTTP/2 connection with no open streams |
/// | [`write`](Timeouts::write) | 30 s | a write that makes no progress (a peer that stopped reading) |
/// | [`drain`](Timeouts::drain) | 30 s | graceful shutdown: how long in-flight requests may take to finish |
///
/// The HTTP/1 and HTTP/2 ones are handed to spire-conn's connection builders (the values
/// are the same as those builders' own defaults, so the two never disagree); detection,
/// drain and the HTTP/2 write timeout are enforced by spire-server itself.
///
/// The defaults are chosen so that no peer can hold a connection, or a shutdown, open
/// forever, while a normal client on a slow network never notices them.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// let mut builder = spire_server::Builder::new();
/// builder
///     .timeouts()
///     .header_read(Duration::from_secs(5))
///     .keep_alive(Duration::from_secs(15))
///     .drain(None); // wait for in-flight requests however long they take
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub(crate) detection: Option<Duration>,
    pub(crate) header_read: Option<Duration>,
    pub(crate) keep_alive: Option<Duration>,
    pub(crate) http2_idle: Option<Duration>,
    pub(crate) write: Option<Duration>,
    pub(crate) drain: Option<Duration>,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            detection: Some(Duration::from_secs(10)),
            header_read: Some(Duration::from_secs(30)),
            keep_alive: Some(Duration::from_secs(75)),
            http2_idle: Some(Duration::from_secs(300)),
            write: Some(Duration::from_secs(30)),
            drain: Some(Duration::from_secs(30)),
        }
    }
}

impl Timeouts {
    /// Creates the default profile.
    ///
    /// # Examples
    ///
    /// ```
    /// let timeouts = spire_server::Timeouts::new();
    /// assert_eq!(timeouts, spire_server::Timeouts::default());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets how long a new connection may take to send the bytes that tell HTTP/1 from
    /// HTTP/2 (at most the 24-byte HTTP/2 preface; one byte is enough for HTTP/1).
    ///
    /// A connection that sends nothing, or only the start of the preface, is closed when it
    /// runs out. Default: 10 s.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let mut timeouts = spire_server::Timeouts::new();
    /// timeouts.detection(Duration::from_secs(3));
    /// ```
    pub fn detection(&mut self, timeout: impl Into<Option<Duration>>) -> &mut Self {
        self.detection = timeout.into();
        self
    }

    /// Sets how long an HTTP/1 request head may take to arrive, from its first byte (for
    /// the first request, from the end of protocol detection, which that byte ends).
    ///
    /// This is the defence against slowloris: a peer trickling a head byte by byte. The
    /// connection answers `408` and closes when it runs out. Default: 30 s.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let mut timeouts = spire_server::Timeouts::new();
    /// timeouts.header_read(Duration::from_secs(5));
    /// ```
    pub fn header_read(&mut self, timeout: impl Into<Option<Duration>>) -> &mut Self {
        self.header_read = timeout.into();
        self
    }

    /// Sets how long an HTTP/1 connection may stay idle between requests before it is
    /// closed. Default: 75 s.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let mut timeouts = spire_server::Timeouts::new();
    /// timeouts.keep_alive(Duration::from_secs(15));
    /// ```
    pub fn keep_alive(&mut self, timeout: impl Into<Option<Duration>>) -> &mut Self {
        self.keep_alive = timeout.into();
        self
    }

    /// Sets how long an HTTP/2 connection may have no open streams before it is closed
    /// (with GOAWAY). Default: 5 min, since one HTTP/2 connection is usually shared by all
    /// of a client's requests.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let mut timeouts = spire_server::Timeouts::new();
    /// timeouts.http2_idle(Duration::from_secs(60));
    /// ```
    pub fn http2_idle(&mut self, timeout: impl Into<Option<Duration>>) -> &mut Self {
        self.http2_idle = timeout.into();
        self
    }

    /// Sets how long a write to the socket may make no progress (the peer stopped reading)
    /// before the connection is closed. Default: 30 s.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let mut timeouts = spire_server::Timeouts::new();
    /// timeouts.write(Duration::from_secs(10));
    /// ```
    pub fn write(&mut self, timeout: impl Into<Option<Duration>>) -> &mut Self {
        self.write = timeout.into();
        self
    }

    /// Sets how long a graceful shutdown waits for in-flight requests before it closes the
    /// connections still open. `None` waits for as long as they take. Default: 30 s.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let mut timeouts = spire_server::Timeouts::new();
    /// timeouts.drain(Duration::from_secs(5));
    /// ```
    pub fn drain(&mut self, timeout: impl Into<Option<Duration>>) -> &mut Self {
        self.drain = timeout.into();
        self
    }
}

/// An IO whose writes fail with [`io::ErrorKind::TimedOut`] once they have made no progress
/// for `timeout`.
///
/// Used for HTTP/2, where `h2` writes the socket and has no write timeout of its own. The
/// timer starts when a write, flush or shutdown first returns `Pending`, and stops as soon
/// as one completes; a write that keeps moving, however slowly, never times out.
#[derive(Debug)]
pub(crate) struct WriteTimeout<Io> {
    io: Io,
    timeout: Option<Duration>,
    sleep: Pin<Box<Sleep>>,
    /// A write is pending and `sleep` holds its deadline.
    armed: bool,
}

impl<Io> WriteTimeout<Io> {
    pub(crate) fn new(io: Io, timeout: Option<Duration>) -> Self {
        Self {
            io,
            timeout,
            // Never polled until armed, when it gets its real deadline.
            sleep: Box::pin(tokio::time::sleep(Duration::ZERO)),
            armed: false,
        }
    }

    /// Runs the stall timer after a `Pending` write; `Ready` means it ran out.
    fn poll_stalled<T>(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<T>> {
        let Some(timeout) = self.timeout else {
            return Poll::Pending;
        };
        if !self.armed {
            self.armed = true;
            self.sleep.as_mut().reset(Instant::now() + timeout);
        }
        match self.sleep.as_mut().poll(cx) {
            Poll::Ready(()) => {
                tracing::debug!(?timeout, "write stalled, giving up");
                Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "write made no progress before the write timeout",
                )))
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn progress<T>(
        &mut self,
        cx: &mut Context<'_>,
        poll: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        match poll {
            Poll::Ready(result) => {
                self.armed = false;
                Poll::Ready(result)
            }
            Poll::Pending => self.poll_stalled(cx),
        }
    }
}

impl<Io: AsyncRead + Unpin> AsyncRead for WriteTimeout<Io> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl<Io: AsyncWrite + Unpin> AsyncWrite for WriteTimeout<Io> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.io).poll_write(cx, buf);
        this.progress(cx, poll)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.io).poll_write_vectored(cx, bufs);
        this.progress(cx, poll)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.io).poll_flush(cx);
        this.progress(cx, poll)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.io).poll_shutdown(cx);
        this.progress(cx, poll)
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    #[test]
    fn defaults_are_the_documented_ones() {
        let t = Timeouts::new();
        assert_eq!(t.detection, Some(Duration::from_secs(10)));
        assert_eq!(t.header_read, Some(Duration::from_secs(30)));
        assert_eq!(t.keep_alive, Some(Duration::from_secs(75)));
        assert_eq!(t.http2_idle, Some(Duration::from_secs(300)));
        assert_eq!(t.write, Some(Duration::from_secs(30)));
        assert_eq!(t.drain, Some(Duration::from_secs(30)));
    }

    #[test]
    fn setters_change_one_timeout_each_and_none_turns_it_off() {
        let mut t = Timeouts::new();
        t.detection(Duration::from_secs(1))
            .header_read(Duration::from_secs(2))
            .keep_alive(Duration::from_secs(3))
            .http2_idle(Duration::from_secs(4))
            .write(Duration::from_secs(5))
            .drain(None);
        assert_eq!(t.detection, Some(Duration::from_secs(1)));
        assert_eq!(t.header_read, Some(Duration::from_secs(2)));
        assert_eq!(t.keep_alive, Some(Duration::from_secs(3)));
        assert_eq!(t.http2_idle, Some(Duration::from_secs(4)));
        assert_eq!(t.write, Some(Duration::from_secs(5)));
        assert_eq!(t.drain, None);
    }

    #[tokio::test(start_paused = true)]
    async fn write_timeout_fails_a_write_the_peer_never_reads() {
        let (io, _peer) = tokio::io::duplex(16);
        let mut io = WriteTimeout::new(io, Some(Duration::from_secs(5)));
        let started = Instant::now();
        let err = io.write_all(&[0; 64]).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
        assert_eq!(started.elapsed(), Duration::from_secs(5));
    }

    #[tokio::test(start_paused = true)]
    async fn write_timeout_restarts_whenever_the_write_progresses() {
        let (io, mut peer) = tokio::io::duplex(16);
        let mut io = WriteTimeout::new(io, Some(Duration::from_secs(5)));
        // The peer reads 16 bytes every 3 s: each wait is shorter than the timeout, the
        // whole write (about 12 s) longer.
        let reader = tokio::spawn(async move {
            let mut buf = [0; 16];
            let mut total = 0;
            while total < 64 {
                tokio::time::sleep(Duration::from_secs(3)).await;
                total += peer.read(&mut buf).await.unwrap();
            }
            total
        });
        let started = Instant::now();
        io.write_all(&[0; 64]).await.unwrap();
        assert!(started.elapsed() > Duration::from_secs(5));
        assert_eq!(reader.await.unwrap(), 64);
    }

    #[tokio::test(start_paused = true)]
    async fn write_timeout_off_waits_forever() {
        let (io, _peer) = tokio::io::duplex(16);
        let mut io = WriteTimeout::new(io, None);
        let write = tokio::time::timeout(Duration::from_secs(3600), io.write_all(&[0; 64]));
        assert!(write.await.is_err(), "the write must still be pending");
    }
}

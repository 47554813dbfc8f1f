//! Upgrades: after a `101 Switching Protocols`, or a `2xx` answer to `CONNECT`, the connection
//! stops speaking HTTP on that exchange and hands the raw byte stream to the application.
//!
//! The driver puts a pending upgrade into the request's extensions before it calls the
//! service. The service takes it out with [`on`] and gets an [`OnUpgrade`] future, answers
//! with the switching response, and awaits the future (usually in a spawned task) once the
//! response is on its way. The driver fulfils it with an [`Upgraded`] once the response head
//! has been sent:
//!
//! ```text
//!  driver: request + pending upgrade ──► service: upgrade::on(&mut req) ─► OnUpgrade
//!  driver ◄── 101 / 2xx response ◄────── service
//!  driver: send head, hand over IO ─────────────────────────────────────► Upgraded
//!          (HTTP/1: the socket + bytes already read; HTTP/2: the stream's DATA frames)
//! ```
//!
//! Over HTTP/2 only that one stream is handed over (RFC 8441 extended CONNECT, or a plain
//! CONNECT tunnel, RFC 9113 section 8.5): the [`Upgraded`] reads and writes DATA frames, under
//! the stream's flow control, while the connection goes on serving other streams.

use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, ready};

use bytes::{Buf, Bytes};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::oneshot;

use crate::error::{Error, ErrorKind};

/// The transport an [`Upgraded`] wraps: any tokio IO that can move to another task.
trait Io: AsyncRead + AsyncWrite + Unpin + Send + 'static {}

impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> Io for T {}

/// The raw byte stream of an upgraded connection or stream.
///
/// It implements tokio's [`AsyncRead`] and [`AsyncWrite`]. Bytes the connection had already
/// read past the end of the HTTP exchange (an HTTP/1 client may send them right behind its
/// request) are read first, so nothing is lost in the hand-over.
///
/// # Examples
///
/// ```
/// use spire_conn::upgrade::Upgraded;
/// use tokio::io::{AsyncReadExt, AsyncWriteExt};
///
/// async fn echo(mut tunnel: Upgraded) -> std::io::Result<()> {
///     let mut buf = [0; 1024];
///     loop {
///         let n = tunnel.read(&mut buf).await?;
///         if n == 0 {
///             return tunnel.shutdown().await;
///         }
///         tunnel.write_all(&buf[..n]).await?;
///     }
/// }
/// # let _ = echo;
/// ```
pub struct Upgraded {
    io: Box<dyn Io>,
    /// Bytes read from the peer before the hand-over, returned before any read of `io`.
    leftover: Bytes,
}

impl Upgraded {
    /// Wraps `io`, to be read after `leftover`.
    pub(crate) fn new<T>(io: T, leftover: Bytes) -> Self
    where
        T: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        Self {
            io: Box::new(io),
            leftover,
        }
    }
}

impl AsyncRead for Upgraded {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if !self.leftover.is_empty() {
            let n = self.leftover.len().min(buf.remaining());
            buf.put_slice(&self.leftover[..n]);
            self.leftover.advance(n);
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl AsyncWrite for Upgraded {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

impl fmt::Debug for Upgraded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Upgraded")
            .field("leftover", &self.leftover.len())
            .finish_non_exhaustive()
    }
}

type Outcome = Result<Upgraded, Error>;

/// What the driver stores in a message's extensions: the receiving end of the hand-over.
///
/// Extensions must be `Clone + Send + Sync`, so the receiver sits behind a shared slot;
/// [`on`] takes it out, and a second `on` finds it gone.
#[derive(Clone)]
struct Slot(Arc<Mutex<Option<oneshot::Receiver<Outcome>>>>);

/// The driver's end of an upgrade: fulfilled with the IO once the switching response is
/// sent, failed otherwise.
pub(crate) struct Pending {
    tx: oneshot::Sender<Outcome>,
}

/// Puts a pending upgrade into `extensions` and returns the driver's end of it.
pub(crate) fn pending(extensions: &mut http::Extensions) -> Pending {
    let (tx, rx) = oneshot::channel();
    extensions.insert(Slot(Arc::new(Mutex::new(Some(rx)))));
    Pending { tx }
}

impl Pending {
    /// Hands the upgraded IO to whoever awaits [`OnUpgrade`].
    pub(crate) fn fulfill(self, upgraded: Upgraded) {
        // If nobody waits any more, dropping the IO closes it, which is all there is to do.
        let _ = self.tx.send(Ok(upgraded));
    }

    /// Tells whoever awaits [`OnUpgrade`] that there will be no upgrade.
    pub(crate) fn fail(self, error: Error) {
        let _ = self.tx.send(Err(error));
    }
}

impl fmt::Debug for Pending {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pending").finish_non_exhaustive()
    }
}

/// A future of the upgraded IO, from [`on`].
///
/// It resolves once the connection has sent the switching response and handed the IO over.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let mut req = http::Request::new(());
/// // This request did not come from a connection that can upgrade it.
/// let err = spire_conn::upgrade::on(&mut req).await.unwrap_err();
/// assert_eq!(err.kind(), spire_conn::ErrorKind::NoUpgrade);
/// # }
/// ```
///
/// # Errors
///
/// Resolves to an [`Error`] that is [`is_user`](Error::is_user) (kind
/// [`NoUpgrade`](ErrorKind::NoUpgrade)) when the message cannot be upgraded: it did not come
/// from a connection, it did not ask for an upgrade, [`on`] was already called on it, or the
/// response did not accept the switch. It is [`is_canceled`](Error::is_canceled) when the
/// connection closed before the hand-over.
///
/// # Cancel safety
///
/// Dropping the future gives up the upgrade; the IO is closed when the driver hands it over.
#[must_use = "futures do nothing unless polled"]
pub struct OnUpgrade {
    rx: Option<oneshot::Receiver<Outcome>>,
}

impl Future for OnUpgrade {
    type Output = Result<Upgraded, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let Some(rx) = self.rx.as_mut() else {
            return Poll::Ready(Err(Error::new(ErrorKind::NoUpgrade)));
        };
        let outcome = ready!(Pin::new(rx).poll(cx));
        self.rx = None;
        Poll::Ready(outcome.unwrap_or_else(|_| Err(Error::new(ErrorKind::Canceled))))
    }
}

impl fmt::Debug for OnUpgrade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OnUpgrade")
            .field("pending", &self.rx.is_some())
            .finish()
    }
}

/// Takes the pending upgrade out of a request or response.
///
/// Call it on the request inside the service (by value or `&mut`, before the body is
/// consumed does not matter), answer with the switching response, and await the returned
/// [`OnUpgrade`] in a task of its own. Over HTTP/2 the request must be a `CONNECT` (extended
/// CONNECT, RFC 8441, needs
/// [`Builder::enable_connect_protocol`](crate::server::http2::Builder::enable_connect_protocol))
/// and the response a `2xx`.
///
/// # Examples
///
/// ```
/// use bytes::Bytes;
/// use spire_body::Empty;
/// use spire_conn::Incoming;
/// use tokio::io::AsyncWriteExt;
///
/// async fn tunnel(mut req: http::Request<Incoming>) -> Result<http::Response<Empty<Bytes>>, spire_conn::Error> {
///     let on_upgrade = spire_conn::upgrade::on(&mut req);
///     tokio::spawn(async move {
///         if let Ok(mut io) = on_upgrade.await {
///             let _ = io.write_all(b"hello from the tunnel").await;
///         }
///     });
///     Ok(http::Response::new(Empty::new()))
/// }
/// # let _ = tunnel;
/// ```
pub fn on<T: sealed::CanUpgrade>(mut message: T) -> OnUpgrade {
    let rx = message
        .extensions_mut()
        .remove::<Slot>()
        .and_then(|slot| slot.0.lock().unwrap_or_else(PoisonError::into_inner).take());
    OnUpgrade { rx }
}

mod sealed {
    /// The message types [`on`](super::on) accepts: requests and responses, owned or borrowed.
    pub trait CanUpgrade {
        fn extensions_mut(&mut self) -> &mut http::Extensions;
    }

    impl<B> CanUpgrade for http::Request<B> {
        fn extensions_mut(&mut self) -> &mut http::Extensions {
            Self::extensions_mut(self)
        }
    }

    impl<B> CanUpgrade for &mut http::Request<B> {
        fn extensions_mut(&mut self) -> &mut http::Extensions {
            http::Request::extensions_mut(self)
        }
    }

    impl<B> CanUpgrade for http::Response<B> {
        fn extensions_mut(&mut self) -> &mut http::Extensions {
            Self::extensions_mut(self)
        }
    }

    impl<B> CanUpgrade for &mut http::Response<B> {
        fn extensions_mut(&mut self) -> &mut http::Extensions {
            http::Response::extensions_mut(self)
        }
    }
}

/// One HTTP/2 stream as a byte stream: reads are its DATA frames, writes become DATA frames.
pub(crate) struct H2Io {
    send: h2::SendStream<Bytes>,
    recv: h2::RecvStream,
    /// Data received but not yet read.
    buf: Bytes,
    /// Keeps whatever the driver needs alive while the tunnel is open (the connection counts
    /// it as an active stream).
    _hold: Box<dyn Send>,
}

impl H2Io {
    pub(crate) fn new(
        send: h2::SendStream<Bytes>,
        recv: h2::RecvStream,
        hold: Box<dyn Send>,
    ) -> Self {
        Self {
            send,
            recv,
            buf: Bytes::new(),
            _hold: hold,
        }
    }
}

/// Turns an h2 error into the `io::Error` tokio's traits speak.
fn h2_to_io(err: h2::Error) -> io::Error {
    if err.is_io() {
        return err
            .into_io()
            .unwrap_or_else(|| io::Error::other("http/2 i/o error"));
    }
    io::Error::new(io::ErrorKind::BrokenPipe, err)
}

impl AsyncRead for H2Io {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        while self.buf.is_empty() {
            match ready!(self.recv.poll_data(cx)) {
                Some(Ok(data)) => {
                    let _ = self.recv.flow_control().release_capacity(data.len());
                    self.buf = data;
                }
                // The peer ended its side of the tunnel: end of file.
                None => return Poll::Ready(Ok(())),
                Some(Err(err)) if err.reason() == Some(h2::Reason::NO_ERROR) => {
                    return Poll::Ready(Ok(()));
                }
                Some(Err(err)) => return Poll::Ready(Err(h2_to_io(err))),
            }
        }
        let n = self.buf.len().min(buf.remaining());
        buf.put_slice(&self.buf[..n]);
        self.buf.advance(n);
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for H2Io {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        self.send.reserve_capacity(buf.len());
        let mut capacity = self.send.capacity();
        while capacity == 0 {
            if let Poll::Ready(reset) = self.send.poll_reset(cx) {
                let err = match reset {
                    Ok(reason) => h2_to_io(h2::Error::from(reason)),
                    Err(err) => h2_to_io(err),
                };
                return Poll::Ready(Err(err));
            }
            capacity = match ready!(self.send.poll_capacity(cx)) {
                Some(Ok(n)) => n,
                Some(Err(err)) => return Poll::Ready(Err(h2_to_io(err))),
                None => return Poll::Ready(Err(io::ErrorKind::BrokenPipe.into())),
            };
        }
        let n = capacity.min(buf.len());
        self.send
            .send_data(Bytes::copy_from_slice(&buf[..n]), false)
            .map_err(h2_to_io)?;
        Poll::Ready(Ok(n))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // The connection task writes frames out as soon as flow control allows.
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(self.send.send_data(Bytes::new(), true).map_err(h2_to_io))
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    #[tokio::test]
    async fn on_without_pending_upgrade_fails_with_no_upgrade() {
        let mut req = http::Request::new(());
        let err = on(&mut req).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NoUpgrade);
        assert!(err.is_user());
    }

    #[tokio::test]
    async fn fulfilled_upgrade_reads_leftover_before_io() {
        let mut req = http::Request::new(());
        let pending = pending(req.extensions_mut());
        let on_upgrade = on(&mut req);

        let (client, mut server) = tokio::io::duplex(64);
        pending.fulfill(Upgraded::new(client, Bytes::from_static(b"early ")));
        server.write_all(b"late").await.unwrap();
        drop(server);

        let mut upgraded = on_upgrade.await.unwrap();
        let mut text = String::new();
        upgraded.read_to_string(&mut text).await.unwrap();
        assert_eq!(text, "early late");
    }

    #[tokio::test]
    async fn upgraded_writes_reach_the_io() {
        let (client, mut server) = tokio::io::duplex(64);
        let mut upgraded = Upgraded::new(client, Bytes::new());
        upgraded.write_all(b"ping").await.unwrap();
        let mut buf = [0; 4];
        server.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"ping");
    }

    #[tokio::test]
    async fn on_twice_finds_the_upgrade_gone() {
        let mut req = http::Request::new(());
        let _pending = pending(req.extensions_mut());
        let _first = on(&mut req);
        let err = on(&mut req).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NoUpgrade);
    }

    #[tokio::test]
    async fn dropped_pending_cancels_the_upgrade() {
        let mut req = http::Request::new(());
        let pending = pending(req.extensions_mut());
        let on_upgrade = on(req);
        drop(pending);
        let err = on_upgrade.await.unwrap_err();
        assert!(err.is_canceled());
    }

    #[tokio::test]
    async fn failed_pending_reports_its_error() {
        let mut res = http::Response::new(());
        let pending = pending(res.extensions_mut());
        let on_upgrade = on(&mut res);
        pending.fail(Error::new(ErrorKind::NoUpgrade));
        assert_eq!(on_upgrade.await.unwrap_err().kind(), ErrorKind::NoUpgrade);
    }
}

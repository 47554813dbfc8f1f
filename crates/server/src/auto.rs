//! Automatic protocol detection: HTTP/1 and cleartext HTTP/2 ("h2c" with prior knowledge)
//! on the same port.
//!
//! An HTTP/2 client with prior knowledge opens with a fixed 24-byte preface (RFC 9113
//! section 3.4); no HTTP/1 request starts that way (its method would be `PRI`, which HTTP/1
//! servers never serve). So the server reads the first bytes and compares:
//!
//! ```text
//!  read ─► bytes so far == the preface's first bytes? ── no ──► HTTP/1 (decided at the
//!   ▲               │ yes                                        first byte that differs,
//!   └─ fewer than 24┘                                            usually the first one)
//!                   │ all 24
//!                   ▼
//!                HTTP/2
//! ```
//!
//! The whole detection is bounded by [`Timeouts::detection`](crate::Timeouts::detection):
//! a peer that connects and sends nothing, or only the start of the preface, is closed
//! when it runs out. The bytes read are not lost: [`Rewind`] hands them to the chosen
//! protocol's driver before anything else from the socket.

use std::io;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Buf, Bytes};
use http::{Request, Response};
use spire_body::Body;
use spire_conn::Incoming;
use spire_conn::server::{http1, http2};
use spire_service::{BoxError, Service};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

use crate::accept::ConnectionInfo;
use crate::conn_service::ConnService;
use crate::error::{Error, ErrorKind};
use crate::graceful::{GracefulShutdown, Phase, Watcher};
use crate::stats::Stats;
use crate::timeouts::WriteTimeout;

/// The HTTP/2 connection preface a client sends first (RFC 9113 section 3.4).
pub(crate) const PREFACE: &[u8; 24] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// What the first bytes of a connection said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Detected {
    /// Anything but the preface; the bytes read so far.
    Http1(Bytes),
    /// The whole preface.
    Http2(Bytes),
    /// The peer closed (or half-closed) before the protocol could be told.
    Closed,
}

/// Reads until the protocol is known, with no time limit (see [`detect_within`]).
///
/// # Cancel safety
///
/// Not cancel safe: bytes read before the cancellation are lost. The server only cancels
/// it to close the connection.
pub(crate) async fn detect<Io: AsyncRead + Unpin>(io: &mut Io) -> io::Result<Detected> {
    let mut buf = [0u8; PREFACE.len()];
    let mut filled = 0;
    loop {
        // Read no further than the preface: whatever follows belongs to the driver.
        let n = io.read(&mut buf[filled..]).await?;
        if n == 0 {
            // Only bytes that match the preface can be here: a mismatch returns at once.
            return Ok(Detected::Closed);
        }
        filled += n;
        if buf[..filled] != PREFACE[..filled] {
            return Ok(Detected::Http1(Bytes::copy_from_slice(&buf[..filled])));
        }
        if filled == PREFACE.len() {
            return Ok(Detected::Http2(Bytes::copy_from_slice(&buf)));
        }
    }
}

/// [`detect`], bounded by `timeout` (`None`: unbounded).
///
/// # Errors
///
/// [`ErrorKind::DetectionTimeout`] when the time runs out, [`ErrorKind::Io`] when reading
/// fails.
pub(crate) async fn detect_within<Io: AsyncRead + Unpin>(
    io: &mut Io,
    timeout: Option<Duration>,
) -> Result<Detected, Error> {
    let detected = match timeout {
        Some(timeout) => tokio::time::timeout(timeout, detect(io))
            .await
            .map_err(|_| Error::new(ErrorKind::DetectionTimeout))?,
        None => detect(io).await,
    };
    detected.map_err(|err| Error::new(ErrorKind::Io).with(err))
}

/// What every connection task needs: the protocol builders, with the timeout profile
/// already applied, and the timeouts spire-server enforces itself.
#[derive(Debug)]
pub(crate) struct ConnConfig {
    pub(crate) http1: http1::Builder,
    pub(crate) http2: http2::Builder,
    pub(crate) detection: Option<Duration>,
    /// The HTTP/2 write timeout (the HTTP/1 driver has its own).
    pub(crate) write: Option<Duration>,
    /// Whether each request gets the `ConnectionInfo` extension.
    pub(crate) connection_info_in_requests: bool,
}

/// Serves one accepted connection from start to end: makes its service, detects the
/// protocol, and drives the protocol's connection, shutting it down gracefully when the
/// server drains and dropping it when the server closes.
///
/// # Errors
///
/// Whatever ended the connection abnormally; the caller logs it.
pub(crate) async fn serve_connection<F, S, E, B>(
    mut socket: TcpStream,
    info: ConnectionInfo,
    make: F,
    config: Arc<ConnConfig>,
    mut watcher: Watcher,
    stats: Stats,
) -> Result<(), Error>
where
    F: Future<Output = Result<S, E>>,
    E: Into<BoxError>,
    S: Service<Request<Incoming>, Response = Response<B>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    // Until a protocol is chosen there is nothing in flight: draining closes at once.
    let Some(made) = watcher.until(Phase::Draining, make).await else {
        return Ok(());
    };
    let service = made.map_err(|err| Error::new(ErrorKind::MakeService).with(err))?;
    let service = ConnService::new(
        service,
        config.connection_info_in_requests.then_some(info),
        stats,
    );

    let detect = detect_within(&mut socket, config.detection);
    let Some(detected) = watcher.until(Phase::Draining, detect).await else {
        return Ok(());
    };
    match detected? {
        Detected::Closed => {
            tracing::debug!("peer closed before sending a request");
            Ok(())
        }
        Detected::Http2(prefix) => {
            tracing::Span::current().record("protocol", "h2");
            let io = WriteTimeout::new(Rewind::new(socket, prefix), config.write);
            drive(config.http2.serve_connection(io, service), watcher).await
        }
        Detected::Http1(prefix) => {
            tracing::Span::current().record("protocol", "http/1");
            let io = Rewind::new(socket, prefix);
            // The `Connection` future hands the socket over on an upgrade by itself.
            drive(config.http1.serve_connection(io, service), watcher).await
        }
    }
}

/// Drives a protocol connection through the server's phases.
async fn drive<C>(conn: C, mut watcher: Watcher) -> Result<(), Error>
where
    C: GracefulShutdown<Output = Result<(), spire_conn::Error>>,
{
    let mut conn = pin!(conn);
    if let Some(result) = watcher.until(Phase::Draining, conn.as_mut()).await {
        return result.map_err(Error::from);
    }
    tracing::debug!("draining");
    conn.as_mut().graceful_shutdown();
    match watcher.until(Phase::Closing, conn).await {
        Some(result) => result.map_err(Error::from),
        None => Err(Error::new(ErrorKind::DrainTimeout)),
    }
}

impl<Io, S, B> GracefulShutdown for http1::Connection<Io, S>
where
    Io: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    S: Service<Request<Incoming>, Response = Response<B>>,
    S::Error: Into<BoxError>,
    B: Body,
    B::Error: Into<BoxError>,
{
    fn graceful_shutdown(self: Pin<&mut Self>) {
        Self::graceful_shutdown(self);
    }
}

impl<Io, S, B> GracefulShutdown for http2::Connection<Io, S>
where
    Io: AsyncRead + AsyncWrite + Unpin,
    S: Service<Request<Incoming>, Response = Response<B>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    fn graceful_shutdown(self: Pin<&mut Self>) {
        Self::graceful_shutdown(self);
    }
}

/// An IO that returns some bytes already read before reading on from the inner IO.
///
/// Writes go straight to the inner IO.
#[derive(Debug)]
pub(crate) struct Rewind<Io> {
    prefix: Bytes,
    io: Io,
}

impl<Io> Rewind<Io> {
    pub(crate) fn new(io: Io, prefix: Bytes) -> Self {
        Self { prefix, io }
    }
}

impl<Io: AsyncRead + Unpin> AsyncRead for Rewind<Io> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if !this.prefix.is_empty() {
            let n = this.prefix.len().min(buf.remaining());
            buf.put_slice(&this.prefix[..n]);
            this.prefix.advance(n);
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.io).poll_read(cx, buf)
    }
}

impl<Io: AsyncWrite + Unpin> AsyncWrite for Rewind<Io> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    async fn detect_bytes(chunks: &[&[u8]], close: bool) -> Detected {
        let (mut client, mut server) = tokio::io::duplex(1024);
        for chunk in chunks {
            client.write_all(chunk).await.unwrap();
        }
        if close {
            drop(client);
            detect(&mut server).await.unwrap()
        } else {
            let detected = detect(&mut server).await.unwrap();
            drop(client);
            detected
        }
    }

    #[tokio::test]
    async fn http1_is_decided_at_the_first_differing_byte() {
        // One byte is enough: the detector must not wait for more.
        assert_eq!(
            detect_bytes(&[b"G"], false).await,
            Detected::Http1(Bytes::from_static(b"G"))
        );
        // `P` matches, `O` does not.
        assert_eq!(
            detect_bytes(&[b"PO"], false).await,
            Detected::Http1(Bytes::from_static(b"PO"))
        );
        assert_eq!(
            detect_bytes(&[b"PRI * HTTP/1.1\r\n"], false).await,
            Detected::Http1(Bytes::from_static(b"PRI * HTTP/1.1\r\n"))
        );
    }

    #[tokio::test]
    async fn the_full_preface_in_pieces_is_http2() {
        let detected = detect_bytes(&[&PREFACE[..3], &PREFACE[3..10], &PREFACE[10..]], false).await;
        assert_eq!(detected, Detected::Http2(Bytes::from_static(PREFACE)));
    }

    #[tokio::test]
    async fn bytes_after_the_preface_are_left_in_the_socket() {
        let (mut client, mut server) = tokio::io::duplex(1024);
        client.write_all(PREFACE).await.unwrap();
        client.write_all(b"\x00\x00\x00\x04").await.unwrap();
        assert!(matches!(
            detect(&mut server).await.unwrap(),
            Detected::Http2(_)
        ));
        let mut rest = [0; 4];
        server.read_exact(&mut rest).await.unwrap();
        assert_eq!(&rest, b"\x00\x00\x00\x04");
    }

    #[tokio::test]
    async fn eof_before_deciding_is_closed() {
        assert_eq!(detect_bytes(&[], true).await, Detected::Closed);
        assert_eq!(detect_bytes(&[b"PRI * "], true).await, Detected::Closed);
    }

    #[tokio::test(start_paused = true)]
    async fn a_partial_preface_times_out() {
        let (mut client, mut server) = tokio::io::duplex(1024);
        client.write_all(b"PRI").await.unwrap();
        let err = detect_within(&mut server, Some(Duration::from_secs(2)))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::DetectionTimeout);
        drop(client);
    }

    #[tokio::test]
    async fn rewind_replays_the_prefix_then_reads_on_and_writes_through() {
        let (mut client, server) = tokio::io::duplex(1024);
        let mut io = Rewind::new(server, Bytes::from_static(b"GET "));
        client.write_all(b"/ HTTP/1.1\r\n").await.unwrap();
        let mut small = [0; 2];
        io.read_exact(&mut small).await.unwrap();
        assert_eq!(&small, b"GE");
        let mut rest = [0; 14];
        io.read_exact(&mut rest).await.unwrap();
        assert_eq!(&rest, b"T / HTTP/1.1\r\n");
        io.write_all(b"ok").await.unwrap();
        let mut reply = [0; 2];
        client.read_exact(&mut reply).await.unwrap();
        assert_eq!(&reply, b"ok");
    }
}

//! Serve one HTTP/2 connection: a [`Builder`] with the settings, and the [`Connection`] future
//! that drives it.
//!
//! The `h2` crate speaks the protocol (frames, HPACK, streams, flow-control accounting); this
//! module is the glue between it and a [`Service`]. The connection future accepts streams and
//! spawns one task per stream (see `stream.rs`); each task calls a clone of the service and
//! streams the response back under the peer's flow control.
//!
//! ```text
//!  socket ◄──► h2::server::Connection ──accept──► stream task ──► service.clone().call(req)
//!                ▲   (Connection future:           │
//!                │    accept, pings, idle timer)   ▼
//!                └───────── HEADERS, DATA (as the window allows), trailers
//! ```
//!
//! # What each stream gets
//!
//! - The request body is an [`Incoming`] with an exact size hint when `content-length` was
//!   sent; reading it gives flow-control window back to the peer.
//! - The response goes out under the peer's flow control: the body is only polled when the
//!   peer's window has room, so a client that stops reading stops the body's producer.
//!   `content-length` is added from an exact size hint, trailers are sent as a final HEADERS
//!   frame, and a `date` header is added unless [turned off](Builder::date_header).
//! - A response to `HEAD` ends with its head; its body is dropped unpolled (RFC 9110
//!   section 9.3.2; hyper sends the body).
//! - A service error is answered with an empty `500 Internal Server Error`, as over HTTP/1; a
//!   body that fails after the head went out resets the stream with `INTERNAL_ERROR`, so the
//!   client never mistakes a truncated body for a whole one.
//! - If the client resets the stream, the service's future (or the response body) is dropped.
//! - `CONNECT` requests get an empty body; a `2xx` answer hands the stream to
//!   [`upgrade::on`](crate::upgrade::on).
//!
//! # Defaults and what they protect against
//!
//! | setting | default | protects against |
//! | --- | --- | --- |
//! | [`max_concurrent_streams`](Builder::max_concurrent_streams) | 200 | a peer opening unbounded work at once |
//! | [`max_pending_accept_reset_streams`](Builder::max_pending_accept_reset_streams) | 20 | "rapid reset" (CVE-2023-44487): open and cancel streams faster than they are served |
//! | [`max_local_error_reset_streams`](Builder::max_local_error_reset_streams) | 1024 | a peer provoking resets with malformed frames (`MadeYouReset`) |
//! | [`max_header_list_size`](Builder::max_header_list_size) | 16 KiB | huge header blocks, and CONTINUATION floods (h2 stops buffering a block past this size) |
//! | [`initial_stream_window_size`](Builder::initial_stream_window_size) | 1 MiB | a peer sending more body than the service asked for |
//! | [`initial_connection_window_size`](Builder::initial_connection_window_size) | 1 MiB | the same, summed over all streams |
//! | [`max_frame_size`](Builder::max_frame_size) | 16 KiB | large frames buffered whole before they can be checked |
//! | [`max_send_buf_size`](Builder::max_send_buf_size) | 400 KiB | response data queued per stream beyond what the peer accepts |
//! | [`keep_alive_interval`](Builder::keep_alive_interval) | off | (when on) dead peers holding a connection open |
//! | [`idle_timeout`](Builder::idle_timeout) | 5 min | idle connections held open forever |
//!
//! The window and frame sizes are hyper's defaults too: 1 MiB windows let one stream move
//! about 1 MiB per round trip, which fills a 100 Mbit/s link at 80 ms, while bounding what one
//! connection can make the server hold.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Bytes;
use futures_util::task::AtomicWaker;
use spire_body::Body;
use spire_service::{BoxError, Service};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::{Instant, Sleep};
use tracing::Instrument;

use crate::error::{Error, ErrorKind};
use crate::incoming::Incoming;
use crate::ping::{KeepAliveConfig, Pinger, Ponged, Recorder};

mod stream;

/// The largest flow-control window HTTP/2 allows: 2^31 - 1 (RFC 9113 section 6.9.1).
const MAX_WINDOW_SIZE: u32 = (1 << 31) - 1;
/// The smallest and largest `SETTINGS_MAX_FRAME_SIZE` (RFC 9113 section 6.5.2).
const MIN_FRAME_SIZE: u32 = 16_384;
const MAX_FRAME_SIZE: u32 = (1 << 24) - 1;

/// Settings for serving HTTP/2 connections; ends in [`serve_connection`](Self::serve_connection).
///
/// One builder can serve any number of connections: `serve_connection` copies the settings.
/// Setters take `&mut self` and return `&mut Self`, so they chain. The defaults (see the
/// [module documentation](self)) are chosen to be at least as safe as hyper's.
///
/// # Examples
///
/// ```no_run
/// use std::convert::Infallible;
/// use std::time::Duration;
///
/// use bytes::Bytes;
/// use spire_body::Full;
/// use spire_conn::{Incoming, server::http2::Builder};
/// use spire_service::service_fn;
///
/// # #[tokio::main]
/// # async fn main() -> std::io::Result<()> {
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
/// let mut builder = Builder::new();
/// builder
///     .max_concurrent_streams(100)
///     .keep_alive_interval(Duration::from_secs(30));
/// loop {
///     let (socket, _) = listener.accept().await?;
///     let service = service_fn(|_req: http::Request<Incoming>| async {
///         Ok::<_, Infallible>(http::Response::new(Full::new(Bytes::from_static(b"hello"))))
///     });
///     let conn = builder.serve_connection(socket, service);
///     tokio::spawn(async move {
///         if let Err(err) = conn.await {
///             eprintln!("connection failed: {err}");
///         }
///     });
/// }
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Builder {
    max_concurrent_streams: Option<u32>,
    initial_stream_window_size: u32,
    initial_connection_window_size: u32,
    adaptive_window: bool,
    max_frame_size: u32,
    max_header_list_size: u32,
    max_send_buf_size: usize,
    keep_alive_interval: Option<Duration>,
    keep_alive_timeout: Duration,
    max_pending_accept_reset_streams: usize,
    max_local_error_reset_streams: Option<usize>,
    enable_connect_protocol: bool,
    idle_timeout: Option<Duration>,
    date_header: bool,
    informational_responses: bool,
}

impl Default for Builder {
    fn default() -> Self {
        Self {
            max_concurrent_streams: Some(200),
            initial_stream_window_size: 1024 * 1024,
            initial_connection_window_size: 1024 * 1024,
            adaptive_window: false,
            max_frame_size: MIN_FRAME_SIZE,
            max_header_list_size: 16 * 1024,
            max_send_buf_size: 400 * 1024,
            keep_alive_interval: None,
            keep_alive_timeout: Duration::from_secs(20),
            max_pending_accept_reset_streams: 20,
            max_local_error_reset_streams: Some(1024),
            enable_connect_protocol: false,
            idle_timeout: Some(Duration::from_secs(300)),
            date_header: true,
            informational_responses: false,
        }
    }
}

impl Builder {
    /// Creates a builder with the default settings.
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = spire_conn::server::http2::Builder::new();
    /// # let _ = builder;
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `SETTINGS_MAX_CONCURRENT_STREAMS`: how many streams the peer may have open at once.
    ///
    /// Streams past the limit are refused by h2 with `REFUSED_STREAM`. `None` announces no
    /// limit, which lets one peer start unbounded work. Default: 200.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut builder = spire_conn::server::http2::Builder::new();
    /// builder.max_concurrent_streams(50);
    /// ```
    pub fn max_concurrent_streams(&mut self, max: impl Into<Option<u32>>) -> &mut Self {
        self.max_concurrent_streams = max.into();
        self
    }

    /// Sets the initial flow-control window of each stream, in bytes: how much request body
    /// the peer may send before the service reads it.
    ///
    /// Values above 2^31 - 1 are lowered to it. Ignored once the adaptive window is on.
    /// Default: 1 MiB.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut builder = spire_conn::server::http2::Builder::new();
    /// builder.initial_stream_window_size(256 * 1024);
    /// ```
    pub fn initial_stream_window_size(&mut self, size: u32) -> &mut Self {
        self.initial_stream_window_size = size.min(MAX_WINDOW_SIZE);
        self
    }

    /// Sets the connection-level flow-control window, in bytes: how much request body, over
    /// all streams, the peer may send before services read it.
    ///
    /// Values above 2^31 - 1 are lowered to it. Ignored once the adaptive window is on.
    /// Default: 1 MiB.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut builder = spire_conn::server::http2::Builder::new();
    /// builder.initial_connection_window_size(4 * 1024 * 1024);
    /// ```
    pub fn initial_connection_window_size(&mut self, size: u32) -> &mut Self {
        self.initial_connection_window_size = size.min(MAX_WINDOW_SIZE);
        self
    }

    /// Turns the adaptive window on or off.
    ///
    /// When on, the connection measures, with PINGs, how much data the services read per
    /// round trip, and grows both windows (from 64 KiB up to 16 MiB) when they are what
    /// limits throughput. The fixed window sizes above are then ignored. Default: off.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut builder = spire_conn::server::http2::Builder::new();
    /// builder.adaptive_window(true);
    /// ```
    pub fn adaptive_window(&mut self, enabled: bool) -> &mut Self {
        self.adaptive_window = enabled;
        self
    }

    /// Sets `SETTINGS_MAX_FRAME_SIZE`: the largest frame payload the peer may send.
    ///
    /// HTTP/2 allows 16,384 to 16,777,215 bytes (RFC 9113 section 6.5.2); values outside are
    /// moved to the nearest end. Default: 16 KiB.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut builder = spire_conn::server::http2::Builder::new();
    /// builder.max_frame_size(64 * 1024);
    /// ```
    pub fn max_frame_size(&mut self, size: u32) -> &mut Self {
        self.max_frame_size = size.clamp(MIN_FRAME_SIZE, MAX_FRAME_SIZE);
        self
    }

    /// Sets `SETTINGS_MAX_HEADER_LIST_SIZE`: the largest header list accepted, in bytes
    /// (names plus values plus 32 per field, uncompressed).
    ///
    /// h2 also uses it to bound how much of a header block (HEADERS plus CONTINUATION frames)
    /// it buffers, which is the defence against CONTINUATION floods. Default: 16 KiB.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut builder = spire_conn::server::http2::Builder::new();
    /// builder.max_header_list_size(8 * 1024);
    /// ```
    pub fn max_header_list_size(&mut self, max: u32) -> &mut Self {
        self.max_header_list_size = max;
        self
    }

    /// Sets how many bytes of response data one stream may queue beyond what the peer's
    /// window accepts.
    ///
    /// Values above `u32::MAX` are lowered to it. Default: 400 KiB.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut builder = spire_conn::server::http2::Builder::new();
    /// builder.max_send_buf_size(64 * 1024);
    /// ```
    pub fn max_send_buf_size(&mut self, max: usize) -> &mut Self {
        self.max_send_buf_size = max.min(u32::MAX as usize);
        self
    }

    /// Sets how often to send a keep-alive PING; `None` turns keep-alive off.
    ///
    /// A peer that does not answer within [`keep_alive_timeout`](Self::keep_alive_timeout)
    /// is considered gone, and the connection fails with an error whose
    /// [`is_timeout`](Error::is_timeout) is true. Pings go out whether or not streams are
    /// open. Default: off.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let mut builder = spire_conn::server::http2::Builder::new();
    /// builder.keep_alive_interval(Duration::from_secs(20));
    /// ```
    pub fn keep_alive_interval(&mut self, interval: impl Into<Option<Duration>>) -> &mut Self {
        self.keep_alive_interval = interval.into();
        self
    }

    /// Sets how long to wait for the answer to a keep-alive PING.
    ///
    /// Only used when [`keep_alive_interval`](Self::keep_alive_interval) is set. Default: 20 s.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let mut builder = spire_conn::server::http2::Builder::new();
    /// builder
    ///     .keep_alive_interval(Duration::from_secs(20))
    ///     .keep_alive_timeout(Duration::from_secs(5));
    /// ```
    pub fn keep_alive_timeout(&mut self, timeout: Duration) -> &mut Self {
        self.keep_alive_timeout = timeout;
        self
    }

    /// Sets how many streams the peer may open and reset before they are accepted.
    ///
    /// This is the defence against the "rapid reset" attack (CVE-2023-44487): past the limit
    /// the connection is closed with GOAWAY `ENHANCE_YOUR_CALM`. Default: 20.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut builder = spire_conn::server::http2::Builder::new();
    /// builder.max_pending_accept_reset_streams(10);
    /// ```
    pub fn max_pending_accept_reset_streams(&mut self, max: usize) -> &mut Self {
        self.max_pending_accept_reset_streams = max;
        self
    }

    /// Sets how many streams the server may reset because of the peer's protocol errors
    /// before it closes the connection with GOAWAY `ENHANCE_YOUR_CALM`.
    ///
    /// `None` removes the limit, which exposes the server to floods of provoked resets.
    /// Default: 1024.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut builder = spire_conn::server::http2::Builder::new();
    /// builder.max_local_error_reset_streams(256);
    /// ```
    pub fn max_local_error_reset_streams(&mut self, max: impl Into<Option<usize>>) -> &mut Self {
        self.max_local_error_reset_streams = max.into();
        self
    }

    /// Enables the extended CONNECT protocol (RFC 8441), which carries websockets over HTTP/2.
    ///
    /// The server announces `SETTINGS_ENABLE_CONNECT_PROTOCOL`; a `CONNECT` request with a
    /// `:protocol` then reaches the service, which can take the stream over with
    /// [`upgrade::on`](crate::upgrade::on) and a `2xx` answer. Default: off.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut builder = spire_conn::server::http2::Builder::new();
    /// builder.enable_connect_protocol();
    /// ```
    pub fn enable_connect_protocol(&mut self) -> &mut Self {
        self.enable_connect_protocol = true;
        self
    }

    /// Sets how long a connection may stay with no open stream before it is closed
    /// gracefully (GOAWAY, then the connection future resolves to `Ok`); `None` keeps idle
    /// connections open forever. Default: 5 minutes.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let mut builder = spire_conn::server::http2::Builder::new();
    /// builder.idle_timeout(Duration::from_secs(60));
    /// ```
    pub fn idle_timeout(&mut self, timeout: impl Into<Option<Duration>>) -> &mut Self {
        self.idle_timeout = timeout.into();
        self
    }

    /// Sets whether responses without a `date` header get one (RFC 9110 section 6.6.1).
    ///
    /// The value comes from a cache rendered at most once per second. Default: on.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut builder = spire_conn::server::http2::Builder::new();
    /// builder.date_header(false);
    /// ```
    pub fn date_header(&mut self, enabled: bool) -> &mut Self {
        self.date_header = enabled;
        self
    }

    /// Sets whether each request carries an
    /// [`InformationalSender`](crate::informational::InformationalSender) in its extensions,
    /// through which the service can send `103 Early Hints` and other interim (1xx) heads
    /// before its final response; they go out as HEADERS frames on the stream. Default: off,
    /// as for HTTP/1.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut builder = spire_conn::server::http2::Builder::new();
    /// builder.informational_responses(true);
    /// ```
    pub fn informational_responses(&mut self, enabled: bool) -> &mut Self {
        self.informational_responses = enabled;
        self
    }

    /// Starts serving `io` with `service`; the returned [`Connection`] must be awaited (or
    /// spawned) to make progress.
    ///
    /// `io` must be at the start of an HTTP/2 connection: after TLS negotiated `h2` with
    /// ALPN, or a cleartext socket whose peer knows it speaks HTTP/2 ("prior knowledge";
    /// spire-server detects the connection preface).
    ///
    /// Each request goes to a clone of `service`, called in a task spawned with
    /// [`tokio::spawn`], so this must run inside a tokio runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::convert::Infallible;
    ///
    /// use bytes::Bytes;
    /// use spire_body::Empty;
    /// use spire_conn::{Incoming, server::http2::Builder};
    /// use spire_service::service_fn;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (io, _client) = tokio::io::duplex(64 * 1024);
    /// let service = service_fn(|_req: http::Request<Incoming>| async {
    ///     Ok::<_, Infallible>(http::Response::new(Empty::<Bytes>::new()))
    /// });
    /// let conn = Builder::new().serve_connection(io, service);
    /// # drop(conn);
    /// # }
    /// ```
    pub fn serve_connection<Io, S>(&self, io: Io, service: S) -> Connection<Io, S>
    where
        Io: AsyncRead + AsyncWrite + Unpin,
    {
        let mut h2 = h2::server::Builder::new();
        h2.initial_window_size(self.stream_window())
            .initial_connection_window_size(self.connection_window())
            .max_frame_size(self.max_frame_size)
            .max_header_list_size(self.max_header_list_size)
            .max_send_buffer_size(self.max_send_buf_size)
            .max_pending_accept_reset_streams(self.max_pending_accept_reset_streams)
            .max_local_error_reset_streams(self.max_local_error_reset_streams);
        if let Some(max) = self.max_concurrent_streams {
            h2.max_concurrent_streams(max);
        }
        if self.enable_connect_protocol {
            h2.enable_connect_protocol();
        }
        let span = tracing::debug_span!("http2_connection");
        span.in_scope(|| tracing::debug!("handshake started"));
        Connection {
            state: State::Handshaking {
                handshake: Box::pin(h2.handshake(io)),
                service: Some(service),
            },
            config: self.clone(),
            shutdown_requested: false,
            span,
        }
    }

    fn stream_window(&self) -> u32 {
        if self.adaptive_window {
            u32::from(u16::MAX)
        } else {
            self.initial_stream_window_size
        }
    }

    fn connection_window(&self) -> u32 {
        if self.adaptive_window {
            u32::from(u16::MAX)
        } else {
            self.initial_connection_window_size
        }
    }
}

type Handshake<Io> = Pin<Box<h2::server::Handshake<Io, Bytes>>>;

/// One HTTP/2 connection being served: a future that resolves when the connection ends.
///
/// Created by [`Builder::serve_connection`]. It performs the handshake, then accepts streams
/// and spawns a task for each one, until the peer closes the connection, an error occurs,
/// or a [graceful shutdown](Self::graceful_shutdown) completes. Stream tasks need the
/// connection future to keep being polled: it is what reads and writes the socket.
///
/// # Examples
///
/// ```no_run
/// use std::convert::Infallible;
///
/// use bytes::Bytes;
/// use spire_body::Full;
/// use spire_conn::{Incoming, server::http2::Builder};
/// use spire_service::service_fn;
///
/// # #[tokio::main]
/// # async fn main() -> std::io::Result<()> {
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
/// let (socket, _) = listener.accept().await?;
/// let service = service_fn(|_req: http::Request<Incoming>| async {
///     Ok::<_, Infallible>(http::Response::new(Full::new(Bytes::from_static(b"hi"))))
/// });
/// let (_stop, stop_requested) = tokio::sync::oneshot::channel::<()>();
/// let conn = Builder::new().serve_connection(socket, service);
/// let mut conn = std::pin::pin!(conn);
/// tokio::select! {
///     result = conn.as_mut() => result.map_err(std::io::Error::other)?,
///     _ = stop_requested => {
///         conn.as_mut().graceful_shutdown();
///         conn.await.map_err(std::io::Error::other)?;
///     }
/// }
/// # Ok(())
/// # }
/// ```
///
/// # Errors
///
/// Resolves to an [`Error`] when the handshake fails, the transport fails
/// ([`is_io`](Error::is_io)), the peer breaks the protocol or trips a limit
/// ([`is_protocol`](Error::is_protocol); h2 sends GOAWAY first), or a keep-alive PING goes
/// unanswered ([`is_timeout`](Error::is_timeout)). Failures of a single stream (a service
/// error, a reset) do not fail the connection.
///
/// # Cancel safety
///
/// Dropping the future closes the connection at once, without GOAWAY; stream tasks still
/// running see their streams fail. Use [`graceful_shutdown`](Self::graceful_shutdown) and
/// keep polling for an orderly close.
#[must_use = "futures do nothing unless polled"]
pub struct Connection<Io, S> {
    state: State<Io, S>,
    config: Builder,
    /// `graceful_shutdown` was called during the handshake.
    shutdown_requested: bool,
    span: tracing::Span,
}

// The connection never pins anything it holds in place: the handshake is boxed, and the
// service is only ever cloned or moved. So it can be `Unpin` whatever `S` is, which lets
// `poll` and `graceful_shutdown` work on `&mut Self`.
impl<Io, S> Unpin for Connection<Io, S> {}

enum State<Io, S> {
    Handshaking {
        handshake: Handshake<Io>,
        service: Option<S>,
    },
    Serving(Box<Serving<Io, S>>),
    Closed,
}

/// The connection after the handshake.
struct Serving<Io, S> {
    conn: h2::server::Connection<Io, Bytes>,
    service: S,
    pinger: Option<Pinger>,
    recorder: Recorder,
    active: Arc<ActiveStreams>,
    idle: Option<IdleTimer>,
    /// GOAWAY has been started; no new idle timer or second shutdown.
    closing: bool,
    date_header: bool,
    informational: bool,
}

struct IdleTimer {
    timeout: Duration,
    sleep: Pin<Box<Sleep>>,
    armed: bool,
}

impl<Io, S> Connection<Io, S>
where
    Io: AsyncRead + AsyncWrite + Unpin,
{
    /// Starts a graceful shutdown: stop accepting new streams, finish the ones in progress,
    /// then close.
    ///
    /// The peer receives a GOAWAY, then (after a PING round trip, so that streams it opened
    /// in the meantime are counted) a final GOAWAY naming the last stream the server will
    /// serve; streams after it are refused and the client may retry them elsewhere. Keep
    /// polling the connection afterwards: it resolves once the accepted streams have finished.
    /// Called during the handshake, the shutdown starts as soon as the handshake completes.
    /// Calling it again has no further effect.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::convert::Infallible;
    ///
    /// use bytes::Bytes;
    /// use spire_body::Empty;
    /// use spire_conn::{Incoming, server::http2::Builder};
    /// use spire_service::service_fn;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (io, _client) = tokio::io::duplex(64 * 1024);
    /// let service = service_fn(|_req: http::Request<Incoming>| async {
    ///     Ok::<_, Infallible>(http::Response::new(Empty::<Bytes>::new()))
    /// });
    /// let mut conn = Box::pin(Builder::new().serve_connection(io, service));
    /// conn.as_mut().graceful_shutdown();
    /// // Polling `conn` now completes the handshake (if the peer does), sends GOAWAY and
    /// // resolves once in-flight streams are done.
    /// # }
    /// ```
    pub fn graceful_shutdown(self: Pin<&mut Self>) {
        let this = self.get_mut();
        let _entered = this.span.enter();
        match &mut this.state {
            State::Handshaking { .. } => this.shutdown_requested = true,
            State::Serving(serving) => serving.start_shutdown(),
            State::Closed => {}
        }
    }
}

impl<Io, S> Serving<Io, S>
where
    Io: AsyncRead + AsyncWrite + Unpin,
{
    fn start_shutdown(&mut self) {
        if !self.closing {
            tracing::debug!("graceful shutdown: sending GOAWAY");
            self.conn.graceful_shutdown();
            self.closing = true;
        }
    }
}

impl<Io, S, B> Future for Connection<Io, S>
where
    Io: AsyncRead + AsyncWrite + Unpin,
    S: Service<http::Request<Incoming>, Response = http::Response<B>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    type Output = Result<(), Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let _entered = this.span.enter();
        loop {
            match &mut this.state {
                State::Handshaking { handshake, service } => {
                    let conn = match ready!(handshake.as_mut().poll(cx)) {
                        Ok(conn) => conn,
                        Err(err) => {
                            this.state = State::Closed;
                            tracing::debug!(error = %err, "handshake failed");
                            return Poll::Ready(Err(Error::from_h2(err)));
                        }
                    };
                    let Some(service) = service.take() else {
                        this.state = State::Closed;
                        return Poll::Ready(Ok(()));
                    };
                    tracing::debug!("handshake complete");
                    let mut serving = Serving::new(conn, service, &this.config);
                    if this.shutdown_requested {
                        serving.start_shutdown();
                    }
                    this.state = State::Serving(Box::new(serving));
                }
                State::Serving(serving) => {
                    let result = ready!(serving.poll(cx, &this.span));
                    this.state = State::Closed;
                    match &result {
                        Ok(()) => tracing::debug!("connection closed"),
                        Err(err) => tracing::debug!(error = %err, "connection failed"),
                    }
                    return Poll::Ready(result);
                }
                State::Closed => return Poll::Ready(Ok(())),
            }
        }
    }
}

impl<Io, S> Serving<Io, S>
where
    Io: AsyncRead + AsyncWrite + Unpin,
{
    fn new(mut conn: h2::server::Connection<Io, Bytes>, service: S, config: &Builder) -> Self {
        let keep_alive = config.keep_alive_interval.map(|interval| KeepAliveConfig {
            interval,
            timeout: config.keep_alive_timeout,
        });
        let adaptive = config.adaptive_window.then_some(u32::from(u16::MAX));
        let (pinger, recorder) = match conn.ping_pong() {
            Some(ping_pong) => Pinger::new(ping_pong, adaptive, keep_alive),
            None => (None, Recorder::default()),
        };
        let idle = config.idle_timeout.map(|timeout| IdleTimer {
            timeout,
            sleep: Box::pin(tokio::time::sleep(timeout)),
            armed: false,
        });
        Self {
            conn,
            service,
            pinger,
            recorder,
            active: Arc::new(ActiveStreams::default()),
            idle,
            closing: false,
            date_header: config.date_header,
            informational: config.informational_responses,
        }
    }

    fn poll<B>(&mut self, cx: &mut Context<'_>, span: &tracing::Span) -> Poll<Result<(), Error>>
    where
        S: Service<http::Request<Incoming>, Response = http::Response<B>> + Clone + Send + 'static,
        S::Future: Send + 'static,
        S::Error: Into<BoxError>,
        B: Body + Send + 'static,
        B::Data: Send,
        B::Error: Into<BoxError>,
    {
        loop {
            if let Some(err) = self.poll_pings(cx) {
                return Poll::Ready(Err(err));
            }

            match self.conn.poll_accept(cx) {
                Poll::Ready(Some(Ok((request, respond)))) => {
                    self.spawn_stream(request, respond, span);
                    continue;
                }
                Poll::Ready(Some(Err(err))) => {
                    if is_clean_goaway(&err) {
                        return Poll::Ready(Ok(()));
                    }
                    // After our GOAWAY, a peer that hangs up without waiting for the final
                    // frames has done what we asked: close.
                    if self.closing && err.is_io() {
                        tracing::debug!(error = %err, "peer closed during graceful shutdown");
                        return Poll::Ready(Ok(()));
                    }
                    return Poll::Ready(Err(Error::from_h2(err)));
                }
                Poll::Ready(None) => return Poll::Ready(Ok(())),
                Poll::Pending => {}
            }

            if self.poll_idle(cx) {
                // GOAWAY queued: poll h2 again so it gets written.
                continue;
            }
            return Poll::Pending;
        }
    }

    /// Drives keep-alive and the adaptive window; returns an error when the peer is gone.
    fn poll_pings(&mut self, cx: &mut Context<'_>) -> Option<Error> {
        let pinger = self.pinger.as_mut()?;
        loop {
            match pinger.poll(cx) {
                Poll::Pending => return None,
                Poll::Ready(Ponged::WindowUpdate(window)) => {
                    tracing::debug!(window, "adaptive window grows");
                    self.conn.set_target_window_size(window);
                    if let Err(err) = self.conn.set_initial_window_size(window) {
                        tracing::debug!(error = %err, "could not update the stream window");
                    }
                }
                Poll::Ready(Ponged::KeepAliveTimedOut) => {
                    tracing::debug!("keep-alive ping timed out");
                    self.conn.abrupt_shutdown(h2::Reason::NO_ERROR);
                    return Some(Error::new(ErrorKind::KeepAliveTimeout));
                }
            }
        }
    }

    /// Runs the idle timer; returns `true` when it just started a graceful shutdown.
    fn poll_idle(&mut self, cx: &mut Context<'_>) -> bool {
        if self.closing {
            return false;
        }
        let Some(idle) = self.idle.as_mut() else {
            return false;
        };
        self.active.waker.register(cx.waker());
        if self.active.count.load(Ordering::Acquire) > 0 {
            idle.armed = false;
            return false;
        }
        if !idle.armed {
            idle.armed = true;
            let deadline = Instant::now() + idle.timeout;
            idle.sleep.as_mut().reset(deadline);
        }
        if idle.sleep.as_mut().poll(cx).is_ready() {
            tracing::debug!("connection idle, closing");
            self.start_shutdown();
            return true;
        }
        false
    }

    fn spawn_stream<B>(
        &mut self,
        request: http::Request<h2::RecvStream>,
        respond: h2::server::SendResponse<Bytes>,
        span: &tracing::Span,
    ) where
        S: Service<http::Request<Incoming>, Response = http::Response<B>> + Clone + Send + 'static,
        S::Future: Send + 'static,
        S::Error: Into<BoxError>,
        B: Body + Send + 'static,
        B::Data: Send,
        B::Error: Into<BoxError>,
    {
        let stream_span = tracing::debug_span!(
            parent: span,
            "stream",
            id = respond.stream_id().as_u32(),
            method = %request.method(),
            path = request.uri().path(),
        );
        let task = stream::Task {
            service: self.service.clone(),
            request,
            respond,
            recorder: self.recorder.clone(),
            guard: ActiveStreams::enter(&self.active),
            date_header: self.date_header,
            informational: self.informational,
        };
        tokio::spawn(task.run().instrument(stream_span));
    }
}

/// A GOAWAY from the peer with `NO_ERROR` is a normal way to end a connection.
fn is_clean_goaway(err: &h2::Error) -> bool {
    err.is_go_away() && err.is_remote() && err.reason() == Some(h2::Reason::NO_ERROR)
}

/// Counts the stream tasks (and HTTP/2 tunnels) alive, for the idle timer.
#[derive(Default)]
struct ActiveStreams {
    count: AtomicUsize,
    /// The connection task, woken when the count drops to zero.
    waker: AtomicWaker,
}

impl ActiveStreams {
    fn enter(this: &Arc<Self>) -> ActiveGuard {
        this.count.fetch_add(1, Ordering::AcqRel);
        ActiveGuard {
            active: Arc::clone(this),
        }
    }
}

/// Held by a stream task (or its tunnel) while it runs.
struct ActiveGuard {
    active: Arc<ActiveStreams>,
}

impl Drop for ActiveGuard {
    fn drop(&mut self) {
        if self.active.count.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.active.waker.wake();
        }
    }
}

impl<Io, S> fmt::Debug for Connection<Io, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            State::Handshaking { .. } => "handshaking",
            State::Serving(serving) if serving.closing => "closing",
            State::Serving(_) => "serving",
            State::Closed => "closed",
        };
        f.debug_struct("Connection")
            .field("state", &state)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_documented_ones() {
        let builder = Builder::new();
        assert_eq!(builder.max_concurrent_streams, Some(200));
        assert_eq!(builder.max_pending_accept_reset_streams, 20);
        assert_eq!(builder.max_local_error_reset_streams, Some(1024));
        assert_eq!(builder.max_header_list_size, 16 * 1024);
        assert_eq!(builder.initial_stream_window_size, 1024 * 1024);
        assert_eq!(builder.initial_connection_window_size, 1024 * 1024);
        assert_eq!(builder.max_frame_size, 16 * 1024);
        assert_eq!(builder.keep_alive_interval, None);
        assert_eq!(builder.idle_timeout, Some(Duration::from_secs(300)));
        assert!(builder.date_header);
        assert!(!builder.informational_responses);
    }

    #[test]
    fn out_of_range_sizes_are_clamped() {
        let mut builder = Builder::new();
        builder
            .max_frame_size(1)
            .initial_stream_window_size(u32::MAX)
            .initial_connection_window_size(u32::MAX);
        assert_eq!(builder.max_frame_size, MIN_FRAME_SIZE);
        assert_eq!(builder.initial_stream_window_size, MAX_WINDOW_SIZE);
        assert_eq!(builder.initial_connection_window_size, MAX_WINDOW_SIZE);
        builder.max_frame_size(u32::MAX);
        assert_eq!(builder.max_frame_size, MAX_FRAME_SIZE);
    }

    #[test]
    fn adaptive_window_starts_from_the_protocol_default() {
        let mut builder = Builder::new();
        builder.adaptive_window(true);
        assert_eq!(builder.stream_window(), 65_535);
        assert_eq!(builder.connection_window(), 65_535);
    }

    #[test]
    fn connection_can_be_spawned_when_its_parts_can() {
        fn assert_send<T: Send + 'static>() {}
        #[derive(Clone)]
        struct AnyService;
        assert_send::<Connection<tokio::io::DuplexStream, AnyService>>();
        assert_send::<Incoming>();
        assert_send::<crate::upgrade::Upgraded>();
    }

    #[test]
    fn active_guard_counts_and_releases() {
        let active = Arc::new(ActiveStreams::default());
        let first = ActiveStreams::enter(&active);
        let second = ActiveStreams::enter(&active);
        assert_eq!(active.count.load(Ordering::Acquire), 2);
        drop(first);
        drop(second);
        assert_eq!(active.count.load(Ordering::Acquire), 0);
    }
}

//! Serve one HTTP/1.1 connection: a [`Builder`] with the settings, and the [`Connection`] future
//! that drives it.
//!
//! The sans-IO codec spire-h1 knows HTTP/1.1 (parsing, framing, keep-alive, `Expect`,
//! upgrades); this module moves bytes between it and the socket and calls the [`Service`] for
//! each request, one exchange at a time. Pipelined requests are answered in order; responses
//! that are ready together go out in one write and one flush.
//!
//! ```text
//!  socket ──read──► spire_h1::Connection ──next_event──► request head ──► service.call(req)
//!    ▲        (only while the body channel                 body data ──► Incoming (bounded)
//!    │         has room and the service is ready)
//!    └──write── WriteBuf ◄──send── response head, body frames, trailers ◄── Response<B>
//! ```
//!
//! # Defaults and what they protect against
//!
//! | setting | default | protects against |
//! | --- | --- | --- |
//! | [`header_read_timeout`](Builder::header_read_timeout) | 30 s | slowloris: heads sent a byte at a time (answered `408`) |
//! | [`keep_alive_timeout`](Builder::keep_alive_timeout) | 75 s | idle keep-alive connections held open forever |
//! | [`write_timeout`](Builder::write_timeout) | 30 s | peers that stop reading while the server has bytes to send |
//! | [`max_buf_size`](Builder::max_buf_size) | 400 KiB | unbounded read-ahead and write buffering per connection |
//! | [`max_head_size`](Builder::max_head_size) | 64 KiB | huge request heads (answered `431`) |
//! | [`max_headers`](Builder::max_headers) | 100 | header-count floods (answered `431`) |
//! | [`keep_alive`](Builder::keep_alive) | on | (nothing: reusing connections is what clients expect) |
//! | [`half_close`](Builder::half_close) | on | (nothing: a client that shuts its write side still gets its response) |
//! | [`pipeline_flush`](Builder::pipeline_flush) | on | (nothing: batches pipelined responses into one write) |
//! | [`date_header`](Builder::date_header) | on | (nothing: RFC 9110 asks origin servers for `Date`) |
//! | [`title_case_headers`](Builder::title_case_headers) | off | (compatibility with old peers) |
//! | [`preserve_header_case`](Builder::preserve_header_case) | off | (compatibility for proxies) |
//! | [`informational_responses`](Builder::informational_responses) | off | (no per-request cost unless used) |
//!
//! Besides these, the request line is limited to 8 KiB (`414`), and spire-h1 rejects anything
//! that could desynchronise the connection (`400`, `501`, `505`) before the service sees it.
//!
//! # What the connection does for the service
//!
//! - **Readiness**: the next request is not read before the service's `poll_ready` says so.
//! - **Bodies**: the request body is an [`Incoming`] fed through a small bounded channel, so a
//!   service that reads slowly stops the connection reading the socket; the response body is
//!   polled only while the write buffer is under [`max_buf_size`](Builder::max_buf_size). A
//!   request body the service drops unread is read and discarded up to 64 KiB to keep the
//!   connection alive; past that the connection closes after the response.
//! - **`100 Continue`** is sent only when the service first polls the request body.
//! - **Errors**: a request the codec rejects is answered with its status and the connection
//!   closed; a service error is answered with `500` and the connection closed.
//! - **Upgrades**: after a `101` (or a `2xx` to `CONNECT`), the IO and any bytes already read
//!   go to [`upgrade::on`](crate::upgrade::on).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Bytes;
use spire_body::Body;
use spire_h1::Limits;
use spire_service::{BoxError, Service};
use tokio::io::{AsyncRead, AsyncWrite};

use crate::error::{Error, ErrorKind};
use crate::incoming::Incoming;
use crate::upgrade::Upgraded;

mod body;
mod close;
mod dispatch;
mod respond;
mod write;

use self::close::Closing;
use self::dispatch::Dispatcher;

/// The smallest [`Builder::max_buf_size`]: one read of a typical head must fit.
const MIN_BUF_SIZE: usize = 8 * 1024;

/// Settings for serving HTTP/1.1 connections; ends in [`serve_connection`](Self::serve_connection).
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
/// use spire_conn::{Incoming, server::http1::Builder};
/// use spire_service::service_fn;
///
/// # #[tokio::main]
/// # async fn main() -> std::io::Result<()> {
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
/// let mut builder = Builder::new();
/// builder
///     .header_read_timeout(Duration::from_secs(10))
///     .max_headers(64);
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
    keep_alive: bool,
    half_close: bool,
    max_buf_size: usize,
    max_head_size: usize,
    max_headers: usize,
    header_read_timeout: Option<Duration>,
    keep_alive_timeout: Option<Duration>,
    write_timeout: Option<Duration>,
    title_case_headers: bool,
    preserve_header_case: bool,
    date_header: bool,
    pipeline_flush: bool,
    informational_responses: bool,
}

impl Default for Builder {
    fn default() -> Self {
        Self {
            keep_alive: true,
            half_close: true,
            max_buf_size: 400 * 1024,
            max_head_size: 64 * 1024,
            max_headers: 100,
            header_read_timeout: Some(Duration::from_secs(30)),
            keep_alive_timeout: Some(Duration::from_secs(75)),
            write_timeout: Some(Duration::from_secs(30)),
            title_case_headers: false,
            preserve_header_case: false,
            date_header: true,
            pipeline_flush: true,
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
    /// let builder = spire_conn::server::http1::Builder::new();
    /// # let _ = builder;
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets whether connections are kept open for further requests.
    ///
    /// When off, every response carries `Connection: close` and the connection closes after
    /// it. Default: on.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut builder = spire_conn::server::http1::Builder::new();
    /// builder.keep_alive(false);
    /// ```
    pub fn keep_alive(&mut self, enabled: bool) -> &mut Self {
        self.keep_alive = enabled;
        self
    }

    /// Sets whether a client may shut down its write side and still receive its responses.
    ///
    /// When on, end of file from the client after a complete request lets the responses in
    /// progress finish before the connection closes. When off, end of file is taken to mean
    /// the client is gone: the service's work in progress is dropped and the connection
    /// closes. Default: on.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut builder = spire_conn::server::http1::Builder::new();
    /// builder.half_close(false);
    /// ```
    pub fn half_close(&mut self, enabled: bool) -> &mut Self {
        self.half_close = enabled;
        self
    }

    /// Sets the most bytes the connection buffers in each direction: read ahead of the
    /// parser, and queued for writing before the response body is polled again.
    ///
    /// Values under 8 KiB are raised to 8 KiB; [`max_head_size`](Self::max_head_size) is
    /// lowered to this value if it is larger. Default: 400 KiB.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut builder = spire_conn::server::http1::Builder::new();
    /// builder.max_buf_size(64 * 1024);
    /// ```
    pub fn max_buf_size(&mut self, max: usize) -> &mut Self {
        self.max_buf_size = max.max(MIN_BUF_SIZE);
        self
    }

    /// Sets the largest request head (request line plus header section), in bytes.
    ///
    /// A larger head is answered with `431 Request Header Fields Too Large`. Default: 64 KiB.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut builder = spire_conn::server::http1::Builder::new();
    /// builder.max_head_size(16 * 1024);
    /// ```
    pub fn max_head_size(&mut self, max: usize) -> &mut Self {
        self.max_head_size = max;
        self
    }

    /// Sets the most header fields a request may have.
    ///
    /// More are answered with `431 Request Header Fields Too Large`. Default: 100.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut builder = spire_conn::server::http1::Builder::new();
    /// builder.max_headers(50);
    /// ```
    pub fn max_headers(&mut self, max: usize) -> &mut Self {
        self.max_headers = max;
        self
    }

    /// Sets how long a client may take to send a request head; `None` waits forever.
    ///
    /// The timer starts when the connection starts waiting for its first request, or when
    /// the first byte of a later request arrives, and stops when the head is complete. On
    /// expiry the connection answers `408 Request Timeout` and closes, and resolves to an
    /// error whose [`is_timeout`](Error::is_timeout) is true. Default: 30 s.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let mut builder = spire_conn::server::http1::Builder::new();
    /// builder.header_read_timeout(Duration::from_secs(5));
    /// ```
    pub fn header_read_timeout(&mut self, timeout: impl Into<Option<Duration>>) -> &mut Self {
        self.header_read_timeout = timeout.into();
        self
    }

    /// Sets how long a kept-alive connection may stay idle between requests; `None` keeps it
    /// forever.
    ///
    /// On expiry the connection closes quietly and resolves to `Ok`. Default: 75 s.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let mut builder = spire_conn::server::http1::Builder::new();
    /// builder.keep_alive_timeout(Duration::from_secs(15));
    /// ```
    pub fn keep_alive_timeout(&mut self, timeout: impl Into<Option<Duration>>) -> &mut Self {
        self.keep_alive_timeout = timeout.into();
        self
    }

    /// Sets how long queued bytes may wait for the transport to take any of them; `None`
    /// waits forever.
    ///
    /// A client that stops reading holds the connection only this long: then it is closed at
    /// once and resolves to an error whose [`is_timeout`](Error::is_timeout) is true (kind
    /// [`ErrorKind::WriteTimeout`]). Default: 30 s.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let mut builder = spire_conn::server::http1::Builder::new();
    /// builder.write_timeout(Duration::from_secs(10));
    /// ```
    pub fn write_timeout(&mut self, timeout: impl Into<Option<Duration>>) -> &mut Self {
        self.write_timeout = timeout.into();
        self
    }

    /// Sets whether header names are written in Title-Case (`Content-Type`) instead of
    /// lowercase.
    ///
    /// Header names are case-insensitive, but some old clients are not. Default: off.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut builder = spire_conn::server::http1::Builder::new();
    /// builder.title_case_headers(true);
    /// ```
    pub fn title_case_headers(&mut self, enabled: bool) -> &mut Self {
        self.title_case_headers = enabled;
        self
    }

    /// Sets whether the original spelling and order of request header names are kept.
    ///
    /// When on, each request carries a [`spire_h1::OriginalHeaders`] extension; a response
    /// carrying one is written with those spellings. Default: off.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut builder = spire_conn::server::http1::Builder::new();
    /// builder.preserve_header_case(true);
    /// ```
    pub fn preserve_header_case(&mut self, enabled: bool) -> &mut Self {
        self.preserve_header_case = enabled;
        self
    }

    /// Sets whether responses without a `date` header get one (RFC 9110 section 6.6.1).
    ///
    /// The value comes from a cache rendered at most once per second. Default: on.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut builder = spire_conn::server::http1::Builder::new();
    /// builder.date_header(false);
    /// ```
    pub fn date_header(&mut self, enabled: bool) -> &mut Self {
        self.date_header = enabled;
        self
    }

    /// Sets whether responses to pipelined requests are batched into one write.
    ///
    /// When on, the connection answers every request it already has in its buffer before it
    /// writes, so a batch of pipelined requests gets one write and one flush. When off, each
    /// response is written out before the next request is read. Default: on.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut builder = spire_conn::server::http1::Builder::new();
    /// builder.pipeline_flush(false);
    /// ```
    pub fn pipeline_flush(&mut self, enabled: bool) -> &mut Self {
        self.pipeline_flush = enabled;
        self
    }

    /// Sets whether requests carry an
    /// [`InformationalSender`](crate::informational::InformationalSender), through which the
    /// service can send `1xx` responses (such as `103 Early Hints`) before its final response.
    ///
    /// Off by default because it costs a small allocation per request. HTTP/1.0 clients never
    /// receive them (RFC 9110 section 15.2). Default: off.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut builder = spire_conn::server::http1::Builder::new();
    /// builder.informational_responses(true);
    /// ```
    pub fn informational_responses(&mut self, enabled: bool) -> &mut Self {
        self.informational_responses = enabled;
        self
    }

    /// Starts serving `io` with `service`; the returned [`Connection`] must be awaited (or
    /// spawned) to make progress.
    ///
    /// `io` is any tokio transport: a `TcpStream`, a TLS stream, a Unix socket. The service
    /// is called for one request at a time, on the connection's own task: nothing is spawned.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::convert::Infallible;
    ///
    /// use bytes::Bytes;
    /// use spire_body::Full;
    /// use spire_conn::{Incoming, server::http1::Builder};
    /// use spire_service::service_fn;
    /// use tokio::io::{AsyncReadExt, AsyncWriteExt};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (io, mut client) = tokio::io::duplex(64 * 1024);
    /// let service = service_fn(|_req: http::Request<Incoming>| async {
    ///     Ok::<_, Infallible>(http::Response::new(Full::new(Bytes::from_static(b"hi"))))
    /// });
    /// let mut builder = Builder::new();
    /// builder.date_header(false);
    /// let conn = tokio::spawn(builder.serve_connection(io, service));
    ///
    /// client.write_all(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").await.unwrap();
    /// let mut response = String::new();
    /// client.read_to_string(&mut response).await.unwrap();
    /// assert_eq!(response, "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nhi");
    /// conn.await.unwrap().unwrap();
    /// # }
    /// ```
    pub fn serve_connection<Io, S>(&self, io: Io, service: S) -> Connection<Io, S>
    where
        Io: AsyncRead + AsyncWrite + Unpin,
        S: Service<http::Request<Incoming>>,
        S::Response: sealed::HttpResponse,
    {
        let span = tracing::debug_span!("http1_connection");
        span.in_scope(|| tracing::debug!("serving"));
        Connection {
            dispatch: Box::pin(Dispatcher::new(io, service, self.clone())),
            span,
            closing: None,
        }
    }

    /// The codec limits these settings imply.
    fn limits(&self) -> Limits {
        Limits::default()
            .with_max_head_size(self.max_head_size.min(self.max_buf_size))
            .with_max_headers(self.max_headers)
    }
}

mod sealed {
    /// `http::Response<B>`, for naming its body type `B` from a service's response type.
    pub trait HttpResponse {
        /// The body type.
        type Body;
    }

    impl<B> HttpResponse for http::Response<B> {
        type Body = B;
    }
}

/// The response body type of a service `S`.
type ResBody<S> = <<S as Service<http::Request<Incoming>>>::Response as sealed::HttpResponse>::Body;

/// The dispatcher a [`Connection`] drives.
type DispatcherOf<Io, S> =
    Dispatcher<Io, S, <S as Service<http::Request<Incoming>>>::Future, ResBody<S>>;

/// One HTTP/1.1 connection being served: a future that resolves when the connection ends.
///
/// Created by [`Builder::serve_connection`]. It reads requests, calls the service for each
/// one in turn and writes the responses, until the client closes the connection, keep-alive
/// ends (a `Connection: close`, a timeout, a [graceful shutdown](Self::graceful_shutdown)), an
/// error occurs, or an upgrade hands the IO over. At the end it shuts the transport's write
/// side down, except after an upgrade; use [`without_shutdown`](Self::without_shutdown) to get
/// the IO back instead.
///
/// `S` is any [`Service`] taking `http::Request<`[`Incoming`]`>` and answering with an
/// `http::Response<B>` where `B` is a [`Body`]; errors of both convert into
/// [`BoxError`]. Awaiting the connection needs `Io: Send + 'static`, because an upgrade
/// moves the transport into an [`Upgraded`] that can go to another
/// task; [`without_shutdown`](Self::without_shutdown) has no such bound.
///
/// # Examples
///
/// ```no_run
/// use std::convert::Infallible;
///
/// use bytes::Bytes;
/// use spire_body::Full;
/// use spire_conn::{Incoming, server::http1::Builder};
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
/// Resolves to an [`Error`] when the client sent a request the codec rejects
/// ([`is_parse`](Error::is_parse); it was answered with its status first), a head took too
/// long ([`is_timeout`](Error::is_timeout); answered `408`), the service failed
/// ([`is_user`](Error::is_user); answered `500`), a response body failed or did not match its
/// `Content-Length` (`is_user`), the client closed in the middle of a request
/// ([`is_closed`](Error::is_closed)), or the transport failed or a write stalled past the
/// write timeout ([`is_io`](Error::is_io)). A client closing between requests, a keep-alive
/// timeout and a graceful shutdown resolve to `Ok`.
///
/// # Cancel safety
///
/// Dropping the future closes the connection at once: the response in progress is cut
/// short, the service's future and the request body are dropped, and a pending upgrade fails
/// with [`is_canceled`](Error::is_canceled). Use [`graceful_shutdown`](Self::graceful_shutdown)
/// and keep polling for an orderly close.
#[must_use = "futures do nothing unless polled"]
pub struct Connection<Io, S>
where
    S: Service<http::Request<Incoming>>,
    S::Response: sealed::HttpResponse,
{
    dispatch: Pin<Box<DispatcherOf<Io, S>>>,
    span: tracing::Span,
    /// Serving ended; the transport is being shut down.
    closing: Option<Closing>,
}

/// What [`Connection::without_shutdown`] hands back: the transport, unread bytes and the
/// service.
///
/// # Examples
///
/// ```
/// fn leftover<Io, S>(parts: &spire_conn::server::http1::Parts<Io, S>) -> usize {
///     parts.read_buf.len()
/// }
/// # let _ = leftover::<(), ()>;
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub struct Parts<Io, S> {
    /// The transport, not shut down.
    pub io: Io,
    /// Bytes read from the transport but not used: after a protocol switch, the first bytes
    /// of the new protocol.
    pub read_buf: Bytes,
    /// The service.
    pub service: S,
}

impl<Io, S> Connection<Io, S>
where
    S: Service<http::Request<Incoming>>,
    S::Response: sealed::HttpResponse,
{
    /// Starts a graceful shutdown: finish the exchange in progress, then close.
    ///
    /// An idle connection closes at once; otherwise the response in progress carries
    /// `Connection: close` if its head has not gone out yet, and the connection closes after
    /// it. Keep polling the connection afterwards. Calling it again has no further effect.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::convert::Infallible;
    ///
    /// use bytes::Bytes;
    /// use spire_body::Empty;
    /// use spire_conn::{Incoming, server::http1::Builder};
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
    /// // No request was in progress: the connection ends at once.
    /// conn.await.unwrap();
    /// # }
    /// ```
    pub fn graceful_shutdown(self: Pin<&mut Self>) {
        let this = self.get_mut();
        let _entered = this.span.enter();
        this.dispatch.as_mut().project().inner.start_shutdown();
    }

    /// Serves the connection like the `Connection` future, but hands the transport back at the
    /// end instead of shutting it down.
    ///
    /// The returned future resolves to [`Parts`]: the IO, the bytes read but not used, and
    /// the service. After a protocol switch the IO comes back here, with the first bytes of
    /// the new protocol in `read_buf`, rather than going to [`upgrade::on`](crate::upgrade::on)
    /// (which then fails with [`NoUpgrade`](ErrorKind::NoUpgrade)). This suits servers that
    /// take connections over themselves.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::convert::Infallible;
    ///
    /// use bytes::Bytes;
    /// use spire_body::Empty;
    /// use spire_conn::{Incoming, server::http1::Builder};
    /// use spire_service::service_fn;
    /// use tokio::io::{AsyncReadExt, AsyncWriteExt};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (io, mut client) = tokio::io::duplex(64 * 1024);
    /// let service = service_fn(|_req: http::Request<Incoming>| async {
    ///     let res = http::Response::builder().status(101).header("upgrade", "echo");
    ///     Ok::<_, Infallible>(res.body(Empty::<Bytes>::new()).unwrap())
    /// });
    /// let conn = Builder::new().serve_connection(io, service).without_shutdown();
    /// client
    ///     .write_all(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: echo\r\n\r\nhello")
    ///     .await
    ///     .unwrap();
    /// let parts = conn.await.unwrap();
    /// assert_eq!(parts.read_buf, "hello");
    /// # let _ = client.read(&mut [0; 64]).await;
    /// # }
    /// ```
    pub fn without_shutdown(self) -> WithoutShutdown<Io, S> {
        WithoutShutdown { conn: Some(self) }
    }
}

impl<Io, S> Connection<Io, S>
where
    Io: AsyncRead + AsyncWrite + Unpin,
    S: Service<http::Request<Incoming>>,
    S::Response: sealed::HttpResponse,
{
    /// Takes the transport, unread bytes and service out once serving has ended.
    fn take_parts(&mut self) -> Result<Parts<Io, S>, Error> {
        let inner = self.dispatch.as_mut().project().inner;
        let read_buf = std::mem::take(inner.conn.read_buf()).freeze();
        if let Some(pending) = inner.exchange.upgrade.take() {
            pending.fail(Error::new(ErrorKind::NoUpgrade));
        }
        match (inner.io.take(), inner.service.take()) {
            (Some(io), Some(service)) => Ok(Parts {
                io,
                read_buf,
                service,
            }),
            _ => Err(Error::new(ErrorKind::Closed)),
        }
    }
}

impl<Io, S, B> Future for Connection<Io, S>
where
    Io: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    S: Service<http::Request<Incoming>, Response = http::Response<B>>,
    S::Error: Into<BoxError>,
    B: Body,
    B::Error: Into<BoxError>,
{
    type Output = Result<(), Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let _entered = this.span.enter();
        loop {
            if let Some(closing) = this.closing.as_mut() {
                let inner = this.dispatch.as_mut().project().inner;
                let result = ready!(closing.poll(&mut inner.io, cx));
                this.closing = None;
                match &result {
                    Ok(()) => tracing::debug!("connection closed"),
                    Err(err) => tracing::debug!(error = %err, "connection closed with an error"),
                }
                return Poll::Ready(result);
            }
            let result = ready!(this.dispatch.as_mut().poll_serve(cx));
            let inner = this.dispatch.as_mut().project().inner;
            if inner.switched && result.is_ok() {
                let leftover = std::mem::take(inner.conn.read_buf()).freeze();
                if let (Some(io), Some(pending)) = (inner.io.take(), inner.exchange.upgrade.take())
                {
                    tracing::debug!(leftover = leftover.len(), "connection upgraded");
                    pending.fulfill(Upgraded::new(io, leftover));
                }
                return Poll::Ready(Ok(()));
            }
            let linger = inner.client_may_be_sending();
            this.closing = Some(Closing::new(result, linger));
        }
    }
}

impl<Io, S> fmt::Debug for Connection<Io, S>
where
    S: Service<http::Request<Incoming>>,
    S::Response: sealed::HttpResponse,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.dispatch.inner;
        f.debug_struct("Connection")
            .field("our_state", &inner.conn.our_state())
            .field("their_state", &inner.conn.their_state())
            .field("config", &inner.config)
            .finish_non_exhaustive()
    }
}

/// The future of [`Connection::without_shutdown`]: serves the connection, then hands back
/// its [`Parts`].
///
/// # Examples
///
/// ```
/// use std::convert::Infallible;
///
/// use bytes::Bytes;
/// use spire_body::Empty;
/// use spire_conn::{Incoming, server::http1::Builder};
/// use spire_service::service_fn;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let (io, client) = tokio::io::duplex(1024);
/// drop(client); // the client goes away without a request
/// let service = service_fn(|_req: http::Request<Incoming>| async {
///     Ok::<_, Infallible>(http::Response::new(Empty::<Bytes>::new()))
/// });
/// let parts = Builder::new().serve_connection(io, service).without_shutdown().await.unwrap();
/// assert!(parts.read_buf.is_empty());
/// # }
/// ```
///
/// # Errors
///
/// Resolves to the same errors as [`Connection`]; the transport is dropped then.
///
/// # Cancel safety
///
/// Dropping the future drops the connection and its transport, as dropping a [`Connection`]
/// does.
#[must_use = "futures do nothing unless polled"]
pub struct WithoutShutdown<Io, S>
where
    S: Service<http::Request<Incoming>>,
    S::Response: sealed::HttpResponse,
{
    conn: Option<Connection<Io, S>>,
}

impl<Io, S, B> Future for WithoutShutdown<Io, S>
where
    Io: AsyncRead + AsyncWrite + Unpin,
    S: Service<http::Request<Incoming>, Response = http::Response<B>>,
    S::Error: Into<BoxError>,
    B: Body,
    B::Error: Into<BoxError>,
{
    type Output = Result<Parts<Io, S>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let Some(conn) = this.conn.as_mut() else {
            return Poll::Ready(Err(Error::new(ErrorKind::Closed)));
        };
        let result = {
            let _entered = conn.span.enter();
            ready!(conn.dispatch.as_mut().poll_serve(cx))
        };
        let parts = result.and_then(|()| conn.take_parts());
        this.conn = None;
        Poll::Ready(parts)
    }
}

impl<Io, S> fmt::Debug for WithoutShutdown<Io, S>
where
    S: Service<http::Request<Incoming>>,
    S::Response: sealed::HttpResponse,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WithoutShutdown")
            .field("conn", &self.conn)
            .finish()
    }
}

#[cfg(test)]
mod tests;

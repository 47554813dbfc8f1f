//! [`serve`] in one line, and the [`Builder`] and [`Server`] for everything else.
//!
//! ```text
//!  Builder ─serve(listener, service)──────────────► Server ─.await─► accept loop (one task per connection)
//!          ─serve_make_service(listener, make)────►   │
//!                                                     └─ with_graceful_shutdown(signal), stats(), local_addr()
//! ```

use std::fmt;
use std::future::{Future, IntoFuture, poll_fn};
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use http::{Request, Response};
use spire_body::Body;
use spire_conn::Incoming;
use spire_conn::server::{http1, http2};
use spire_service::make::{MakeService, Shared};
use spire_service::{BoxError, Service};
use tokio::net::TcpListener;
use tracing::Instrument;

use crate::accept::{Accepted, Acceptor, ConnectionInfo};
use crate::auto::{ConnConfig, serve_connection};
use crate::error::{Error, ErrorKind};
use crate::graceful::{Coordinator, run_until};
use crate::stats::Stats;
use crate::timeouts::Timeouts;

/// Serves `service` on `listener`: HTTP/1 and HTTP/2 on the same port, with the default
/// settings and timeout profile.
///
/// Every connection gets a clone of `service`. The returned [`Server`] does nothing until it
/// is awaited; it runs until the process ends, or, with
/// [`with_graceful_shutdown`](Server::with_graceful_shutdown), until a signal. Use a
/// [`Builder`] to change settings.
///
/// # Examples
///
/// ```no_run
/// use std::convert::Infallible;
///
/// use bytes::Bytes;
/// use spire_body::Full;
/// use spire_conn::Incoming;
/// use spire_service::service_fn;
///
/// # #[tokio::main]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
/// let hello = service_fn(|_req: http::Request<Incoming>| async {
///     Ok::<_, Infallible>(http::Response::new(Full::new(Bytes::from_static(b"Hello, world!"))))
/// });
/// spire_server::serve(listener, hello).await?;
/// # Ok(())
/// # }
/// ```
pub fn serve<S>(listener: TcpListener, service: S) -> Server<Shared<S>> {
    Builder::new().serve(listener, service)
}

/// Settings for a server: protocol settings, the timeout profile, the connection limit and
/// TCP options. Ends in [`serve`](Self::serve) or
/// [`serve_make_service`](Self::serve_make_service).
///
/// Setters take `&mut self` and return `&mut Self`, so they chain; the protocol builders
/// and the [`Timeouts`] are reached through [`http1`](Self::http1), [`http2`](Self::http2) and
/// [`timeouts`](Self::timeouts) and are changed in place. One builder can start any number
/// of servers.
///
/// # Examples
///
/// ```no_run
/// use std::convert::Infallible;
/// use std::time::Duration;
///
/// use bytes::Bytes;
/// use spire_body::Full;
/// use spire_conn::Incoming;
/// use spire_service::service_fn;
///
/// # #[tokio::main]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let mut builder = spire_server::Builder::new();
/// builder.max_connections(10_000).tcp_nodelay(true);
/// builder.timeouts().header_read(Duration::from_secs(10));
/// builder.http1().max_headers(64);
/// builder.http2().max_concurrent_streams(100);
///
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
/// let hello = service_fn(|_req: http::Request<Incoming>| async {
///     Ok::<_, Infallible>(http::Response::new(Full::new(Bytes::from_static(b"hi"))))
/// });
/// builder.serve(listener, hello).await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Builder {
    http1: http1::Builder,
    http2: http2::Builder,
    timeouts: Timeouts,
    max_connections: Option<usize>,
    tcp_nodelay: bool,
    connection_info_in_requests: bool,
}

impl Default for Builder {
    fn default() -> Self {
        Self {
            http1: http1::Builder::new(),
            http2: http2::Builder::new(),
            timeouts: Timeouts::new(),
            max_connections: None,
            tcp_nodelay: true,
            connection_info_in_requests: true,
        }
    }
}

impl Builder {
    /// Creates a builder with the default settings: protocol defaults from spire-conn, the
    /// default [`Timeouts`], no connection limit and `TCP_NODELAY` on.
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = spire_server::Builder::new();
    /// # let _ = builder;
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Returns the HTTP/1 settings, to change in place.
    ///
    /// Its header read, keep-alive and write timeouts are set from [`Timeouts`] when the
    /// server starts; set them there.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut builder = spire_server::Builder::new();
    /// builder.http1().max_headers(64).title_case_headers(true);
    /// ```
    pub fn http1(&mut self) -> &mut http1::Builder {
        &mut self.http1
    }

    /// Returns the HTTP/2 settings, to change in place.
    ///
    /// Its idle timeout is set from [`Timeouts::http2_idle`] when the server starts; set it
    /// there.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut builder = spire_server::Builder::new();
    /// builder.http2().max_concurrent_streams(64).adaptive_window(true);
    /// ```
    pub fn http2(&mut self) -> &mut http2::Builder {
        &mut self.http2
    }

    /// Returns the timeout profile, to change in place.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let mut builder = spire_server::Builder::new();
    /// builder.timeouts().detection(Duration::from_secs(2)).drain(Duration::from_secs(5));
    /// ```
    pub fn timeouts(&mut self) -> &mut Timeouts {
        &mut self.timeouts
    }

    /// Sets how many connections may be open at once; `None` for no limit.
    ///
    /// At the limit the server stops accepting: new connections wait in the listener's
    /// backlog (the kernel has completed their handshake) and are accepted, in order, as
    /// open ones close. Nobody is refused for being one too many, though a client may give
    /// up waiting. Default: no limit (the process's file descriptor limit is then the
    /// bound, and running out of descriptors makes the accept loop back off).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut builder = spire_server::Builder::new();
    /// builder.max_connections(1024);
    /// ```
    pub fn max_connections(&mut self, max: impl Into<Option<usize>>) -> &mut Self {
        self.max_connections = max.into();
        self
    }

    /// Sets whether accepted sockets get `TCP_NODELAY`, which sends small writes at once
    /// instead of waiting to coalesce them (Nagle's algorithm). Default: on, since an HTTP
    /// server writes whole responses and the delay would only add latency.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut builder = spire_server::Builder::new();
    /// builder.tcp_nodelay(false);
    /// ```
    pub fn tcp_nodelay(&mut self, enabled: bool) -> &mut Self {
        self.tcp_nodelay = enabled;
        self
    }

    /// Sets whether every request carries the connection's [`ConnectionInfo`] (peer and
    /// local address) as an extension. Default: on.
    ///
    /// Inserting an extension costs three small allocations per request (`http`'s
    /// extension map, its table and the value). A service that never reads the addresses
    /// can turn this off; one that needs them only once per connection can get them from
    /// [`serve_make_service`](Self::serve_make_service), whose `MakeService` receives the
    /// `ConnectionInfo` of each connection.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut builder = spire_server::Builder::new();
    /// builder.connection_info_in_requests(false);
    /// ```
    pub fn connection_info_in_requests(&mut self, enabled: bool) -> &mut Self {
        self.connection_info_in_requests = enabled;
        self
    }

    /// Creates a server for `listener` that gives every connection a clone of `service`.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # use std::convert::Infallible;
    /// # use bytes::Bytes;
    /// # use spire_body::Full;
    /// # use spire_conn::Incoming;
    /// # use spire_service::service_fn;
    /// # #[tokio::main]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let service = service_fn(|_req: http::Request<Incoming>| async {
    /// #     Ok::<_, Infallible>(http::Response::new(Full::new(Bytes::from_static(b"hi"))))
    /// # });
    /// let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    /// spire_server::Builder::new().serve(listener, service).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn serve<S>(&self, listener: TcpListener, service: S) -> Server<Shared<S>> {
        self.serve_make_service(listener, Shared::new(service))
    }

    /// Creates a server for `listener` that makes a service for each connection with
    /// `make`, given the connection's [`ConnectionInfo`].
    ///
    /// The maker's readiness is waited for before each accept, so a maker that is not
    /// ready holds new connections back. Its future runs in the connection's own task: a
    /// slow one delays that connection only. If it fails, that connection is closed.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use std::convert::Infallible;
    ///
    /// use bytes::Bytes;
    /// use spire_body::Full;
    /// use spire_conn::Incoming;
    /// use spire_server::ConnectionInfo;
    /// use spire_service::service_fn;
    ///
    /// # #[tokio::main]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// // One service per connection, which knows its peer.
    /// let make = service_fn(|info: ConnectionInfo| async move {
    ///     let greeting = format!("hello, {}", info.peer_addr());
    ///     Ok::<_, Infallible>(service_fn(move |_req: http::Request<Incoming>| {
    ///         let body = Full::new(Bytes::from(greeting.clone()));
    ///         async move { Ok::<_, Infallible>(http::Response::new(body)) }
    ///     }))
    /// });
    /// let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    /// spire_server::Builder::new().serve_make_service(listener, make).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn serve_make_service<M>(&self, listener: TcpListener, make: M) -> Server<M> {
        let timeouts = &self.timeouts;
        let mut http1 = self.http1.clone();
        http1
            .header_read_timeout(timeouts.header_read)
            .keep_alive_timeout(timeouts.keep_alive)
            .write_timeout(timeouts.write);
        let mut http2 = self.http2.clone();
        http2.idle_timeout(timeouts.http2_idle);
        let config = ConnConfig {
            http1,
            http2,
            detection: self.timeouts.detection,
            write: self.timeouts.write,
            connection_info_in_requests: self.connection_info_in_requests,
        };
        Server {
            acceptor: Acceptor::new(listener, self.max_connections, self.tcp_nodelay),
            make,
            config: Arc::new(config),
            drain: self.timeouts.drain,
            signal: None,
            stats: Stats::default(),
        }
    }
}

/// The shutdown signal, boxed so that [`Server`] has one type whatever the signal.
type Signal = Pin<Box<dyn Future<Output = ()> + Send>>;

/// The future a [`Server`] becomes when awaited.
pub type ServeFuture = Pin<Box<dyn Future<Output = Result<(), Error>> + Send>>;

/// A server, ready to run: await it (it implements [`IntoFuture`]).
///
/// Created by [`serve`] or a [`Builder`]. Running, it accepts connections and serves each
/// in a task of its own, detecting HTTP/1 or HTTP/2 from the first bytes. Before awaiting
/// it, ask for its [`stats`](Self::stats) and [`local_addr`](Self::local_addr), and give
/// it a shutdown signal with [`with_graceful_shutdown`](Self::with_graceful_shutdown).
///
/// # Examples
///
/// ```no_run
/// # use std::convert::Infallible;
/// # use bytes::Bytes;
/// # use spire_body::Full;
/// # use spire_conn::Incoming;
/// # use spire_service::service_fn;
/// # #[tokio::main]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let service = service_fn(|_req: http::Request<Incoming>| async {
/// #     Ok::<_, Infallible>(http::Response::new(Full::new(Bytes::from_static(b"hi"))))
/// # });
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
/// let server = spire_server::serve(listener, service);
/// println!("listening on http://{}", server.local_addr()?);
/// server.await?;
/// # Ok(())
/// # }
/// ```
///
/// # Errors
///
/// The server itself only fails when the make-service's readiness fails
/// ([`ErrorKind::MakeService`]); it then shuts down gracefully and resolves to that error.
/// Errors of single connections are logged (with `tracing`, at debug level) and end only
/// that connection. Accept errors never end the server: they are retried with a back-off.
///
/// # Cancel safety
///
/// Dropping the running future stops accepting and closes every open connection at once,
/// without a graceful shutdown.
pub struct Server<M> {
    acceptor: Acceptor,
    make: M,
    config: Arc<ConnConfig>,
    drain: Option<Duration>,
    signal: Option<Signal>,
    stats: Stats,
}

impl<M> Server<M> {
    /// Shuts the server down gracefully when `signal` completes.
    ///
    /// The server then stops accepting (the listener is closed, so new connections are
    /// refused), asks every connection to finish: HTTP/1 connections close once their
    /// current response is sent (idle ones at once), HTTP/2 connections send GOAWAY and
    /// finish their open streams, and connections that have not yet sent enough to tell
    /// their protocol are closed at once (nothing of theirs is in flight). The server future resolves when all connections are
    /// closed, or when the [drain deadline](Timeouts::drain) passes and the remaining
    /// ones are closed.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # use std::convert::Infallible;
    /// # use bytes::Bytes;
    /// # use spire_body::Full;
    /// # use spire_conn::Incoming;
    /// # use spire_service::service_fn;
    /// # #[tokio::main]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let service = service_fn(|_req: http::Request<Incoming>| async {
    /// #     Ok::<_, Infallible>(http::Response::new(Full::new(Bytes::from_static(b"hi"))))
    /// # });
    /// let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    /// let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    /// let server = spire_server::serve(listener, service).with_graceful_shutdown(async {
    ///     let _ = stopped.await;
    /// });
    /// let running = tokio::spawn(server.into_future());
    /// // ... later:
    /// let _ = stop.send(());
    /// running.await??;
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_graceful_shutdown<F>(mut self, signal: F) -> Self
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.signal = Some(Box::pin(signal));
        self
    }

    /// Returns a handle on the server's counters.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # use std::convert::Infallible;
    /// # use bytes::Bytes;
    /// # use spire_body::Full;
    /// # use spire_conn::Incoming;
    /// # use spire_service::service_fn;
    /// # #[tokio::main]
    /// # async fn main() -> std::io::Result<()> {
    /// # let service = service_fn(|_req: http::Request<Incoming>| async {
    /// #     Ok::<_, Infallible>(http::Response::new(Full::new(Bytes::from_static(b"hi"))))
    /// # });
    /// let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    /// let server = spire_server::serve(listener, service);
    /// let stats = server.stats();
    /// assert_eq!(stats.connections_accepted(), 0);
    /// # Ok(())
    /// # }
    /// ```
    pub fn stats(&self) -> Stats {
        self.stats.clone()
    }

    /// Returns the address the listener is bound to (useful after binding port 0).
    ///
    /// # Errors
    ///
    /// Fails if the operating system cannot report the address.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # use std::convert::Infallible;
    /// # use bytes::Bytes;
    /// # use spire_body::Full;
    /// # use spire_conn::Incoming;
    /// # use spire_service::service_fn;
    /// # #[tokio::main]
    /// # async fn main() -> std::io::Result<()> {
    /// # let service = service_fn(|_req: http::Request<Incoming>| async {
    /// #     Ok::<_, Infallible>(http::Response::new(Full::new(Bytes::from_static(b"hi"))))
    /// # });
    /// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let server = spire_server::serve(listener, service);
    /// assert_ne!(server.local_addr()?.port(), 0);
    /// # Ok(())
    /// # }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.acceptor.local_addr()
    }
}

impl<M, B> IntoFuture for Server<M>
where
    M: MakeService<ConnectionInfo, Request<Incoming>, Response = Response<B>> + Send + 'static,
    M::MakeError: Into<BoxError> + 'static,
    M::Future: Send + 'static,
    M::Service: Clone + Send + 'static,
    <M::Service as Service<Request<Incoming>>>::Future: Send + 'static,
    M::Error: Into<BoxError>,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    type Output = Result<(), Error>;
    type IntoFuture = ServeFuture;

    fn into_future(self) -> Self::IntoFuture {
        let span = tracing::info_span!("server", addr = tracing::field::Empty);
        if let Ok(addr) = self.local_addr() {
            span.record("addr", tracing::field::display(addr));
        }
        Box::pin(self.run().instrument(span))
    }
}

impl<M> Server<M> {
    /// The accept loop, then the shutdown.
    async fn run<B>(self) -> Result<(), Error>
    where
        M: MakeService<ConnectionInfo, Request<Incoming>, Response = Response<B>>,
        M::MakeError: Into<BoxError> + 'static,
        M::Future: Send + 'static,
        M::Service: Clone + Send + 'static,
        <M::Service as Service<Request<Incoming>>>::Future: Send + 'static,
        M::Error: Into<BoxError>,
        B: Body + Send + 'static,
        B::Data: Send,
        B::Error: Into<BoxError>,
    {
        let Self {
            mut acceptor,
            mut make,
            config,
            drain,
            signal,
            stats,
        } = self;
        let mut signal = signal.unwrap_or_else(|| Box::pin(std::future::pending()));
        let coordinator = Coordinator::new();
        tracing::info!("serving");

        let mut result = Ok(());
        loop {
            // The reservation comes before the connection it is for.
            let ready = poll_fn(|cx| {
                make.poll_ready(cx)
                    .map_err(|err| Error::new(ErrorKind::MakeService).with(err))
            });
            let Some(ready) = run_until(ready, signal.as_mut()).await else {
                break;
            };
            if let Err(err) = ready {
                tracing::error!(error = %chain(&err), "make service failed, shutting down");
                result = Err(err);
                break;
            }
            let Some(accepted) = run_until(acceptor.accept(), signal.as_mut()).await else {
                break;
            };
            let Accepted {
                socket,
                info,
                permit,
            } = accepted;
            let open = stats.connection_accepted();
            let span = tracing::debug_span!(
                "connection",
                peer = %info.peer_addr(),
                local = %info.local_addr(),
                protocol = tracing::field::Empty,
            );
            let connection = serve_connection(
                socket,
                info,
                make.make_service(info),
                Arc::clone(&config),
                coordinator.watcher(),
                stats.clone(),
            );
            tokio::spawn(
                async move {
                    tracing::debug!("accepted");
                    match connection.await {
                        Ok(()) => tracing::debug!("closed"),
                        Err(err) => tracing::debug!(error = %chain(&err), "closed with an error"),
                    }
                    // Only now may the next connection over the limit be accepted.
                    drop(permit);
                    drop(open);
                }
                .instrument(span),
            );
        }

        // Closing the listener makes the kernel refuse new connections, including the ones
        // waiting in its backlog.
        drop(acceptor);
        tracing::info!("shutting down");
        let cut_off = coordinator.shutdown(drain).await;
        tracing::info!(cut_off, "shut down");
        result
    }
}

impl<M> fmt::Debug for Server<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("local_addr", &self.local_addr().ok())
            .field("config", &self.config)
            .field("drain", &self.drain)
            .field("graceful_shutdown", &self.signal.is_some())
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

/// An error and its sources, on one line, for the log.
fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_joins_every_level() {
        let err = Error::new(ErrorKind::Io).with(io::Error::other("reset by peer"));
        assert_eq!(chain(&err), "connection i/o failed: reset by peer");
    }

    #[test]
    fn builder_defaults() {
        let builder = Builder::new();
        assert_eq!(builder.max_connections, None);
        assert!(builder.tcp_nodelay);
        assert_eq!(builder.timeouts, Timeouts::new());
    }
}

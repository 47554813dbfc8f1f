//! The accept side: take connections off the listener, under a connection limit, backing
//! off on errors, and describe each one with a [`ConnectionInfo`].
//!
//! ```text
//!   limit permit ──► listener.accept() ──ok──► TCP_NODELAY ──► (socket, ConnectionInfo, permit)
//!   (waits while       │
//!    the server is     └─err─► per-connection error (ECONNABORTED, ...) ──► accept again now
//!    full)                     anything else (EMFILE, ENFILE, ENOMEM, ...) ──► sleep, doubling
//! ```
//!
//! Waiting for a permit *before* calling `accept` is what makes the limit wait rather than
//! fail: the extra connections stay in the kernel's backlog, already connected, and are
//! accepted one by one as permits come back.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The addresses of one connection: the peer's and the server's own end.
///
/// The server inserts it into every request's
/// [extensions](http::Request::extensions), and gives it to the
/// [`MakeService`](spire_service::make::MakeService) as the target when it makes the
/// connection's service.
///
/// # Examples
///
/// ```
/// use spire_conn::Incoming;
/// use spire_server::ConnectionInfo;
///
/// fn client_ip(req: &http::Request<Incoming>) -> Option<std::net::IpAddr> {
///     req.extensions().get::<ConnectionInfo>().map(|info| info.peer_addr().ip())
/// }
/// # let _ = client_ip;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConnectionInfo {
    peer: SocketAddr,
    local: SocketAddr,
}

impl ConnectionInfo {
    /// Describes a connection from `peer` to the server's `local` address.
    ///
    /// # Examples
    ///
    /// ```
    /// let info = spire_server::ConnectionInfo::new(
    ///     "10.0.0.7:52000".parse().unwrap(),
    ///     "10.0.0.1:443".parse().unwrap(),
    /// );
    /// assert_eq!(info.local_addr().port(), 443);
    /// ```
    pub fn new(peer: SocketAddr, local: SocketAddr) -> Self {
        Self { peer, local }
    }

    /// Returns the address of the peer (the client).
    pub fn peer_addr(&self) -> SocketAddr {
        self.peer
    }

    /// Returns the server's address for this connection: the address the peer connected
    /// to (useful when the listener is bound to `0.0.0.0`).
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }
}

/// What to do after `accept` failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AfterError {
    /// The error belonged to one connection, already gone: accept the next one now.
    Retry,
    /// The server (or the machine) is out of something; wait before trying again.
    Sleep(Duration),
}

/// The back-off policy for accept errors.
///
/// Running out of file descriptors (`EMFILE`, `ENFILE`), memory or buffers makes `accept`
/// fail again at once until a connection closes; retrying straight away would spin a core
/// at 100% and flood the log. So those errors sleep, starting at [`Backoff::MIN`] and
/// doubling up to [`Backoff::MAX`], and the delay goes back to the start after the next
/// successful accept. Errors that only concern the connection being accepted (it was reset
/// or aborted before we got to it) are retried at once, as `accept(2)` advises.
#[derive(Debug, Clone)]
pub(crate) struct Backoff {
    next: Duration,
}

impl Backoff {
    pub(crate) const MIN: Duration = Duration::from_millis(5);
    pub(crate) const MAX: Duration = Duration::from_secs(1);

    pub(crate) fn new() -> Self {
        Self { next: Self::MIN }
    }

    /// Decides what to do after `err`, growing the delay for next time.
    pub(crate) fn on_error(&mut self, err: &io::Error) -> AfterError {
        if is_connection_error(err) {
            return AfterError::Retry;
        }
        let delay = self.next;
        self.next = (self.next * 2).min(Self::MAX);
        AfterError::Sleep(delay)
    }

    /// Starts the delay over after a successful accept.
    pub(crate) fn on_success(&mut self) {
        self.next = Self::MIN;
    }
}

/// Errors that concern only the connection being accepted, not the listener.
fn is_connection_error(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionRefused
            | io::ErrorKind::Interrupted
            | io::ErrorKind::WouldBlock
            | io::ErrorKind::HostUnreachable
            | io::ErrorKind::NetworkUnreachable
            | io::ErrorKind::NetworkDown
    )
}

/// One accepted connection, with the permit that counts it against the limit.
#[derive(Debug)]
pub(crate) struct Accepted {
    pub(crate) socket: TcpStream,
    pub(crate) info: ConnectionInfo,
    pub(crate) permit: Option<OwnedSemaphorePermit>,
}

/// The listener with its limit and back-off.
#[derive(Debug)]
pub(crate) struct Acceptor {
    listener: TcpListener,
    limit: Option<Arc<Semaphore>>,
    backoff: Backoff,
    nodelay: bool,
}

impl Acceptor {
    pub(crate) fn new(
        listener: TcpListener,
        max_connections: Option<usize>,
        nodelay: bool,
    ) -> Self {
        Self {
            listener,
            limit: max_connections.map(|max| Arc::new(Semaphore::new(max))),
            backoff: Backoff::new(),
            nodelay,
        }
    }

    /// Waits for room under the connection limit, then for a connection.
    ///
    /// Never fails: accept errors are logged and retried under the back-off policy.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: a connection is either returned or left in the listener's backlog.
    pub(crate) async fn accept(&mut self) -> Accepted {
        let permit = match &self.limit {
            Some(limit) => {
                if limit.available_permits() == 0 {
                    tracing::debug!("connection limit reached, waiting for a connection to close");
                }
                let permit = Arc::clone(limit)
                    .acquire_owned()
                    .await
                    .expect("the connection limit semaphore is never closed");
                Some(permit)
            }
            None => None,
        };
        loop {
            match self.listener.accept().await {
                Ok((socket, peer)) => {
                    self.backoff.on_success();
                    if self.nodelay
                        && let Err(err) = socket.set_nodelay(true)
                    {
                        tracing::debug!(error = %err, "could not set TCP_NODELAY");
                    }
                    let local = socket.local_addr().unwrap_or_else(|err| {
                        tracing::debug!(error = %err, "no local address, using the listener's");
                        self.listener
                            .local_addr()
                            .unwrap_or_else(|_| SocketAddr::from(([0, 0, 0, 0], 0)))
                    });
                    let info = ConnectionInfo::new(peer, local);
                    return Accepted {
                        socket,
                        info,
                        permit,
                    };
                }
                Err(err) => match self.backoff.on_error(&err) {
                    AfterError::Retry => {
                        tracing::debug!(error = %err, "accept failed for one connection");
                    }
                    AfterError::Sleep(delay) => {
                        tracing::error!(error = %err, ?delay, "accept failed, backing off");
                        tokio::time::sleep(delay).await;
                    }
                },
            }
        }
    }

    pub(crate) fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn emfile() -> io::Error {
        // EMFILE ("too many open files") is 24 on Linux and the BSDs.
        io::Error::from_raw_os_error(24)
    }

    #[test]
    fn resource_errors_sleep_with_doubling_delay_up_to_the_cap() {
        let mut backoff = Backoff::new();
        let mut delays = Vec::new();
        for _ in 0..12 {
            match backoff.on_error(&emfile()) {
                AfterError::Sleep(delay) => delays.push(delay),
                AfterError::Retry => panic!("EMFILE must not be retried at once"),
            }
        }
        assert_eq!(delays[0], Backoff::MIN);
        for pair in delays.windows(2) {
            assert!(pair[1] >= pair[0], "delays must not shrink: {delays:?}");
            assert!(
                pair[1] == Backoff::MAX || pair[1] == pair[0] * 2,
                "{delays:?}"
            );
        }
        assert_eq!(*delays.last().unwrap(), Backoff::MAX);
        // Twelve errors in a row add up to seconds of sleep, not a spin.
        let total: Duration = delays.iter().sum();
        assert!(total >= Duration::from_secs(3), "{total:?}");
    }

    #[test]
    fn any_unknown_error_backs_off_too() {
        let mut backoff = Backoff::new();
        let err = io::Error::other("out of something");
        assert_eq!(backoff.on_error(&err), AfterError::Sleep(Backoff::MIN));
        assert_eq!(backoff.on_error(&err), AfterError::Sleep(Backoff::MIN * 2));
    }

    #[test]
    fn success_resets_the_delay() {
        let mut backoff = Backoff::new();
        for _ in 0..5 {
            backoff.on_error(&emfile());
        }
        backoff.on_success();
        assert_eq!(backoff.on_error(&emfile()), AfterError::Sleep(Backoff::MIN));
    }

    #[test]
    fn per_connection_errors_are_retried_at_once_without_growing_the_delay() {
        let mut backoff = Backoff::new();
        for kind in [
            io::ErrorKind::ConnectionAborted,
            io::ErrorKind::ConnectionReset,
            io::ErrorKind::Interrupted,
        ] {
            assert_eq!(backoff.on_error(&io::Error::from(kind)), AfterError::Retry);
        }
        assert_eq!(backoff.on_error(&emfile()), AfterError::Sleep(Backoff::MIN));
    }

    #[tokio::test]
    async fn accept_sets_nodelay_and_reports_both_addresses() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut acceptor = Acceptor::new(listener, None, true);
        let client = TcpStream::connect(addr).await.unwrap();
        let accepted = acceptor.accept().await;
        assert!(accepted.socket.nodelay().unwrap());
        assert_eq!(accepted.info.local_addr(), addr);
        assert_eq!(accepted.info.peer_addr(), client.local_addr().unwrap());
        assert!(accepted.permit.is_none());
    }

    #[tokio::test]
    async fn accept_without_nodelay_leaves_it_off() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut acceptor = Acceptor::new(listener, Some(1), false);
        let _client = TcpStream::connect(addr).await.unwrap();
        let accepted = acceptor.accept().await;
        assert!(!accepted.socket.nodelay().unwrap());
        assert!(accepted.permit.is_some());
    }
}

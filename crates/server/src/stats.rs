//! [`Stats`]: counters a user can read while the server runs.
//!
//! The counters are plain atomics, updated with relaxed ordering: each value is exact, but
//! two values read one after the other are not a consistent snapshot of one moment.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// A handle on a server's counters: connections accepted and open, requests served.
///
/// Get it from [`Server::stats`](crate::Server::stats) before awaiting the server; clones
/// share the same counters, so it can be read from anywhere (a metrics endpoint, a log line
/// at shutdown).
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
/// tokio::spawn(async move {
///     loop {
///         tokio::time::sleep(std::time::Duration::from_secs(60)).await;
///         println!("{} open, {} requests served", stats.connections_open(), stats.requests_served());
///     }
/// });
/// server.await.map_err(std::io::Error::other)
/// # }
/// ```
#[derive(Clone, Default)]
pub struct Stats {
    counters: Arc<Counters>,
}

#[derive(Default)]
struct Counters {
    accepted: AtomicU64,
    open: AtomicUsize,
    requests: AtomicU64,
}

impl Stats {
    /// Returns how many connections the server has accepted since it started.
    pub fn connections_accepted(&self) -> u64 {
        self.counters.accepted.load(Ordering::Relaxed)
    }

    /// Returns how many accepted connections are open now (being served, or still being
    /// detected).
    pub fn connections_open(&self) -> usize {
        self.counters.open.load(Ordering::Relaxed)
    }

    /// Returns how many requests have been answered: the service returned a response
    /// (whatever its status) for them. A request whose service call failed, or that was
    /// cut off, is not counted.
    pub fn requests_served(&self) -> u64 {
        self.counters.requests.load(Ordering::Relaxed)
    }

    /// Counts an accepted connection as accepted and open; it stays open until the guard is
    /// dropped.
    pub(crate) fn connection_accepted(&self) -> OpenConnection {
        self.counters.accepted.fetch_add(1, Ordering::Relaxed);
        self.counters.open.fetch_add(1, Ordering::Relaxed);
        OpenConnection {
            stats: self.clone(),
        }
    }

    pub(crate) fn request_served(&self) {
        self.counters.requests.fetch_add(1, Ordering::Relaxed);
    }
}

impl fmt::Debug for Stats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Stats")
            .field("connections_accepted", &self.connections_accepted())
            .field("connections_open", &self.connections_open())
            .field("requests_served", &self.requests_served())
            .finish()
    }
}

/// Held by a connection's task: one open connection in [`Stats`].
#[derive(Debug)]
pub(crate) struct OpenConnection {
    stats: Stats,
}

impl Drop for OpenConnection {
    fn drop(&mut self) {
        self.stats.counters.open.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_counts_until_the_guard_drops_and_clones_share_counters() {
        let stats = Stats::default();
        let reader = stats.clone();
        let first = stats.connection_accepted();
        let second = stats.connection_accepted();
        assert_eq!(reader.connections_accepted(), 2);
        assert_eq!(reader.connections_open(), 2);
        drop(first);
        assert_eq!(reader.connections_open(), 1);
        drop(second);
        assert_eq!(reader.connections_open(), 0);
        assert_eq!(reader.connections_accepted(), 2);
        stats.request_served();
        assert_eq!(reader.requests_served(), 1);
        let debug = format!("{reader:?}");
        assert!(debug.contains("requests_served: 1"), "{debug}");
    }
}

//! Graceful shutdown: the server tells every connection to wind down, waits for them
//! (bounded by the drain deadline), then closes whatever is left.
//!
//! ```text
//!  signal ─► stop accepting (listener dropped: new connections are refused)
//!         ─► Phase::Draining  ── each connection: graceful_shutdown()
//!                                  HTTP/1: idle keep-alive closes now, a busy one after its response
//!                                  HTTP/2: GOAWAY, open streams finish
//!                                  not yet detected: closed at once
//!         ─► all connections gone? ── yes ─► done
//!                  │ no, drain deadline passed
//!                  ▼
//!            Phase::Closing ── each connection is dropped (closed without ceremony)
//! ```
//!
//! The phases travel on a `tokio::sync::watch` channel: the server holds the sender, each
//! connection task a receiver. The same channel counts the connections still alive: the
//! sender's [`closed`](watch::Sender::closed) resolves when the last receiver is dropped.

use std::future::Future;
use std::pin::{Pin, pin};
use std::time::Duration;

use futures_util::future::{Either, select};
use tokio::sync::watch;

/// Where a server is in its life, as its connections see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Phase {
    Running,
    /// Finish in-flight work, take no more, then close.
    Draining,
    /// The drain deadline passed: close now.
    Closing,
}

/// The server's end: moves every connection from phase to phase.
#[derive(Debug)]
pub(crate) struct Coordinator {
    tx: watch::Sender<Phase>,
}

impl Coordinator {
    pub(crate) fn new() -> Self {
        Self {
            tx: watch::Sender::new(Phase::Running),
        }
    }

    /// A watcher for one new connection; it counts as alive until dropped.
    pub(crate) fn watcher(&self) -> Watcher {
        Watcher {
            rx: self.tx.subscribe(),
        }
    }

    /// Tells every connection to drain, waits for them all to end, and after `deadline`
    /// closes the rest. Returns how many connections had to be cut off.
    ///
    /// # Cancel safety
    ///
    /// Dropping the future drops the coordinator, which closes every connection at once.
    pub(crate) async fn shutdown(self, deadline: Option<Duration>) -> usize {
        self.tx.send_replace(Phase::Draining);
        let open = self.tx.receiver_count();
        if open > 0 {
            tracing::debug!(open, ?deadline, "draining connections");
        }
        let Some(deadline) = deadline else {
            self.tx.closed().await;
            return 0;
        };
        if tokio::time::timeout(deadline, self.tx.closed())
            .await
            .is_ok()
        {
            return 0;
        }
        let left = self.tx.receiver_count();
        tracing::warn!(
            left,
            ?deadline,
            "drain deadline passed, closing the remaining connections"
        );
        self.tx.send_replace(Phase::Closing);
        self.tx.closed().await;
        left
    }
}

/// A connection's end: learns when to drain and when to close.
#[derive(Debug, Clone)]
pub(crate) struct Watcher {
    rx: watch::Receiver<Phase>,
}

impl Watcher {
    /// Resolves once the server has reached `phase` (or is gone, which counts as closing).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: it only reads the current phase.
    pub(crate) async fn reached(&mut self, phase: Phase) {
        // An error means the coordinator was dropped along with the server future: every
        // phase is then reached at once.
        let _ = self.rx.wait_for(|now| *now >= phase).await;
    }

    /// Runs `future` until it ends or the server reaches `phase`; `None` means the phase
    /// came first (and `future` was dropped).
    pub(crate) async fn until<F: Future>(&mut self, phase: Phase, future: F) -> Option<F::Output> {
        run_until(future, self.reached(phase)).await
    }
}

/// Runs `future` unless `stop` resolves first.
///
/// `stop` is polled first, every time: a shutdown wins over work that is ready at the same
/// moment, and a signal future gets its first poll (where signal handlers are often
/// installed) before anything else happens.
pub(crate) async fn run_until<F: Future, G: Future>(future: F, stop: G) -> Option<F::Output> {
    let future = pin!(future);
    let stop = pin!(stop);
    match select(stop, future).await {
        Either::Left((_, _)) => None,
        Either::Right((output, _)) => Some(output),
    }
}

/// A connection future that can be asked to wind down.
pub(crate) trait GracefulShutdown: Future {
    fn graceful_shutdown(self: Pin<&mut Self>);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn shutdown_waits_for_watchers_to_drop() {
        let coordinator = Coordinator::new();
        let mut watcher = coordinator.watcher();
        let conn = tokio::spawn(async move {
            watcher.reached(Phase::Draining).await;
            tokio::time::sleep(Duration::from_secs(2)).await; // finishing a request
            drop(watcher);
        });
        let started = tokio::time::Instant::now();
        let cut = coordinator.shutdown(Some(Duration::from_secs(10))).await;
        assert_eq!(cut, 0);
        assert_eq!(started.elapsed(), Duration::from_secs(2));
        conn.await.unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn deadline_moves_stragglers_to_closing() {
        let coordinator = Coordinator::new();
        let mut watcher = coordinator.watcher();
        let conn = tokio::spawn(async move {
            // Ignores draining; only closing stops it.
            watcher.reached(Phase::Closing).await;
        });
        let started = tokio::time::Instant::now();
        let cut = coordinator.shutdown(Some(Duration::from_secs(3))).await;
        assert_eq!(cut, 1);
        assert_eq!(started.elapsed(), Duration::from_secs(3));
        conn.await.unwrap();
    }

    #[tokio::test]
    async fn dropped_coordinator_counts_as_closing() {
        let coordinator = Coordinator::new();
        let mut watcher = coordinator.watcher();
        drop(coordinator);
        watcher.reached(Phase::Closing).await;
        let stopped = watcher
            .until(Phase::Draining, std::future::pending::<()>())
            .await;
        assert!(stopped.is_none());
    }

    #[tokio::test]
    async fn stop_wins_over_a_ready_future() {
        assert_eq!(run_until(async { 1 }, async {}).await, None);
        assert_eq!(
            run_until(async { 1 }, std::future::pending::<()>()).await,
            Some(1)
        );
    }

    #[tokio::test]
    async fn until_returns_the_output_while_running() {
        let coordinator = Coordinator::new();
        let mut watcher = coordinator.watcher();
        assert_eq!(watcher.until(Phase::Draining, async { 7 }).await, Some(7));
    }
}

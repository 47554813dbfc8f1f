//! HTTP/2 PINGs for two jobs: keep-alive (is the peer still there?) and the adaptive window
//! (how much data fits in the pipe?).
//!
//! h2 lets the user have one PING in flight at a time, so both jobs share it: a pong answers
//! whichever job asked, and proves liveness either way.
//!
//! **Keep-alive.** Every `interval`, send a PING; if no pong comes back within `timeout`, the
//! connection is dead and the driver fails it with a timeout error.
//!
//! **Adaptive window** (bandwidth-delay product). While data arrives, send a PING and count
//! the data bytes the service reads until the pong returns: that is roughly what the peer
//! could send in one round trip. If it filled at least two thirds of the current window, the
//! window is what limits throughput, so double it (up to [`BDP_LIMIT`]) and tell the
//! connection. A peer on a fast, far link gets a large window; a slow service keeps a small
//! one, because bytes are only counted when the service reads them.

use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use tokio::time::{Instant, Sleep};

/// The largest window the adaptive estimate grows to: 16 MiB.
pub(crate) const BDP_LIMIT: u32 = 16 * 1024 * 1024;

/// The connection-wide counters the received bodies feed.
#[derive(Default)]
struct Shared {
    /// Data bytes read by services since the current BDP ping was sent.
    bytes: usize,
    /// Whether anything was read since the last ping: a reason to send the next one.
    data_seen: bool,
    /// The connection task, woken when a BDP ping becomes due.
    waker: Option<Waker>,
}

fn lock(shared: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The handle every received HTTP/2 body holds to report the data it hands out.
///
/// It is a no-op when the adaptive window is off.
#[derive(Clone, Default)]
pub(crate) struct Recorder {
    shared: Option<Arc<Mutex<Shared>>>,
}

impl Recorder {
    /// Counts `len` data bytes taken by the reader.
    pub(crate) fn record_data(&self, len: usize) {
        let Some(shared) = &self.shared else {
            return;
        };
        let mut state = lock(shared);
        state.bytes = state.bytes.saturating_add(len);
        let first = !state.data_seen;
        state.data_seen = true;
        let waker = if first { state.waker.take() } else { None };
        drop(state);
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

/// Keep-alive settings: how often to ping and how long to wait for the pong.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeepAliveConfig {
    pub(crate) interval: Duration,
    pub(crate) timeout: Duration,
}

struct KeepAlive {
    config: KeepAliveConfig,
    /// While `awaiting_pong` is false: when the next ping is due. Otherwise: the deadline.
    timer: Pin<Box<Sleep>>,
    awaiting_pong: bool,
}

/// What the connection must act on after [`Pinger::poll`].
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Ponged {
    /// Raise the connection and stream windows to this size.
    WindowUpdate(u32),
    /// The peer did not answer a ping in time.
    KeepAliveTimedOut,
}

/// The connection's side: owns h2's `PingPong` and decides when to ping.
pub(crate) struct Pinger {
    ping_pong: h2::PingPong,
    shared: Option<Arc<Mutex<Shared>>>,
    /// The current adaptive window, when the adaptive window is on.
    window: Option<u32>,
    keep_alive: Option<KeepAlive>,
    in_flight: bool,
}

impl Pinger {
    /// Sets up pinging; returns `None` (and no recorder) when neither job is on.
    pub(crate) fn new(
        ping_pong: h2::PingPong,
        adaptive_window: Option<u32>,
        keep_alive: Option<KeepAliveConfig>,
    ) -> (Option<Self>, Recorder) {
        if adaptive_window.is_none() && keep_alive.is_none() {
            return (None, Recorder::default());
        }
        let shared = adaptive_window.map(|_| Arc::new(Mutex::new(Shared::default())));
        let recorder = Recorder {
            shared: shared.clone(),
        };
        let keep_alive = keep_alive.map(|config| KeepAlive {
            config,
            timer: Box::pin(tokio::time::sleep(config.interval)),
            awaiting_pong: false,
        });
        let pinger = Self {
            ping_pong,
            shared,
            window: adaptive_window,
            keep_alive,
            in_flight: false,
        };
        (Some(pinger), recorder)
    }

    /// Drives both jobs; returns `Ready` when the connection must act.
    pub(crate) fn poll(&mut self, cx: &mut Context<'_>) -> Poll<Ponged> {
        if self.in_flight {
            match self.ping_pong.poll_pong(cx) {
                Poll::Ready(Ok(_pong)) => {
                    self.in_flight = false;
                    if let Some(keep_alive) = &mut self.keep_alive {
                        keep_alive.awaiting_pong = false;
                        let next = Instant::now() + keep_alive.config.interval;
                        keep_alive.timer.as_mut().reset(next);
                    }
                    if let Some(window) = self.on_bdp_pong() {
                        return Poll::Ready(Ponged::WindowUpdate(window));
                    }
                }
                Poll::Ready(Err(err)) => {
                    // The connection is failing; h2 reports the error through `poll_accept`.
                    tracing::debug!(error = %err, "ping failed");
                    self.in_flight = false;
                }
                Poll::Pending => {}
            }
        }

        if let Some(keep_alive) = &mut self.keep_alive
            && keep_alive.timer.as_mut().poll(cx).is_ready()
        {
            if keep_alive.awaiting_pong {
                return Poll::Ready(Ponged::KeepAliveTimedOut);
            }
            // A ping already in flight (for the window) serves as the probe.
            if !self.in_flight {
                self.send_ping(cx);
            }
            if let Some(keep_alive) = &mut self.keep_alive {
                keep_alive.awaiting_pong = true;
                let deadline = Instant::now() + keep_alive.config.timeout;
                keep_alive.timer.as_mut().reset(deadline);
                // Register the new deadline with the timer.
                if keep_alive.timer.as_mut().poll(cx).is_ready() {
                    return Poll::Ready(Ponged::KeepAliveTimedOut);
                }
            }
        }

        if !self.in_flight && self.bdp_ping_due(cx) {
            self.send_ping(cx);
        }
        Poll::Pending
    }

    fn send_ping(&mut self, cx: &mut Context<'_>) {
        if let Some(shared) = &self.shared {
            let mut state = lock(shared);
            state.bytes = 0;
            state.data_seen = false;
        }
        match self.ping_pong.send_ping(h2::Ping::opaque()) {
            Ok(()) => {
                self.in_flight = true;
                // Poll once so that the pong wakes this task. It cannot be back already;
                // if it were, the next `poll` would simply send another ping.
                if self.ping_pong.poll_pong(cx).is_ready() {
                    self.in_flight = false;
                }
            }
            Err(err) => tracing::debug!(error = %err, "could not send ping"),
        }
    }

    /// Whether data was read since the last ping and the window can still grow.
    fn bdp_ping_due(&self, cx: &Context<'_>) -> bool {
        let (Some(shared), Some(window)) = (&self.shared, self.window) else {
            return false;
        };
        if window >= BDP_LIMIT {
            return false;
        }
        let mut state = lock(shared);
        if state.data_seen {
            return true;
        }
        match &state.waker {
            Some(waker) if waker.will_wake(cx.waker()) => {}
            _ => state.waker = Some(cx.waker().clone()),
        }
        false
    }

    /// Grows the window if the last round trip's data filled most of it.
    fn on_bdp_pong(&mut self) -> Option<u32> {
        let shared = self.shared.as_ref()?;
        let window = self.window?;
        let bytes = u32::try_from(lock(shared).bytes).unwrap_or(u32::MAX);
        let grown = next_window(window, bytes)?;
        self.window = Some(grown);
        Some(grown)
    }
}

/// The window after a round trip in which `bytes` were read, if it should grow.
fn next_window(window: u32, bytes: u32) -> Option<u32> {
    if u64::from(bytes) * 3 < u64::from(window) * 2 {
        return None;
    }
    let grown = bytes.saturating_mul(2).clamp(window, BDP_LIMIT);
    (grown > window).then_some(grown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_grows_when_a_round_trip_fills_it() {
        assert_eq!(next_window(65_535, 65_535), Some(131_070));
        assert_eq!(next_window(65_535, 50_000), Some(100_000));
    }

    #[test]
    fn window_stays_when_the_pipe_is_not_full() {
        assert_eq!(next_window(1_000_000, 600_000), None);
        assert_eq!(next_window(1_000_000, 0), None);
    }

    #[test]
    fn window_never_passes_the_limit() {
        assert_eq!(next_window(BDP_LIMIT / 2 + 1, u32::MAX), Some(BDP_LIMIT));
        assert_eq!(next_window(BDP_LIMIT, u32::MAX), None);
    }

    #[test]
    fn recorder_without_adaptive_window_is_a_no_op() {
        Recorder::default().record_data(100);
    }

    #[test]
    fn recorder_counts_bytes_and_marks_data_seen() {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let recorder = Recorder {
            shared: Some(Arc::clone(&shared)),
        };
        recorder.record_data(10);
        recorder.record_data(5);
        let state = lock(&shared);
        assert_eq!(state.bytes, 15);
        assert!(state.data_seen);
    }
}

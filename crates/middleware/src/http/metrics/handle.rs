//! [`RequestMetricsHandle`]: the shared, atomic request metrics.

use std::sync::Arc;

use tokio::time::Instant;

use super::counter::Guard;
use super::histogram::AtomicHistogram;
use super::{InFlightRequestsCounter, MetricsSnapshot, StatusClass};

/// The metrics that [`RequestMetrics`](super::RequestMetrics) services record into, and the
/// way to read them. Clones share the metrics.
///
/// Recording is lock-free: a call adds to atomics only (the in-flight gauge, one bucket,
/// one sum), with no lock and no allocation.
///
/// # Examples
///
/// ```
/// use spire_middleware::http::metrics::{RequestMetricsHandle, StatusClass};
///
/// let handle = RequestMetricsHandle::new();
/// let snapshot = handle.snapshot();
/// assert_eq!(snapshot.in_flight, 0);
/// assert_eq!(snapshot.count(StatusClass::Success), 0);
/// ```
#[derive(Clone, Debug, Default)]
pub struct RequestMetricsHandle {
    classes: Arc<[AtomicHistogram; 6]>,
    in_flight: InFlightRequestsCounter,
}

impl RequestMetricsHandle {
    /// Creates empty metrics.
    ///
    /// # Examples
    ///
    /// ```
    /// let handle = spire_middleware::http::metrics::RequestMetricsHandle::new();
    /// assert_eq!(handle.snapshot().total(), 0);
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads every counter now.
    ///
    /// # Examples
    ///
    /// ```
    /// let handle = spire_middleware::http::metrics::RequestMetricsHandle::new();
    /// assert_eq!(handle.snapshot(), Default::default());
    /// ```
    #[must_use]
    pub fn snapshot(&self) -> MetricsSnapshot {
        MetricsSnapshot {
            in_flight: self.in_flight.get(),
            classes: std::array::from_fn(|i| self.classes[i].snapshot()),
        }
    }

    /// The number of requests in flight now (the snapshot's `in_flight`, alone).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(spire_middleware::http::metrics::RequestMetricsHandle::new().in_flight(), 0);
    /// ```
    #[must_use]
    pub fn in_flight(&self) -> usize {
        self.in_flight.get()
    }

    /// Starts one call: counts it in flight until the guard is dropped, and clocks it.
    pub(super) fn start(&self) -> (Guard, Record) {
        let record = Record {
            classes: Arc::clone(&self.classes),
            start: Instant::now(),
        };
        (self.in_flight.increment(), record)
    }
}

/// One call's clock, and where its outcome goes.
#[derive(Debug)]
pub(super) struct Record {
    classes: Arc<[AtomicHistogram; 6]>,
    start: Instant,
}

impl Record {
    /// The call ended in `class`: count it, with the time since it started.
    pub(super) fn finish(self, class: StatusClass) {
        self.classes[class.index()].record(self.start.elapsed());
    }
}

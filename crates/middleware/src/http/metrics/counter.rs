//! [`InFlightRequestsCounter`] and the guard that holds one count.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The number of requests in flight through the [`InFlightRequests`](super::InFlightRequests)
/// services that share it. Clones share the count.
///
/// # Examples
///
/// ```
/// use spire_middleware::http::metrics::InFlightRequestsCounter;
///
/// let counter = InFlightRequestsCounter::new();
/// assert_eq!(counter.get(), 0);
/// ```
#[derive(Clone, Debug, Default)]
pub struct InFlightRequestsCounter {
    count: Arc<AtomicUsize>,
}

impl InFlightRequestsCounter {
    /// Creates a counter at zero.
    ///
    /// # Examples
    ///
    /// ```
    /// let _counter = spire_middleware::http::metrics::InFlightRequestsCounter::new();
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of requests in flight now.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(spire_middleware::http::metrics::InFlightRequestsCounter::new().get(), 0);
    /// ```
    #[must_use]
    pub fn get(&self) -> usize {
        // Relaxed: the value is a gauge, read on its own.
        self.count.load(Ordering::Relaxed)
    }

    /// Counts one more request until the returned guard is dropped.
    pub(super) fn increment(&self) -> Guard {
        self.count.fetch_add(1, Ordering::Relaxed);
        Guard {
            count: Arc::clone(&self.count),
        }
    }
}

/// One request's count, given back on drop.
#[derive(Debug)]
pub(super) struct Guard {
    count: Arc<AtomicUsize>,
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.count.fetch_sub(1, Ordering::Relaxed);
    }
}

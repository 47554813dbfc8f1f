//! [`MetricsSnapshot`]: what a [`RequestMetricsHandle`](super::RequestMetricsHandle)
//! reads.

use super::{LatencyHistogram, StatusClass};

/// The request metrics as read at one moment: a plain value, to export or compare.
///
/// Each counter is read on its own, so a snapshot taken while calls finish may count a
/// call in one place and not yet in another; a histogram's count and buckets always agree,
/// since the count is their sum.
///
/// # Examples
///
/// ```
/// use spire_middleware::http::metrics::{MetricsSnapshot, StatusClass};
///
/// let snapshot = MetricsSnapshot::default();
/// assert_eq!(snapshot.count(StatusClass::Success), 0);
/// assert_eq!(snapshot.total(), 0);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MetricsSnapshot {
    /// Requests in flight: from `call` until the response body is dropped.
    pub in_flight: usize,
    /// One latency histogram per class, indexed by [`StatusClass::index`]; its count is
    /// the number of calls that ended in that class.
    pub classes: [LatencyHistogram; 6],
}

impl MetricsSnapshot {
    /// The latency histogram of `class`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::metrics::{MetricsSnapshot, StatusClass};
    ///
    /// assert_eq!(MetricsSnapshot::default().class(StatusClass::Failed).count(), 0);
    /// ```
    #[must_use]
    pub const fn class(&self, class: StatusClass) -> &LatencyHistogram {
        &self.classes[class.index()]
    }

    /// The number of calls that ended in `class`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::metrics::{MetricsSnapshot, StatusClass};
    ///
    /// assert_eq!(MetricsSnapshot::default().count(StatusClass::ServerError), 0);
    /// ```
    #[must_use]
    pub fn count(&self, class: StatusClass) -> u64 {
        self.class(class).count()
    }

    /// The number of calls that ended, in every class.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(spire_middleware::http::metrics::MetricsSnapshot::default().total(), 0);
    /// ```
    #[must_use]
    pub fn total(&self) -> u64 {
        self.classes.iter().map(LatencyHistogram::count).sum()
    }
}

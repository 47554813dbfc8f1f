//! [`InFlightRequestsLayer`] and [`RequestMetricsLayer`].

use spire_service::Layer;

use super::{InFlightRequests, InFlightRequestsCounter, RequestMetrics, RequestMetricsHandle};

/// A [`Layer`] that wraps services in [`InFlightRequests`], all counting into one
/// [`InFlightRequestsCounter`].
///
/// # Examples
///
/// ```
/// use spire_middleware::http::metrics::{InFlightRequestsCounter, InFlightRequestsLayer};
///
/// let counter = InFlightRequestsCounter::new();
/// let _layer = InFlightRequestsLayer::new(counter.clone());
/// ```
#[derive(Clone, Debug)]
pub struct InFlightRequestsLayer {
    counter: InFlightRequestsCounter,
}

impl InFlightRequestsLayer {
    /// Creates a layer whose services count into `counter`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::metrics::{InFlightRequestsCounter, InFlightRequestsLayer};
    ///
    /// let _layer = InFlightRequestsLayer::new(InFlightRequestsCounter::new());
    /// ```
    #[must_use]
    pub fn new(counter: InFlightRequestsCounter) -> Self {
        Self { counter }
    }

    /// Creates a layer and the counter it counts into.
    ///
    /// # Examples
    ///
    /// ```
    /// let (_layer, counter) = spire_middleware::http::metrics::InFlightRequestsLayer::pair();
    /// assert_eq!(counter.get(), 0);
    /// ```
    #[must_use]
    pub fn pair() -> (Self, InFlightRequestsCounter) {
        let counter = InFlightRequestsCounter::new();
        (Self::new(counter.clone()), counter)
    }
}

impl<S> Layer<S> for InFlightRequestsLayer {
    type Service = InFlightRequests<S>;

    fn layer(&self, inner: S) -> InFlightRequests<S> {
        InFlightRequests::new(inner, self.counter.clone())
    }
}

/// A [`Layer`] that wraps services in [`RequestMetrics`], all recording into one
/// [`RequestMetricsHandle`].
///
/// # Examples
///
/// ```
/// use spire_middleware::http::metrics::{RequestMetricsHandle, RequestMetricsLayer};
///
/// let metrics = RequestMetricsHandle::new();
/// let _layer = RequestMetricsLayer::new(metrics.clone());
/// ```
#[derive(Clone, Debug)]
pub struct RequestMetricsLayer {
    metrics: RequestMetricsHandle,
}

impl RequestMetricsLayer {
    /// Creates a layer whose services record into `metrics`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::metrics::{RequestMetricsHandle, RequestMetricsLayer};
    ///
    /// let _layer = RequestMetricsLayer::new(RequestMetricsHandle::new());
    /// ```
    #[must_use]
    pub const fn new(metrics: RequestMetricsHandle) -> Self {
        Self { metrics }
    }

    /// Creates a layer and the handle to read what it records.
    ///
    /// # Examples
    ///
    /// ```
    /// let (_layer, metrics) = spire_middleware::http::metrics::RequestMetricsLayer::pair();
    /// assert_eq!(metrics.snapshot().total(), 0);
    /// ```
    #[must_use]
    pub fn pair() -> (Self, RequestMetricsHandle) {
        let metrics = RequestMetricsHandle::new();
        (Self::new(metrics.clone()), metrics)
    }
}

impl<S> Layer<S> for RequestMetricsLayer {
    type Service = RequestMetrics<S>;

    fn layer(&self, inner: S) -> RequestMetrics<S> {
        RequestMetrics::new(inner, self.metrics.clone())
    }
}

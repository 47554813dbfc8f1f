//! [`TimeoutLayer`].

use std::time::Duration;

use spire_service::Layer;

use super::Timeout;

/// A [`Layer`] that wraps services in the HTTP [`Timeout`], all with the same duration.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// use spire_middleware::http::timeout::TimeoutLayer;
///
/// let _layer = TimeoutLayer::new(Duration::from_secs(30));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct TimeoutLayer {
    timeout: Duration,
}

impl TimeoutLayer {
    /// Creates a layer whose services answer 408 to requests that take longer than
    /// `timeout`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let _layer = spire_middleware::http::timeout::TimeoutLayer::new(Duration::from_secs(1));
    /// ```
    #[must_use]
    pub const fn new(timeout: Duration) -> Self {
        Self { timeout }
    }
}

impl<S> Layer<S> for TimeoutLayer {
    type Service = Timeout<S>;

    fn layer(&self, inner: S) -> Timeout<S> {
        Timeout::new(inner, self.timeout)
    }
}

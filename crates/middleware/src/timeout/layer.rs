//! [`TimeoutLayer`].

use std::time::Duration;

use spire_service::Layer;

use super::Timeout;

/// A [`Layer`] that wraps services in [`Timeout`], all with the same duration.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// use spire_middleware::timeout::TimeoutLayer;
/// use spire_service::{BoxError, ServiceBuilder, ServiceExt};
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let svc = ServiceBuilder::new()
///     .layer(TimeoutLayer::new(Duration::from_secs(30)))
///     .service_fn(|x: u8| async move { Ok::<_, BoxError>(x) });
/// assert_eq!(svc.oneshot(1).await.unwrap(), 1);
/// # }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct TimeoutLayer {
    timeout: Duration,
}

impl TimeoutLayer {
    /// Creates a layer whose services fail calls that take longer than `timeout`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let _layer = spire_middleware::timeout::TimeoutLayer::new(Duration::from_secs(1));
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

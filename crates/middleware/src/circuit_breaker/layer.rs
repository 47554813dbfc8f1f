//! [`CircuitBreakerLayer`].

use std::time::Duration;

use spire_service::Layer;

use super::CircuitBreaker;

/// A [`Layer`] that wraps services in [`CircuitBreaker`]; each service built has its own
/// circuit, shared with its clones.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// use spire_middleware::circuit_breaker::CircuitBreakerLayer;
/// use spire_service::{BoxError, ServiceBuilder, ServiceExt};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let svc = ServiceBuilder::new()
///     .layer(CircuitBreakerLayer::new(5, Duration::from_secs(30)))
///     .service_fn(|x: u8| async move { Ok::<_, BoxError>(x) });
/// assert_eq!(svc.oneshot(1).await.unwrap(), 1);
/// # }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct CircuitBreakerLayer {
    failure_threshold: u32,
    open_for: Duration,
}

impl CircuitBreakerLayer {
    /// Creates a layer whose circuits open after `failure_threshold` failures in a row,
    /// for `open_for`.
    ///
    /// # Examples
    ///
    /// See [`CircuitBreakerLayer`].
    ///
    /// # Panics
    ///
    /// Panics if `failure_threshold` is zero.
    #[must_use]
    pub const fn new(failure_threshold: u32, open_for: Duration) -> Self {
        assert!(
            failure_threshold > 0,
            "a circuit breaker opens after at least one failure"
        );
        Self {
            failure_threshold,
            open_for,
        }
    }
}

impl<S> Layer<S> for CircuitBreakerLayer {
    type Service = CircuitBreaker<S>;

    fn layer(&self, inner: S) -> CircuitBreaker<S> {
        CircuitBreaker::new(inner, self.failure_threshold, self.open_for)
    }
}

//! [`ConcurrencyLimitLayer`] and [`GlobalConcurrencyLimitLayer`].

use std::sync::Arc;

use spire_service::Layer;
use tokio::sync::Semaphore;

use super::{ConcurrencyLimit, WhenFull};

/// A [`Layer`] that gives each service it wraps its own limit of `max` calls in flight.
///
/// Each service built gets a new semaphore (its clones share it). To share one limit
/// across every service built, use [`GlobalConcurrencyLimitLayer`].
///
/// # Examples
///
/// ```
/// use spire_middleware::limit::concurrency::ConcurrencyLimitLayer;
/// use spire_service::{BoxError, ServiceBuilder, ServiceExt};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let svc = ServiceBuilder::new()
///     .layer(ConcurrencyLimitLayer::new(2))
///     .service_fn(|x: u8| async move { Ok::<_, BoxError>(x) });
/// assert_eq!(svc.oneshot(5).await.unwrap(), 5);
/// # }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct ConcurrencyLimitLayer {
    max: usize,
    when_full: WhenFull,
}

impl ConcurrencyLimitLayer {
    /// Creates a layer with a limit of `max` calls in flight per service.
    ///
    /// # Examples
    ///
    /// ```
    /// let _layer = spire_middleware::limit::concurrency::ConcurrencyLimitLayer::new(100);
    /// ```
    #[must_use]
    pub const fn new(max: usize) -> Self {
        Self {
            max,
            when_full: WhenFull::Wait,
        }
    }

    /// Sets what the services do when full; see [`ConcurrencyLimit::when_full`].
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::limit::concurrency::{ConcurrencyLimitLayer, WhenFull};
    ///
    /// let _layer = ConcurrencyLimitLayer::new(100).when_full(WhenFull::Reject);
    /// ```
    #[must_use]
    pub const fn when_full(mut self, when_full: WhenFull) -> Self {
        self.when_full = when_full;
        self
    }
}

impl<S> Layer<S> for ConcurrencyLimitLayer {
    type Service = ConcurrencyLimit<S>;

    fn layer(&self, inner: S) -> ConcurrencyLimit<S> {
        ConcurrencyLimit::new(inner, self.max).when_full(self.when_full)
    }
}

/// A [`Layer`] whose services all share one semaphore: at most N calls in flight across
/// all of them together.
///
/// # Examples
///
/// ```
/// use spire_middleware::limit::concurrency::GlobalConcurrencyLimitLayer;
/// use spire_service::{Layer, service_fn};
///
/// let layer = GlobalConcurrencyLimitLayer::new(1);
/// let a = layer.layer(service_fn(|x: u8| async move { Ok::<_, std::io::Error>(x) }));
/// let b = layer.layer(service_fn(|x: u8| async move { Ok::<_, std::io::Error>(x + 1) }));
/// # let _ = (a, b);
/// // `a` and `b` cannot run calls at the same time
/// ```
#[derive(Clone, Debug)]
pub struct GlobalConcurrencyLimitLayer {
    semaphore: Arc<Semaphore>,
    when_full: WhenFull,
}

impl GlobalConcurrencyLimitLayer {
    /// Creates a layer whose services share a new semaphore of `max` permits.
    ///
    /// # Examples
    ///
    /// ```
    /// let _layer = spire_middleware::limit::concurrency::GlobalConcurrencyLimitLayer::new(64);
    /// ```
    #[must_use]
    pub fn new(max: usize) -> Self {
        Self::with_semaphore(Arc::new(Semaphore::new(max)))
    }

    /// Creates a layer whose services share `semaphore`, which other code may use too.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// use spire_middleware::limit::concurrency::GlobalConcurrencyLimitLayer;
    /// use tokio::sync::Semaphore;
    ///
    /// let semaphore = Arc::new(Semaphore::new(8));
    /// let _layer = GlobalConcurrencyLimitLayer::with_semaphore(Arc::clone(&semaphore));
    /// ```
    #[must_use]
    pub const fn with_semaphore(semaphore: Arc<Semaphore>) -> Self {
        Self {
            semaphore,
            when_full: WhenFull::Wait,
        }
    }

    /// Sets what the services do when full; see [`ConcurrencyLimit::when_full`].
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::limit::concurrency::{GlobalConcurrencyLimitLayer, WhenFull};
    ///
    /// let _layer = GlobalConcurrencyLimitLayer::new(8).when_full(WhenFull::Reject);
    /// ```
    #[must_use]
    pub const fn when_full(mut self, when_full: WhenFull) -> Self {
        self.when_full = when_full;
        self
    }
}

impl<S> Layer<S> for GlobalConcurrencyLimitLayer {
    type Service = ConcurrencyLimit<S>;

    fn layer(&self, inner: S) -> ConcurrencyLimit<S> {
        ConcurrencyLimit::with_semaphore(inner, Arc::clone(&self.semaphore))
            .when_full(self.when_full)
    }
}

//! [`RateLimitLayer`] and [`KeyedRateLimitLayer`].

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use spire_service::Layer;

use super::{KeyedRateLimit, Rate, RateLimit};

/// A [`Layer`] that wraps services in [`RateLimit`].
///
/// Each service it builds has its own budget, shared with that service's clones.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// use spire_middleware::limit::rate::RateLimitLayer;
/// use spire_service::{BoxError, ServiceBuilder, ServiceExt};
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let svc = ServiceBuilder::new()
///     .layer(RateLimitLayer::new(10, Duration::from_secs(1)))
///     .service_fn(|x: u8| async move { Ok::<_, BoxError>(x) });
/// assert_eq!(svc.oneshot(3).await.unwrap(), 3);
/// # }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct RateLimitLayer {
    rate: Rate,
}

impl RateLimitLayer {
    /// Creates a layer allowing `num` calls per `per` to each service it builds.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let _layer = spire_middleware::limit::rate::RateLimitLayer::new(10, Duration::from_secs(1));
    /// ```
    ///
    /// # Panics
    ///
    /// Panics if `num` or `per` is zero, as [`Rate::new`] does.
    #[must_use]
    pub const fn new(num: u64, per: Duration) -> Self {
        Self::with_rate(Rate::new(num, per))
    }

    /// Creates a layer allowing `rate` to each service it builds.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use spire_middleware::limit::rate::{Rate, RateLimitLayer};
    ///
    /// let _layer = RateLimitLayer::with_rate(Rate::new(10, Duration::from_secs(1)));
    /// ```
    #[must_use]
    pub const fn with_rate(rate: Rate) -> Self {
        Self { rate }
    }
}

impl<S> Layer<S> for RateLimitLayer {
    type Service = RateLimit<S>;

    fn layer(&self, inner: S) -> RateLimit<S> {
        RateLimit::with_rate(inner, self.rate)
    }
}

/// A [`Layer`] that wraps services in [`KeyedRateLimit`].
///
/// `K` is the key type `key` returns; it is usually inferred.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// use spire_middleware::limit::rate::KeyedRateLimitLayer;
/// use spire_service::{BoxError, ServiceBuilder, ServiceExt};
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// // requests are (client, payload); each client gets 2 calls a second
/// let svc = ServiceBuilder::new()
///     .layer(KeyedRateLimitLayer::new(2, Duration::from_secs(1), |req: &(u32, &str)| req.0))
///     .service_fn(|(_, payload): (u32, &'static str)| async move { Ok::<_, BoxError>(payload) });
/// assert_eq!(svc.oneshot((7, "hi")).await.unwrap(), "hi");
/// # }
/// ```
pub struct KeyedRateLimitLayer<K, F> {
    rate: Rate,
    key: F,
    _key: PhantomData<fn() -> K>,
}

impl<K, F> KeyedRateLimitLayer<K, F> {
    /// Creates a layer allowing `num` calls per `per` to each key that `key` computes.
    ///
    /// # Examples
    ///
    /// See [`KeyedRateLimitLayer`].
    ///
    /// # Panics
    ///
    /// Panics if `num` or `per` is zero, as [`Rate::new`] does.
    #[must_use]
    pub const fn new<Request>(num: u64, per: Duration, key: F) -> Self
    where
        F: Fn(&Request) -> K,
    {
        Self::with_rate(Rate::new(num, per), key)
    }

    /// Creates a layer allowing `rate` to each key that `key` computes.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use spire_middleware::limit::rate::{KeyedRateLimitLayer, Rate};
    ///
    /// let _layer = KeyedRateLimitLayer::with_rate(Rate::new(1, Duration::from_secs(1)), |user: &u64| *user);
    /// ```
    #[must_use]
    pub const fn with_rate<Request>(rate: Rate, key: F) -> Self
    where
        F: Fn(&Request) -> K,
    {
        Self {
            rate,
            key,
            _key: PhantomData,
        }
    }
}

impl<K, F: Clone> Clone for KeyedRateLimitLayer<K, F> {
    fn clone(&self) -> Self {
        Self {
            rate: self.rate,
            key: self.key.clone(),
            _key: PhantomData,
        }
    }
}

impl<S, K, F: Clone> Layer<S> for KeyedRateLimitLayer<K, F> {
    type Service = KeyedRateLimit<S, K, F>;

    fn layer(&self, inner: S) -> Self::Service {
        KeyedRateLimit::from_parts(inner, self.rate, self.key.clone())
    }
}

impl<K, F> fmt::Debug for KeyedRateLimitLayer<K, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyedRateLimitLayer")
            .field("rate", &self.rate)
            .field("key", &format_args!("{}", std::any::type_name::<F>()))
            .finish()
    }
}

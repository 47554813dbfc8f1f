//! [`ServiceBuilderExt`]: this crate's layers as [`ServiceBuilder`] methods.

use std::time::Duration;

use spire_service::ServiceBuilder;
use spire_service::layer::Stack;

use crate::buffer::BufferLayer;
use crate::circuit_breaker::CircuitBreakerLayer;
use crate::filter::{AsyncFilterLayer, FilterLayer};
use crate::hedge::HedgeLayer;
use crate::limit::concurrency::{ConcurrencyLimitLayer, GlobalConcurrencyLimitLayer};
use crate::limit::rate::{KeyedRateLimitLayer, RateLimitLayer};
use crate::load_shed::LoadShedLayer;
use crate::retry::RetryLayer;
use crate::spawn_ready::SpawnReadyLayer;
use crate::timeout::TimeoutLayer;

mod sealed {
    pub trait Sealed {}
}

impl<L> sealed::Sealed for ServiceBuilder<L> {}

/// Adds this crate's layers to a [`ServiceBuilder`] by name: `.timeout(d)`,
/// `.concurrency_limit(n)`, `.rate_limit(n, per)`, `.buffer(n)`, `.load_shed()`, ...
///
/// Each method is `.layer(FooLayer::new(..))`, so the order rule of `ServiceBuilder`
/// holds: the first layer added is the outermost. A common server stack reads:
///
/// ```text
///   load_shed ─► concurrency_limit ─► timeout ─► handler
///   (fail fast when full)  (cap the work)  (cap each call)
/// ```
///
/// The trait is sealed: it is implemented for `ServiceBuilder` only.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// use spire_middleware::ServiceBuilderExt;
/// use spire_service::{BoxError, ServiceBuilder, ServiceExt};
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let svc = ServiceBuilder::new()
///     .load_shed()
///     .concurrency_limit(100)
///     .timeout(Duration::from_secs(10))
///     .service_fn(|name: &'static str| async move { Ok::<_, BoxError>(format!("hello, {name}")) });
/// assert_eq!(svc.oneshot("spire").await.unwrap(), "hello, spire");
/// # }
/// ```
pub trait ServiceBuilderExt<L>: sealed::Sealed + Sized {
    /// Adds a [`TimeoutLayer`]: each call fails with
    /// [`Elapsed`](crate::timeout::Elapsed) after `timeout`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_service::ServiceBuilder;
    ///
    /// let _builder = ServiceBuilder::new().timeout(Duration::from_secs(30));
    /// ```
    fn timeout(self, timeout: Duration) -> ServiceBuilder<Stack<TimeoutLayer, L>>;

    /// Adds a [`ConcurrencyLimitLayer`]: at most `max` calls in flight per service built.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_service::ServiceBuilder;
    ///
    /// let _builder = ServiceBuilder::new().concurrency_limit(64);
    /// ```
    fn concurrency_limit(self, max: usize) -> ServiceBuilder<Stack<ConcurrencyLimitLayer, L>>;

    /// Adds a [`GlobalConcurrencyLimitLayer`]: at most `max` calls in flight across every
    /// service built.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_service::ServiceBuilder;
    ///
    /// let _builder = ServiceBuilder::new().global_concurrency_limit(64);
    /// ```
    fn global_concurrency_limit(
        self,
        max: usize,
    ) -> ServiceBuilder<Stack<GlobalConcurrencyLimitLayer, L>>;

    /// Adds a [`RateLimitLayer`]: at most `num` calls per `per`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_service::ServiceBuilder;
    ///
    /// let _builder = ServiceBuilder::new().rate_limit(100, Duration::from_secs(1));
    /// ```
    ///
    /// # Panics
    ///
    /// Panics if `num` or `per` is zero.
    fn rate_limit(self, num: u64, per: Duration) -> ServiceBuilder<Stack<RateLimitLayer, L>>;

    /// Adds a [`KeyedRateLimitLayer`]: at most `num` calls per `per` for each key that
    /// `key` computes from a request.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_service::ServiceBuilder;
    ///
    /// let _builder = ServiceBuilder::new()
    ///     .keyed_rate_limit(10, Duration::from_secs(1), |(client, _): &(u32, String)| *client);
    /// ```
    ///
    /// # Panics
    ///
    /// Panics if `num` or `per` is zero.
    fn keyed_rate_limit<Request, K, F>(
        self,
        num: u64,
        per: Duration,
        key: F,
    ) -> ServiceBuilder<Stack<KeyedRateLimitLayer<K, F>, L>>
    where
        F: Fn(&Request) -> K;

    /// Adds a [`BufferLayer`]: the service moves into a worker task behind a queue of
    /// `bound` requests, and becomes `Clone`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_service::ServiceBuilder;
    ///
    /// let _builder = ServiceBuilder::new().buffer::<String>(1024);
    /// ```
    ///
    /// # Panics
    ///
    /// Panics if `bound` is zero.
    fn buffer<Request>(self, bound: usize) -> ServiceBuilder<Stack<BufferLayer<Request>, L>>;

    /// Adds a [`LoadShedLayer`]: calls fail with [`Overloaded`](crate::error::Overloaded)
    /// instead of waiting when the inner service is not ready.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_service::ServiceBuilder;
    ///
    /// let _builder = ServiceBuilder::new().load_shed().concurrency_limit(10);
    /// ```
    fn load_shed(self) -> ServiceBuilder<Stack<LoadShedLayer, L>>;

    /// Adds a [`FilterLayer`]: each request goes through the
    /// [`Predicate`](crate::filter::Predicate) `predicate` first.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_service::ServiceBuilder;
    ///
    /// let _builder = ServiceBuilder::new().filter(|x: u32| if x > 0 { Ok(x) } else { Err("zero") });
    /// ```
    fn filter<P>(self, predicate: P) -> ServiceBuilder<Stack<FilterLayer<P>, L>>;

    /// Adds an [`AsyncFilterLayer`]: each request goes through the
    /// [`AsyncPredicate`](crate::filter::AsyncPredicate) `predicate` first.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_service::ServiceBuilder;
    ///
    /// let _builder = ServiceBuilder::new()
    ///     .filter_async(|x: u32| async move { if x > 0 { Ok(x) } else { Err("zero") } });
    /// ```
    fn filter_async<P>(self, predicate: P) -> ServiceBuilder<Stack<AsyncFilterLayer<P>, L>>;

    /// Adds a [`RetryLayer`]: failed calls are tried again as the
    /// [`Policy`](crate::retry::Policy) `policy` decides.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::{Ready, ready};
    ///
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_middleware::retry::Policy;
    /// use spire_service::ServiceBuilder;
    ///
    /// #[derive(Clone)]
    /// struct Once(bool);
    /// impl<Req: Clone, Res, E> Policy<Req, Res, E> for Once {
    ///     type Future = Ready<()>;
    ///     fn retry(&mut self, _: &mut Req, r: &mut Result<Res, E>) -> Option<Ready<()>> {
    ///         (r.is_err() && !std::mem::replace(&mut self.0, true)).then(|| ready(()))
    ///     }
    ///     fn clone_request(&mut self, req: &Req) -> Option<Req> {
    ///         Some(req.clone())
    ///     }
    /// }
    ///
    /// let _builder = ServiceBuilder::new().retry(Once(false));
    /// ```
    fn retry<P>(self, policy: P) -> ServiceBuilder<Stack<RetryLayer<P>, L>>;

    /// Adds a [`CircuitBreakerLayer`]: after `failure_threshold` failures in a row,
    /// calls fail with [`CircuitOpen`](crate::circuit_breaker::CircuitOpen) for
    /// `open_for`, then one probe decides.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_service::ServiceBuilder;
    ///
    /// let _builder = ServiceBuilder::new().circuit_breaker(5, Duration::from_secs(30));
    /// ```
    ///
    /// # Panics
    ///
    /// Panics if `failure_threshold` is zero.
    fn circuit_breaker(
        self,
        failure_threshold: u32,
        open_for: Duration,
    ) -> ServiceBuilder<Stack<CircuitBreakerLayer, L>>;

    /// Adds a [`HedgeLayer`]: a call slower than the `percentile` of the last `period`'s
    /// latencies gets a second copy, sent as the [`Policy`](crate::hedge::Policy)
    /// allows.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_middleware::hedge::Policy;
    /// use spire_service::ServiceBuilder;
    ///
    /// #[derive(Clone)]
    /// struct Reads;
    /// impl Policy<u64> for Reads {
    ///     fn clone_request(&self, key: &u64) -> Option<u64> { Some(*key) }
    ///     fn can_retry(&self, _: &u64) -> bool { true }
    /// }
    ///
    /// let _builder = ServiceBuilder::new().hedge(Reads, 100, 0.95, Duration::from_secs(10));
    /// ```
    ///
    /// # Panics
    ///
    /// Panics if `percentile` is not within `0.0..=1.0` or `period` is zero.
    fn hedge<P>(
        self,
        policy: P,
        min_data_points: u64,
        percentile: f64,
        period: Duration,
    ) -> ServiceBuilder<Stack<HedgeLayer<P>, L>>;

    /// Adds a [`SpawnReadyLayer`]: readiness is driven in a background task.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_service::ServiceBuilder;
    ///
    /// let _builder = ServiceBuilder::new().spawn_ready();
    /// ```
    fn spawn_ready(self) -> ServiceBuilder<Stack<SpawnReadyLayer, L>>;
}

impl<L> ServiceBuilderExt<L> for ServiceBuilder<L> {
    fn timeout(self, timeout: Duration) -> ServiceBuilder<Stack<TimeoutLayer, L>> {
        self.layer(TimeoutLayer::new(timeout))
    }

    fn concurrency_limit(self, max: usize) -> ServiceBuilder<Stack<ConcurrencyLimitLayer, L>> {
        self.layer(ConcurrencyLimitLayer::new(max))
    }

    fn global_concurrency_limit(
        self,
        max: usize,
    ) -> ServiceBuilder<Stack<GlobalConcurrencyLimitLayer, L>> {
        self.layer(GlobalConcurrencyLimitLayer::new(max))
    }

    fn rate_limit(self, num: u64, per: Duration) -> ServiceBuilder<Stack<RateLimitLayer, L>> {
        self.layer(RateLimitLayer::new(num, per))
    }

    fn keyed_rate_limit<Request, K, F>(
        self,
        num: u64,
        per: Duration,
        key: F,
    ) -> ServiceBuilder<Stack<KeyedRateLimitLayer<K, F>, L>>
    where
        F: Fn(&Request) -> K,
    {
        self.layer(KeyedRateLimitLayer::new(num, per, key))
    }

    fn buffer<Request>(self, bound: usize) -> ServiceBuilder<Stack<BufferLayer<Request>, L>> {
        self.layer(BufferLayer::new(bound))
    }

    fn load_shed(self) -> ServiceBuilder<Stack<LoadShedLayer, L>> {
        self.layer(LoadShedLayer::new())
    }

    fn filter<P>(self, predicate: P) -> ServiceBuilder<Stack<FilterLayer<P>, L>> {
        self.layer(FilterLayer::new(predicate))
    }

    fn filter_async<P>(self, predicate: P) -> ServiceBuilder<Stack<AsyncFilterLayer<P>, L>> {
        self.layer(AsyncFilterLayer::new(predicate))
    }

    fn retry<P>(self, policy: P) -> ServiceBuilder<Stack<RetryLayer<P>, L>> {
        self.layer(RetryLayer::new(policy))
    }

    fn circuit_breaker(
        self,
        failure_threshold: u32,
        open_for: Duration,
    ) -> ServiceBuilder<Stack<CircuitBreakerLayer, L>> {
        self.layer(CircuitBreakerLayer::new(failure_threshold, open_for))
    }

    fn hedge<P>(
        self,
        policy: P,
        min_data_points: u64,
        percentile: f64,
        period: Duration,
    ) -> ServiceBuilder<Stack<HedgeLayer<P>, L>> {
        self.layer(HedgeLayer::new(policy, min_data_points, percentile, period))
    }

    fn spawn_ready(self) -> ServiceBuilder<Stack<SpawnReadyLayer, L>> {
        self.layer(SpawnReadyLayer::new())
    }
}

//! [`ServiceBuilderExt`]: this crate's layers as [`ServiceBuilder`] methods.

use std::time::Duration;

use spire_service::ServiceBuilder;
use spire_service::layer::Stack;

use crate::buffer::BufferLayer;
use crate::circuit_breaker::CircuitBreakerLayer;
use crate::filter::{AsyncFilterLayer, FilterLayer};
use crate::hedge::HedgeLayer;
#[cfg(feature = "http")]
use crate::http::{
    catch_panic::CatchPanicLayer,
    compression::CompressionLayer,
    decompression::{DecompressionLayer, RequestDecompressionLayer},
    follow_redirect::FollowRedirectLayer,
    limit::RequestBodyLimitLayer,
    load_shed::LoadShedLayer as HttpLoadShedLayer,
    map_request_body::MapRequestBodyLayer,
    map_response_body::MapResponseBodyLayer,
    metrics::{
        InFlightRequestsCounter, InFlightRequestsLayer, RequestMetricsHandle, RequestMetricsLayer,
    },
    normalize_path::NormalizePathLayer,
    propagate_header::PropagateHeaderLayer,
    request_id::{PropagateRequestIdLayer, SetRequestIdLayer},
    retry::RetryLayer as HttpRetryLayer,
    sensitive_headers::{
        SetSensitiveHeadersLayer, SetSensitiveRequestHeadersLayer, SetSensitiveResponseHeadersLayer,
    },
    set_header::{SetRequestHeaderLayer, SetResponseHeaderLayer},
    timeout::TimeoutLayer as HttpTimeoutLayer,
    trace::TraceLayer,
};
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

    /// Adds a [`SetRequestHeaderLayer`] that sets `header_name` on every request, replacing any value.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_service::ServiceBuilder;
    ///
    /// let _builder = ServiceBuilder::new()
    ///     .override_request_header(http::header::USER_AGENT, http::HeaderValue::from_static("spire"));
    /// ```
    #[cfg(feature = "http")]
    fn override_request_header<M>(
        self,
        header_name: http::HeaderName,
        make: M,
    ) -> ServiceBuilder<Stack<SetRequestHeaderLayer<M>, L>>;

    /// Adds a [`SetRequestHeaderLayer`] that appends a value of `header_name` to every request.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_service::ServiceBuilder;
    ///
    /// let _builder = ServiceBuilder::new()
    ///     .append_request_header(http::header::ACCEPT, http::HeaderValue::from_static("*/*"));
    /// ```
    #[cfg(feature = "http")]
    fn append_request_header<M>(
        self,
        header_name: http::HeaderName,
        make: M,
    ) -> ServiceBuilder<Stack<SetRequestHeaderLayer<M>, L>>;

    /// Adds a [`SetRequestHeaderLayer`] that sets `header_name` on requests that lack it.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_service::ServiceBuilder;
    ///
    /// let _builder = ServiceBuilder::new()
    ///     .insert_request_header_if_not_present(http::header::ACCEPT, http::HeaderValue::from_static("*/*"));
    /// ```
    #[cfg(feature = "http")]
    fn insert_request_header_if_not_present<M>(
        self,
        header_name: http::HeaderName,
        make: M,
    ) -> ServiceBuilder<Stack<SetRequestHeaderLayer<M>, L>>;

    /// Adds a [`SetResponseHeaderLayer`] that sets `header_name` on every response, replacing any value.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_service::ServiceBuilder;
    ///
    /// let _builder = ServiceBuilder::new()
    ///     .override_response_header(http::header::SERVER, http::HeaderValue::from_static("spire"));
    /// ```
    #[cfg(feature = "http")]
    fn override_response_header<M>(
        self,
        header_name: http::HeaderName,
        make: M,
    ) -> ServiceBuilder<Stack<SetResponseHeaderLayer<M>, L>>;

    /// Adds a [`SetResponseHeaderLayer`] that appends a value of `header_name` to every response.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_service::ServiceBuilder;
    ///
    /// let _builder = ServiceBuilder::new()
    ///     .append_response_header(http::header::VARY, http::HeaderValue::from_static("accept"));
    /// ```
    #[cfg(feature = "http")]
    fn append_response_header<M>(
        self,
        header_name: http::HeaderName,
        make: M,
    ) -> ServiceBuilder<Stack<SetResponseHeaderLayer<M>, L>>;

    /// Adds a [`SetResponseHeaderLayer`] that sets `header_name` on responses that lack it.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_service::ServiceBuilder;
    ///
    /// let _builder = ServiceBuilder::new()
    ///     .insert_response_header_if_not_present(http::header::CONTENT_TYPE, http::HeaderValue::from_static("text/plain"));
    /// ```
    #[cfg(feature = "http")]
    fn insert_response_header_if_not_present<M>(
        self,
        header_name: http::HeaderName,
        make: M,
    ) -> ServiceBuilder<Stack<SetResponseHeaderLayer<M>, L>>;

    /// Adds a [`PropagateHeaderLayer`]: `header_name` is copied from each request to its response.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_service::ServiceBuilder;
    ///
    /// let _builder = ServiceBuilder::new().propagate_header(http::HeaderName::from_static("x-trace"));
    /// ```
    #[cfg(feature = "http")]
    fn propagate_header(
        self,
        header_name: http::HeaderName,
    ) -> ServiceBuilder<Stack<PropagateHeaderLayer, L>>;

    /// Adds a [`SetSensitiveHeadersLayer`]: `headers` are marked sensitive on requests and responses.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_service::ServiceBuilder;
    ///
    /// let _builder = ServiceBuilder::new().sensitive_headers([http::header::AUTHORIZATION, http::header::COOKIE]);
    /// ```
    #[cfg(feature = "http")]
    fn sensitive_headers(
        self,
        headers: impl IntoIterator<Item = http::HeaderName>,
    ) -> ServiceBuilder<Stack<SetSensitiveHeadersLayer, L>>;

    /// Adds a [`SetSensitiveRequestHeadersLayer`]: `headers` are marked sensitive on requests.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_service::ServiceBuilder;
    ///
    /// let _builder = ServiceBuilder::new().sensitive_request_headers([http::header::AUTHORIZATION]);
    /// ```
    #[cfg(feature = "http")]
    fn sensitive_request_headers(
        self,
        headers: impl IntoIterator<Item = http::HeaderName>,
    ) -> ServiceBuilder<Stack<SetSensitiveRequestHeadersLayer, L>>;

    /// Adds a [`SetSensitiveResponseHeadersLayer`]: `headers` are marked sensitive on responses.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_service::ServiceBuilder;
    ///
    /// let _builder = ServiceBuilder::new().sensitive_response_headers([http::header::SET_COOKIE]);
    /// ```
    #[cfg(feature = "http")]
    fn sensitive_response_headers(
        self,
        headers: impl IntoIterator<Item = http::HeaderName>,
    ) -> ServiceBuilder<Stack<SetSensitiveResponseHeadersLayer, L>>;

    /// Adds a [`SetRequestIdLayer`]: requests without `header_name` get an id from `make`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_service::ServiceBuilder;
    ///
    /// use spire_middleware::http::request_id::MakeRequestHex;
    ///
    /// let _builder = ServiceBuilder::new()
    ///     .set_request_id(http::HeaderName::from_static("x-correlation-id"), MakeRequestHex::new());
    /// ```
    #[cfg(feature = "http")]
    fn set_request_id<M>(
        self,
        header_name: http::HeaderName,
        make: M,
    ) -> ServiceBuilder<Stack<SetRequestIdLayer<M>, L>>;

    /// Adds a [`SetRequestIdLayer`] on the `x-request-id` header.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_service::ServiceBuilder;
    ///
    /// use spire_middleware::http::request_id::MakeRequestHex;
    ///
    /// let _builder = ServiceBuilder::new().set_x_request_id(MakeRequestHex::new());
    /// ```
    #[cfg(feature = "http")]
    fn set_x_request_id<M>(self, make: M) -> ServiceBuilder<Stack<SetRequestIdLayer<M>, L>>;

    /// Adds a [`PropagateRequestIdLayer`]: the id in `header_name` is copied to the response.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_service::ServiceBuilder;
    ///
    /// let _builder = ServiceBuilder::new().propagate_request_id(http::HeaderName::from_static("x-correlation-id"));
    /// ```
    #[cfg(feature = "http")]
    fn propagate_request_id(
        self,
        header_name: http::HeaderName,
    ) -> ServiceBuilder<Stack<PropagateRequestIdLayer, L>>;

    /// Adds a [`PropagateRequestIdLayer`] on the `x-request-id` header.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_service::ServiceBuilder;
    ///
    /// let _builder = ServiceBuilder::new().propagate_x_request_id();
    /// ```
    #[cfg(feature = "http")]
    fn propagate_x_request_id(self) -> ServiceBuilder<Stack<PropagateRequestIdLayer, L>>;

    /// Adds a [`RequestBodyLimitLayer`]: request bodies over `limit` bytes are refused (413 up front, or an error mid-stream).
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_service::ServiceBuilder;
    ///
    /// let _builder = ServiceBuilder::new().request_body_limit(1024 * 1024);
    /// ```
    #[cfg(feature = "http")]
    fn request_body_limit(self, limit: usize) -> ServiceBuilder<Stack<RequestBodyLimitLayer, L>>;

    /// Adds a [`CatchPanicLayer`]: a panic in the service becomes a 500.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_service::ServiceBuilder;
    ///
    /// let _builder = ServiceBuilder::new().catch_panic();
    /// ```
    #[cfg(feature = "http")]
    fn catch_panic(self) -> ServiceBuilder<Stack<CatchPanicLayer, L>>;

    /// Adds a [`NormalizePathLayer`] that removes trailing slashes: `/foo/` becomes `/foo`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_service::ServiceBuilder;
    ///
    /// let _builder = ServiceBuilder::new().trim_trailing_slash();
    /// ```
    #[cfg(feature = "http")]
    fn trim_trailing_slash(self) -> ServiceBuilder<Stack<NormalizePathLayer, L>>;

    /// Adds a [`NormalizePathLayer`] that adds a trailing slash: `/foo` becomes `/foo/`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_service::ServiceBuilder;
    ///
    /// let _builder = ServiceBuilder::new().append_trailing_slash();
    /// ```
    #[cfg(feature = "http")]
    fn append_trailing_slash(self) -> ServiceBuilder<Stack<NormalizePathLayer, L>>;

    /// Adds a [`MapRequestBodyLayer`]: each request body `b` becomes `f(b)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_body::{BodyExt, Full};
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_service::ServiceBuilder;
    ///
    /// let _builder = ServiceBuilder::new().map_request_body(|body: Full<bytes::Bytes>| body.limited(1024));
    /// ```
    #[cfg(feature = "http")]
    fn map_request_body<F>(self, f: F) -> ServiceBuilder<Stack<MapRequestBodyLayer<F>, L>>;

    /// Adds a [`MapResponseBodyLayer`]: each response body `b` becomes `f(b)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_body::{BodyExt, Full};
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_service::ServiceBuilder;
    ///
    /// let _builder = ServiceBuilder::new().map_response_body(|body: Full<bytes::Bytes>| body.boxed());
    /// ```
    #[cfg(feature = "http")]
    fn map_response_body<F>(self, f: F) -> ServiceBuilder<Stack<MapResponseBodyLayer<F>, L>>;

    /// Adds a [`TraceLayer`] with the defaults: a `DEBUG` span per request (method, uri,
    /// version, then status and latency), the default events, and `5xx` responses and
    /// errors reported as failures.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_service::ServiceBuilder;
    ///
    /// let _builder = ServiceBuilder::new().trace_for_http();
    /// ```
    #[cfg(feature = "http")]
    fn trace_for_http(self) -> ServiceBuilder<Stack<TraceLayer, L>>;

    /// Adds a [`TraceLayer`] with your `hooks` (a
    /// [`TraceHooks`](crate::http::trace::TraceHooks)) and `classifier` (a
    /// [`Classify`](crate::http::trace::Classify)).
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_middleware::http::trace::{DefaultHooks, StatusInRangeAsFailures};
    /// use spire_service::ServiceBuilder;
    ///
    /// let _builder = ServiceBuilder::new().trace(
    ///     DefaultHooks::new().level(tracing::Level::INFO),
    ///     StatusInRangeAsFailures::for_client(),
    /// );
    /// ```
    #[cfg(feature = "http")]
    fn trace<H, C>(self, hooks: H, classifier: C) -> ServiceBuilder<Stack<TraceLayer<H, C>, L>>;

    /// Adds a [`RequestMetricsLayer`]: calls are counted by status class, with a latency
    /// histogram per class and the requests in flight, into `metrics`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_middleware::http::metrics::RequestMetricsHandle;
    /// use spire_service::ServiceBuilder;
    ///
    /// let metrics = RequestMetricsHandle::new();
    /// let _builder = ServiceBuilder::new().request_metrics(metrics.clone());
    /// assert_eq!(metrics.snapshot().total(), 0);
    /// ```
    #[cfg(feature = "http")]
    fn request_metrics(
        self,
        metrics: RequestMetricsHandle,
    ) -> ServiceBuilder<Stack<RequestMetricsLayer, L>>;

    /// Adds an [`InFlightRequestsLayer`]: the requests in flight, response bodies included,
    /// are counted into `counter`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_middleware::http::metrics::InFlightRequestsCounter;
    /// use spire_service::ServiceBuilder;
    ///
    /// let counter = InFlightRequestsCounter::new();
    /// let _builder = ServiceBuilder::new().in_flight_requests(counter.clone());
    /// assert_eq!(counter.get(), 0);
    /// ```
    #[cfg(feature = "http")]
    fn in_flight_requests(
        self,
        counter: InFlightRequestsCounter,
    ) -> ServiceBuilder<Stack<InFlightRequestsLayer, L>>;

    /// Adds a [`CompressionLayer`] with its defaults: responses are compressed with gzip
    /// or deflate, as the request's `Accept-Encoding` prefers (bodies under 32 bytes,
    /// event streams and images excepted).
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_service::ServiceBuilder;
    ///
    /// let _builder = ServiceBuilder::new().compression();
    /// ```
    #[cfg(feature = "http")]
    fn compression(self) -> ServiceBuilder<Stack<CompressionLayer, L>>;

    /// Adds a [`DecompressionLayer`] with its defaults (client side): requests ask for
    /// gzip and deflate, and such responses are decoded, at most 64 MiB and a ratio of
    /// 100 per body.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_service::ServiceBuilder;
    ///
    /// let _builder = ServiceBuilder::new().decompression();
    /// ```
    #[cfg(feature = "http")]
    fn decompression(self) -> ServiceBuilder<Stack<DecompressionLayer, L>>;

    /// Adds a [`RequestDecompressionLayer`] with its defaults (server side): gzip and
    /// deflate request bodies are decoded, at most 64 MiB and a ratio of 100 per body;
    /// other codings are answered 415.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_service::ServiceBuilder;
    ///
    /// let _builder = ServiceBuilder::new().request_decompression();
    /// ```
    #[cfg(feature = "http")]
    fn request_decompression(self) -> ServiceBuilder<Stack<RequestDecompressionLayer, L>>;

    /// Adds a [`FollowRedirectLayer`] with the standard policy: redirects (301, 302, 303,
    /// 307, 308) are followed, at most 20 hops, and `Authorization`, `Proxy-Authorization`
    /// and `Cookie` are dropped when the origin changes. For clients.
    ///
    /// The services built take `Request<B>` and call the inner service with
    /// `Request<ReplayBody<B>>`, so that a 307 or 308 can send the body again.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    /// use http::{Request, Response, StatusCode, header};
    /// use spire_body::Full;
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_middleware::http::follow_redirect::RequestUri;
    /// use spire_middleware::http::replay::ReplayBody;
    /// use spire_service::{ServiceBuilder, ServiceExt};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc = ServiceBuilder::new()
    ///     .follow_redirects()
    ///     .service_fn(|request: Request<ReplayBody<Full<Bytes>>>| async move {
    ///         let mut response = Response::new(());
    ///         if request.uri().path() == "/old" {
    ///             *response.status_mut() = StatusCode::FOUND;
    ///             response.headers_mut().insert(header::LOCATION, "/new".parse().unwrap());
    ///         }
    ///         Ok::<_, std::convert::Infallible>(response)
    ///     });
    /// let request = Request::get("http://example.com/old").body(Full::new(Bytes::new())).unwrap();
    /// let response = svc.oneshot(request).await.unwrap();
    /// assert_eq!(response.extensions().get::<RequestUri>().unwrap().0, "http://example.com/new");
    /// # }
    /// ```
    #[cfg(feature = "http")]
    fn follow_redirects(self) -> ServiceBuilder<Stack<FollowRedirectLayer, L>>;

    /// Adds a [`FollowRedirectLayer`] that follows redirects as `policy` decides (a
    /// [`follow_redirect::Policy`](crate::http::follow_redirect::Policy)).
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_middleware::http::follow_redirect::{Limited, Policy, SameOrigin};
    /// use spire_service::ServiceBuilder;
    ///
    /// let _builder = ServiceBuilder::new().follow_redirects_with(Limited::new(5).and(SameOrigin::new()));
    /// ```
    #[cfg(feature = "http")]
    fn follow_redirects_with<P>(
        self,
        policy: P,
    ) -> ServiceBuilder<Stack<FollowRedirectLayer<P>, L>>;

    /// Adds the HTTP [`RetryLayer`](crate::http::retry::RetryLayer): requests are retried
    /// as `policy` decides (usually a
    /// [`RetryPolicy`](crate::http::retry::RetryPolicy): idempotent methods, on errors and
    /// 502/503/504, at most 3 attempts, with backoff, within a retry budget), their bodies
    /// replayed from a buffer of up to 64 KiB.
    ///
    /// The services built take `Request<B>` and call the inner service with
    /// `Request<ReplayBody<B>>`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use bytes::Bytes;
    /// use http::{Request, Response};
    /// use spire_body::Full;
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_middleware::http::replay::ReplayBody;
    /// use spire_middleware::http::retry::RetryPolicy;
    /// use spire_service::{BoxError, ServiceBuilder, ServiceExt};
    ///
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// // The client stack: the timeout bounds all attempts, redirect chains are retried whole.
    /// let svc = ServiceBuilder::new()
    ///     .timeout(Duration::from_secs(30))
    ///     .retry_http(RetryPolicy::new())
    ///     .follow_redirects()
    ///     .service_fn(|_: Request<ReplayBody<ReplayBody<Full<Bytes>>>>| async {
    ///         Ok::<_, BoxError>(Response::new(()))
    ///     });
    /// let request = Request::get("http://example.com/").body(Full::new(Bytes::new())).unwrap();
    /// assert!(svc.oneshot(request).await.is_ok());
    /// # }
    /// ```
    #[cfg(feature = "http")]
    fn retry_http<P>(self, policy: P) -> ServiceBuilder<Stack<HttpRetryLayer<P>, L>>;

    /// Adds an HTTP [`TimeoutLayer`](crate::http::timeout::TimeoutLayer): a request that
    /// takes longer than `timeout` is answered `408 Request Timeout` (the generic
    /// [`timeout`](Self::timeout) fails the call with an error instead).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_service::ServiceBuilder;
    ///
    /// let _builder = ServiceBuilder::new().http_timeout(Duration::from_secs(30));
    /// ```
    #[cfg(feature = "http")]
    fn http_timeout(self, timeout: Duration) -> ServiceBuilder<Stack<HttpTimeoutLayer, L>>;

    /// Adds an HTTP [`LoadShedLayer`](crate::http::load_shed::LoadShedLayer): when the
    /// inner service is not ready, the request is answered `503 Service Unavailable` at
    /// once (the generic [`load_shed`](Self::load_shed) fails the call with an error
    /// instead).
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::ServiceBuilderExt;
    /// use spire_service::ServiceBuilder;
    ///
    /// let _builder = ServiceBuilder::new().http_load_shed().concurrency_limit(512);
    /// ```
    #[cfg(feature = "http")]
    fn http_load_shed(self) -> ServiceBuilder<Stack<HttpLoadShedLayer, L>>;
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

    #[cfg(feature = "http")]
    fn override_request_header<M>(
        self,
        header_name: http::HeaderName,
        make: M,
    ) -> ServiceBuilder<Stack<SetRequestHeaderLayer<M>, L>> {
        self.layer(SetRequestHeaderLayer::overriding(header_name, make))
    }

    #[cfg(feature = "http")]
    fn append_request_header<M>(
        self,
        header_name: http::HeaderName,
        make: M,
    ) -> ServiceBuilder<Stack<SetRequestHeaderLayer<M>, L>> {
        self.layer(SetRequestHeaderLayer::appending(header_name, make))
    }

    #[cfg(feature = "http")]
    fn insert_request_header_if_not_present<M>(
        self,
        header_name: http::HeaderName,
        make: M,
    ) -> ServiceBuilder<Stack<SetRequestHeaderLayer<M>, L>> {
        self.layer(SetRequestHeaderLayer::if_not_present(header_name, make))
    }

    #[cfg(feature = "http")]
    fn override_response_header<M>(
        self,
        header_name: http::HeaderName,
        make: M,
    ) -> ServiceBuilder<Stack<SetResponseHeaderLayer<M>, L>> {
        self.layer(SetResponseHeaderLayer::overriding(header_name, make))
    }

    #[cfg(feature = "http")]
    fn append_response_header<M>(
        self,
        header_name: http::HeaderName,
        make: M,
    ) -> ServiceBuilder<Stack<SetResponseHeaderLayer<M>, L>> {
        self.layer(SetResponseHeaderLayer::appending(header_name, make))
    }

    #[cfg(feature = "http")]
    fn insert_response_header_if_not_present<M>(
        self,
        header_name: http::HeaderName,
        make: M,
    ) -> ServiceBuilder<Stack<SetResponseHeaderLayer<M>, L>> {
        self.layer(SetResponseHeaderLayer::if_not_present(header_name, make))
    }

    #[cfg(feature = "http")]
    fn propagate_header(
        self,
        header_name: http::HeaderName,
    ) -> ServiceBuilder<Stack<PropagateHeaderLayer, L>> {
        self.layer(PropagateHeaderLayer::new(header_name))
    }

    #[cfg(feature = "http")]
    fn sensitive_headers(
        self,
        headers: impl IntoIterator<Item = http::HeaderName>,
    ) -> ServiceBuilder<Stack<SetSensitiveHeadersLayer, L>> {
        self.layer(SetSensitiveHeadersLayer::new(headers))
    }

    #[cfg(feature = "http")]
    fn sensitive_request_headers(
        self,
        headers: impl IntoIterator<Item = http::HeaderName>,
    ) -> ServiceBuilder<Stack<SetSensitiveRequestHeadersLayer, L>> {
        self.layer(SetSensitiveRequestHeadersLayer::new(headers))
    }

    #[cfg(feature = "http")]
    fn sensitive_response_headers(
        self,
        headers: impl IntoIterator<Item = http::HeaderName>,
    ) -> ServiceBuilder<Stack<SetSensitiveResponseHeadersLayer, L>> {
        self.layer(SetSensitiveResponseHeadersLayer::new(headers))
    }

    #[cfg(feature = "http")]
    fn set_request_id<M>(
        self,
        header_name: http::HeaderName,
        make: M,
    ) -> ServiceBuilder<Stack<SetRequestIdLayer<M>, L>> {
        self.layer(SetRequestIdLayer::new(header_name, make))
    }

    #[cfg(feature = "http")]
    fn set_x_request_id<M>(self, make: M) -> ServiceBuilder<Stack<SetRequestIdLayer<M>, L>> {
        self.layer(SetRequestIdLayer::x_request_id(make))
    }

    #[cfg(feature = "http")]
    fn propagate_request_id(
        self,
        header_name: http::HeaderName,
    ) -> ServiceBuilder<Stack<PropagateRequestIdLayer, L>> {
        self.layer(PropagateRequestIdLayer::new(header_name))
    }

    #[cfg(feature = "http")]
    fn propagate_x_request_id(self) -> ServiceBuilder<Stack<PropagateRequestIdLayer, L>> {
        self.layer(PropagateRequestIdLayer::x_request_id())
    }

    #[cfg(feature = "http")]
    fn request_body_limit(self, limit: usize) -> ServiceBuilder<Stack<RequestBodyLimitLayer, L>> {
        self.layer(RequestBodyLimitLayer::new(limit))
    }

    #[cfg(feature = "http")]
    fn catch_panic(self) -> ServiceBuilder<Stack<CatchPanicLayer, L>> {
        self.layer(CatchPanicLayer::new())
    }

    #[cfg(feature = "http")]
    fn trim_trailing_slash(self) -> ServiceBuilder<Stack<NormalizePathLayer, L>> {
        self.layer(NormalizePathLayer::trim_trailing_slash())
    }

    #[cfg(feature = "http")]
    fn append_trailing_slash(self) -> ServiceBuilder<Stack<NormalizePathLayer, L>> {
        self.layer(NormalizePathLayer::append_trailing_slash())
    }

    #[cfg(feature = "http")]
    fn map_request_body<F>(self, f: F) -> ServiceBuilder<Stack<MapRequestBodyLayer<F>, L>> {
        self.layer(MapRequestBodyLayer::new(f))
    }

    #[cfg(feature = "http")]
    fn map_response_body<F>(self, f: F) -> ServiceBuilder<Stack<MapResponseBodyLayer<F>, L>> {
        self.layer(MapResponseBodyLayer::new(f))
    }

    #[cfg(feature = "http")]
    fn trace_for_http(self) -> ServiceBuilder<Stack<TraceLayer, L>> {
        self.layer(TraceLayer::for_http())
    }

    #[cfg(feature = "http")]
    fn trace<H, C>(self, hooks: H, classifier: C) -> ServiceBuilder<Stack<TraceLayer<H, C>, L>> {
        self.layer(TraceLayer::new(hooks, classifier))
    }

    #[cfg(feature = "http")]
    fn request_metrics(
        self,
        metrics: RequestMetricsHandle,
    ) -> ServiceBuilder<Stack<RequestMetricsLayer, L>> {
        self.layer(RequestMetricsLayer::new(metrics))
    }

    #[cfg(feature = "http")]
    fn in_flight_requests(
        self,
        counter: InFlightRequestsCounter,
    ) -> ServiceBuilder<Stack<InFlightRequestsLayer, L>> {
        self.layer(InFlightRequestsLayer::new(counter))
    }

    #[cfg(feature = "http")]
    fn compression(self) -> ServiceBuilder<Stack<CompressionLayer, L>> {
        self.layer(CompressionLayer::new())
    }

    #[cfg(feature = "http")]
    fn decompression(self) -> ServiceBuilder<Stack<DecompressionLayer, L>> {
        self.layer(DecompressionLayer::new())
    }

    #[cfg(feature = "http")]
    fn request_decompression(self) -> ServiceBuilder<Stack<RequestDecompressionLayer, L>> {
        self.layer(RequestDecompressionLayer::new())
    }

    #[cfg(feature = "http")]
    fn follow_redirects(self) -> ServiceBuilder<Stack<FollowRedirectLayer, L>> {
        self.layer(FollowRedirectLayer::new())
    }

    #[cfg(feature = "http")]
    fn follow_redirects_with<P>(
        self,
        policy: P,
    ) -> ServiceBuilder<Stack<FollowRedirectLayer<P>, L>> {
        self.layer(FollowRedirectLayer::with_policy(policy))
    }

    #[cfg(feature = "http")]
    fn retry_http<P>(self, policy: P) -> ServiceBuilder<Stack<HttpRetryLayer<P>, L>> {
        self.layer(HttpRetryLayer::new(policy))
    }

    #[cfg(feature = "http")]
    fn http_timeout(self, timeout: Duration) -> ServiceBuilder<Stack<HttpTimeoutLayer, L>> {
        self.layer(HttpTimeoutLayer::new(timeout))
    }

    #[cfg(feature = "http")]
    fn http_load_shed(self) -> ServiceBuilder<Stack<HttpLoadShedLayer, L>> {
        self.layer(HttpLoadShedLayer::new())
    }
}

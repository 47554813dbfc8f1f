//! [`InFlightRequests`] and [`RequestMetrics`].

use std::task::{Context, Poll};

use http::{Request, Response};
use spire_service::Service;

use super::{InFlightRequestsCounter, RequestMetricsHandle, ResponseBody, ResponseFuture};

/// A service that counts its requests in flight, response bodies included, into an
/// [`InFlightRequestsCounter`].
///
/// # Examples
///
/// ```
/// use http::{Request, Response};
/// use spire_middleware::http::metrics::{InFlightRequests, InFlightRequestsCounter};
/// use spire_service::{Service, ServiceExt};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let (mock, mut handle) = spire_test::mock::pair::<Request<()>, Response<()>>();
/// let counter = InFlightRequestsCounter::new();
/// let mut svc = InFlightRequests::new(mock, counter.clone());
/// let response = svc.ready().await.unwrap().call(Request::new(()));
/// assert_eq!(counter.get(), 1);
/// let (_, send) = handle.next_request().await.unwrap();
/// send.send_response(Response::new(()));
/// drop(response.await.unwrap());
/// assert_eq!(counter.get(), 0);
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct InFlightRequests<S> {
    inner: S,
    counter: InFlightRequestsCounter,
}

impl<S> InFlightRequests<S> {
    /// Wraps `inner` so that its requests count into `counter`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::metrics::{InFlightRequests, InFlightRequestsCounter};
    /// # let inner = spire_service::service_fn(|_: http::Request<()>| async { Ok::<_, std::convert::Infallible>(http::Response::new(())) });
    ///
    /// let _svc = InFlightRequests::new(inner, InFlightRequestsCounter::new());
    /// ```
    pub const fn new(inner: S, counter: InFlightRequestsCounter) -> Self {
        Self { inner, counter }
    }

    /// Returns a reference to the inner service.
    pub const fn get_ref(&self) -> &S {
        &self.inner
    }

    /// Returns a mutable reference to the inner service.
    pub const fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Consumes `self`, returning the inner service.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

/// # Readiness
/// Ready exactly when the inner service is; reserves nothing of its own.
impl<S, ReqB, ResB> Service<Request<ReqB>> for InFlightRequests<S>
where
    S: Service<Request<ReqB>, Response = Response<ResB>>,
{
    type Response = Response<ResponseBody<ResB>>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqB>) -> Self::Future {
        let guard = self.counter.increment();
        ResponseFuture::new(self.inner.call(request), guard, None)
    }
}

/// A service that records, into a [`RequestMetricsHandle`], each call's outcome by
/// [`StatusClass`](super::StatusClass) with a latency histogram, and its requests in
/// flight.
///
/// The latency is the time from `call` to the response head (or the error); see
/// [the module docs](super) for why.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// use http::{Request, Response, StatusCode};
/// use spire_middleware::http::metrics::{LatencyHistogram, RequestMetrics, RequestMetricsHandle, StatusClass};
/// use spire_service::{Service, ServiceExt};
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let (mock, mut handle) = spire_test::mock::pair::<Request<()>, Response<()>>();
/// let metrics = RequestMetricsHandle::new();
/// let mut svc = RequestMetrics::new(mock, metrics.clone());
/// let response = svc.ready().await.unwrap().call(Request::new(()));
/// let (_, send) = handle.next_request().await.unwrap();
/// tokio::time::advance(Duration::from_millis(20)).await;
/// let mut not_found = Response::new(());
/// *not_found.status_mut() = StatusCode::NOT_FOUND;
/// send.send_response(not_found);
/// let _response = response.await.unwrap();
///
/// let snapshot = metrics.snapshot();
/// assert_eq!(snapshot.in_flight, 1); // until the body is dropped
/// assert_eq!(snapshot.count(StatusClass::ClientError), 1);
/// let bucket = LatencyHistogram::bucket_of(Duration::from_millis(20));
/// assert_eq!(snapshot.class(StatusClass::ClientError).buckets[bucket], 1);
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct RequestMetrics<S> {
    inner: S,
    metrics: RequestMetricsHandle,
}

impl<S> RequestMetrics<S> {
    /// Wraps `inner` so that its calls are recorded into `metrics`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::metrics::{RequestMetrics, RequestMetricsHandle};
    /// # let inner = spire_service::service_fn(|_: http::Request<()>| async { Ok::<_, std::convert::Infallible>(http::Response::new(())) });
    ///
    /// let _svc = RequestMetrics::new(inner, RequestMetricsHandle::new());
    /// ```
    pub const fn new(inner: S, metrics: RequestMetricsHandle) -> Self {
        Self { inner, metrics }
    }

    /// The metrics this service records into.
    pub const fn metrics(&self) -> &RequestMetricsHandle {
        &self.metrics
    }

    /// Returns a reference to the inner service.
    pub const fn get_ref(&self) -> &S {
        &self.inner
    }

    /// Returns a mutable reference to the inner service.
    pub const fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Consumes `self`, returning the inner service.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

/// # Readiness
/// Ready exactly when the inner service is; reserves nothing of its own. Readiness is not
/// timed: the clock starts in `call`.
impl<S, ReqB, ResB> Service<Request<ReqB>> for RequestMetrics<S>
where
    S: Service<Request<ReqB>, Response = Response<ResB>>,
{
    type Response = Response<ResponseBody<ResB>>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqB>) -> Self::Future {
        let (guard, record) = self.metrics.start();
        ResponseFuture::new(self.inner.call(request), guard, Some(record))
    }
}

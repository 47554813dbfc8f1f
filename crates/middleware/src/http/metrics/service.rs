//! [`InFlightRequests`].

use std::task::{Context, Poll};

use http::{Request, Response};
use spire_service::Service;

use super::{InFlightRequestsCounter, ResponseBody, ResponseFuture};

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
        ResponseFuture::new(self.inner.call(request), guard)
    }
}

//! [`Timeout`].

use std::task::{Context, Poll};
use std::time::Duration;

use http::{Request, Response};
use spire_service::Service;

use super::ResponseFuture;

/// A service that answers `408 Request Timeout` when the inner service takes longer than
/// a fixed duration to respond.
///
/// See [the module docs](super) for what is timed.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// use http::{Request, Response, StatusCode};
/// use spire_middleware::http::timeout::Timeout;
/// use spire_service::{Service, ServiceExt};
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let (mock, mut handle) = spire_test::mock::pair::<Request<()>, Response<String>>();
/// let mut svc = Timeout::new(mock, Duration::from_secs(2));
///
/// let response = svc.ready().await.unwrap().call(Request::new(()));
/// let (_request, _send) = handle.next_request().await.unwrap(); // never answered
/// assert_eq!(response.await.unwrap().status(), StatusCode::REQUEST_TIMEOUT);
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Timeout<S> {
    inner: S,
    timeout: Duration,
}

impl<S> Timeout<S> {
    /// Wraps `inner` so that requests taking longer than `timeout` are answered 408.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use spire_middleware::http::timeout::Timeout;
    /// # let inner = spire_service::service_fn(|_: http::Request<()>| async { Ok::<_, std::convert::Infallible>(http::Response::new(())) });
    ///
    /// let svc = Timeout::new(inner, Duration::from_secs(1));
    /// assert_eq!(svc.timeout(), Duration::from_secs(1));
    /// ```
    pub const fn new(inner: S, timeout: Duration) -> Self {
        Self { inner, timeout }
    }

    /// The duration after which a request is answered 408.
    #[must_use]
    pub const fn timeout(&self) -> Duration {
        self.timeout
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
/// timed: only the call is.
///
/// # Panics
///
/// `call` panics outside a tokio runtime with the time driver enabled, since it starts
/// the timer.
impl<S, ReqB, ResB> Service<Request<ReqB>> for Timeout<S>
where
    S: Service<Request<ReqB>, Response = Response<ResB>>,
    ResB: Default,
{
    type Response = Response<ResB>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    #[inline]
    fn call(&mut self, request: Request<ReqB>) -> Self::Future {
        ResponseFuture::new(self.inner.call(request), self.timeout)
    }
}

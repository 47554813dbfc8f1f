//! [`LoadShed`].

use std::task::{Context, Poll};

use http::{Request, Response};
use spire_service::Service;

use super::ResponseFuture;

/// A service that is always ready, and answers `503 Service Unavailable` to a call when
/// its inner service was not ready.
///
/// # Examples
///
/// ```
/// use std::task::{Context, Waker};
///
/// use http::{Request, Response, StatusCode};
/// use spire_middleware::http::load_shed::LoadShed;
/// use spire_service::Service;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let (mock, mut handle) = spire_test::mock::pair::<Request<()>, Response<String>>();
/// let mut svc = LoadShed::new(mock);
/// let mut cx = Context::from_waker(Waker::noop());
///
/// handle.allow(0); // the inner service is busy
/// assert!(svc.poll_ready(&mut cx).is_ready()); // LoadShed never waits
/// let response = svc.call(Request::new(())).await.unwrap();
/// assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
/// # }
/// ```
#[derive(Debug)]
pub struct LoadShed<S> {
    inner: S,
    /// The inner service answered `Ready(Ok)` to the last `poll_ready`.
    inner_ready: bool,
}

impl<S> LoadShed<S> {
    /// Wraps `inner`.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::{Request, Response};
    /// use spire_middleware::http::load_shed::LoadShed;
    /// use spire_service::service_fn;
    ///
    /// let _svc = LoadShed::new(service_fn(|_: Request<()>| async {
    ///     Ok::<_, std::convert::Infallible>(Response::new(()))
    /// }));
    /// ```
    pub const fn new(inner: S) -> Self {
        Self {
            inner,
            inner_ready: false,
        }
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

/// A clone starts without its original's readiness.
impl<S: Clone> Clone for LoadShed<S> {
    fn clone(&self) -> Self {
        Self::new(self.inner.clone())
    }
}

/// # Readiness
/// Always `Ready`, unless the inner service's `poll_ready` fails, which is passed on.
/// Reserves whatever the inner service's readiness reserves, when it is ready; when it
/// is not, the next call is reserved to be answered 503. The inner service is polled
/// again (and the decision remade) on every `poll_ready`.
impl<S, ReqB, ResB> Service<Request<ReqB>> for LoadShed<S>
where
    S: Service<Request<ReqB>, Response = Response<ResB>>,
    ResB: Default,
{
    type Response = Response<ResB>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner_ready = match self.inner.poll_ready(cx) {
            Poll::Ready(Ok(())) => true,
            Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
            Poll::Pending => false,
        };
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<ReqB>) -> Self::Future {
        if std::mem::take(&mut self.inner_ready) {
            ResponseFuture::called(self.inner.call(request))
        } else {
            ResponseFuture::shed()
        }
    }
}

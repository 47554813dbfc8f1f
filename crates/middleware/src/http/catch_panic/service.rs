//! [`CatchPanic`].

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::task::{Context, Poll};

use http::{Request, Response};
use spire_service::Service;

use super::{DefaultResponseForPanic, ResponseBody, ResponseForPanic, ResponseFuture};

/// A service that answers a panic in the inner service with a response instead of
/// unwinding into the caller.
///
/// See [the module docs](super) for what is caught and what is not.
///
/// # Examples
///
/// ```
/// use bytes::Bytes;
/// use http::{Request, Response, StatusCode};
/// use spire_body::Full;
/// use spire_middleware::http::catch_panic::CatchPanic;
/// use spire_service::{Service, ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let inner = service_fn(|request: Request<()>| async move {
///     assert!(request.uri().path() != "/boom", "handler bug");
///     Ok::<_, std::convert::Infallible>(Response::new(Full::new(Bytes::from("ok"))))
/// });
/// let mut svc = CatchPanic::new(inner);
/// let boom = Request::builder().uri("/boom").body(()).unwrap();
/// let response = svc.ready().await.unwrap().call(boom).await.unwrap();
/// assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
/// // The service still answers.
/// let response = svc.ready().await.unwrap().call(Request::new(())).await.unwrap();
/// assert_eq!(response.status(), StatusCode::OK);
/// # }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct CatchPanic<S, T = DefaultResponseForPanic> {
    inner: S,
    response_for_panic: T,
}

impl<S> CatchPanic<S> {
    /// Wraps `inner`, answering a panic with [`DefaultResponseForPanic`]'s 500.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::catch_panic::CatchPanic;
    /// # let inner = spire_service::service_fn(|_: http::Request<()>| async { Ok::<_, std::convert::Infallible>(http::Response::new(())) });
    ///
    /// let _svc = CatchPanic::new(inner);
    /// ```
    pub const fn new(inner: S) -> Self {
        Self {
            inner,
            response_for_panic: DefaultResponseForPanic::new(),
        }
    }
}

impl<S, T> CatchPanic<S, T> {
    /// Wraps `inner`, answering a panic with `response_for_panic`'s response.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::any::Any;
    ///
    /// use http::Response;
    /// use spire_middleware::http::catch_panic::CatchPanic;
    /// # let inner = spire_service::service_fn(|_: http::Request<()>| async { Ok::<_, std::convert::Infallible>(http::Response::new(())) });
    ///
    /// let _svc = CatchPanic::custom(inner, |_: Box<dyn Any + Send>| Response::new(()));
    /// ```
    pub const fn custom(inner: S, response_for_panic: T) -> Self {
        Self {
            inner,
            response_for_panic,
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

/// # Readiness
/// Ready exactly when the inner service is; reserves nothing of its own. A panic in the
/// inner `poll_ready` is not caught.
impl<S, T, ReqB, ResB> Service<Request<ReqB>> for CatchPanic<S, T>
where
    S: Service<Request<ReqB>, Response = Response<ResB>>,
    T: ResponseForPanic,
{
    type Response = Response<ResponseBody<ResB, T::ResponseBody>>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future, T>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqB>) -> Self::Future {
        // The inner service is reused after a panic by design; see the module docs.
        let inner = &mut self.inner;
        match catch_unwind(AssertUnwindSafe(move || inner.call(request))) {
            Ok(future) => ResponseFuture::new(future, self.response_for_panic.clone()),
            Err(panic) => ResponseFuture::panicked(panic, self.response_for_panic.clone()),
        }
    }
}

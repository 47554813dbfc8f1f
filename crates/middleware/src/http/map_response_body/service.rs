//! [`MapResponseBody`].

use std::fmt;
use std::task::{Context, Poll};

use http::{Request, Response};
use spire_service::Service;

use super::ResponseFuture;

/// A service that replaces the body of each response of the inner service with a
/// function of it.
///
/// # Examples
///
/// ```
/// use http::{Request, Response};
/// use spire_middleware::http::map_response_body::MapResponseBody;
/// use spire_service::{ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let inner = service_fn(|_: Request<()>| async { Ok::<_, std::convert::Infallible>(Response::new("four")) });
/// let svc = MapResponseBody::new(inner, |body: &'static str| body.len());
/// assert_eq!(*svc.oneshot(Request::new(())).await.unwrap().body(), 4);
/// # }
/// ```
#[derive(Clone)]
pub struct MapResponseBody<S, F> {
    inner: S,
    f: F,
}

impl<S, F> MapResponseBody<S, F> {
    /// Wraps `inner` so that each response body `b` becomes `f(b)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::map_response_body::MapResponseBody;
    /// # let inner = spire_service::service_fn(|_: http::Request<()>| async { Ok::<_, std::convert::Infallible>(http::Response::new(String::new())) });
    ///
    /// let _svc = MapResponseBody::new(inner, String::into_bytes);
    /// ```
    pub const fn new(inner: S, f: F) -> Self {
        Self { inner, f }
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
impl<S, F, ReqB, ResB, NewResB> Service<Request<ReqB>> for MapResponseBody<S, F>
where
    S: Service<Request<ReqB>, Response = Response<ResB>>,
    F: FnOnce(ResB) -> NewResB + Clone,
{
    type Response = Response<NewResB>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future, F>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqB>) -> Self::Future {
        ResponseFuture::new(self.inner.call(request), self.f.clone())
    }
}

impl<S: fmt::Debug, F> fmt::Debug for MapResponseBody<S, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MapResponseBody")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

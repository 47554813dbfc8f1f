//! [`MapRequestBody`].

use std::fmt;
use std::task::{Context, Poll};

use http::Request;
use spire_service::Service;

/// A service that replaces each request's body with a function of it before passing the
/// request on.
///
/// # Examples
///
/// ```
/// use http::Request;
/// use spire_middleware::http::map_request_body::MapRequestBody;
/// use spire_service::{ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let inner = service_fn(|request: Request<usize>| async move { Ok::<_, std::convert::Infallible>(*request.body()) });
/// let svc = MapRequestBody::new(inner, |body: &'static str| body.len());
/// assert_eq!(svc.oneshot(Request::new("four")).await.unwrap(), 4);
/// # }
/// ```
#[derive(Clone)]
pub struct MapRequestBody<S, F> {
    inner: S,
    f: F,
}

impl<S, F> MapRequestBody<S, F> {
    /// Wraps `inner` so that each request body `b` becomes `f(b)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::map_request_body::MapRequestBody;
    /// # let inner = spire_service::service_fn(|_: http::Request<Vec<u8>>| async { Ok::<_, std::convert::Infallible>(()) });
    ///
    /// let _svc = MapRequestBody::new(inner, String::into_bytes);
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
impl<S, F, ReqB, NewReqB> Service<Request<ReqB>> for MapRequestBody<S, F>
where
    S: Service<Request<NewReqB>>,
    F: FnMut(ReqB) -> NewReqB,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqB>) -> S::Future {
        self.inner.call(request.map(&mut self.f))
    }
}

impl<S: fmt::Debug, F> fmt::Debug for MapRequestBody<S, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MapRequestBody")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

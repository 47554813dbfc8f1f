//! [`PropagateHeader`].

use std::task::{Context, Poll};

use http::{HeaderName, Request, Response};
use spire_service::Service;

use super::ResponseFuture;

/// A service that copies one header from each request to its response.
///
/// The request's first value of the header is copied; the response's values of it are
/// replaced.
///
/// # Examples
///
/// ```
/// use http::{Request, Response, header};
/// use spire_middleware::http::propagate_header::PropagateHeader;
/// use spire_service::{ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let inner = service_fn(|_: Request<()>| async { Ok::<_, std::convert::Infallible>(Response::new(())) });
/// let svc = PropagateHeader::new(inner, header::CONTENT_LANGUAGE);
/// let request = Request::builder().header(header::CONTENT_LANGUAGE, "fr").body(()).unwrap();
/// let response = svc.oneshot(request).await.unwrap();
/// assert_eq!(response.headers()[header::CONTENT_LANGUAGE], "fr");
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct PropagateHeader<S> {
    inner: S,
    header_name: HeaderName,
}

impl<S> PropagateHeader<S> {
    /// Wraps `inner` so that `header_name` is copied from each request to its response.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::propagate_header::PropagateHeader;
    /// # let inner = spire_service::service_fn(|_: http::Request<()>| async { Ok::<_, std::convert::Infallible>(http::Response::new(())) });
    ///
    /// let svc = PropagateHeader::new(inner, http::header::CONTENT_LANGUAGE);
    /// assert_eq!(svc.header_name(), http::header::CONTENT_LANGUAGE);
    /// ```
    pub fn new(inner: S, header_name: HeaderName) -> Self {
        Self { inner, header_name }
    }

    /// The header this service copies.
    pub fn header_name(&self) -> &HeaderName {
        &self.header_name
    }

    /// Returns a reference to the inner service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// Returns a mutable reference to the inner service.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Consumes `self`, returning the inner service.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

/// # Readiness
/// Ready exactly when the inner service is; reserves nothing of its own.
impl<S, ReqB, ResB> Service<Request<ReqB>> for PropagateHeader<S>
where
    S: Service<Request<ReqB>, Response = Response<ResB>>,
{
    type Response = Response<ResB>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqB>) -> Self::Future {
        let header = request
            .headers()
            .get(&self.header_name)
            .map(|value| (self.header_name.clone(), value.clone()));
        ResponseFuture::new(self.inner.call(request), header)
    }
}

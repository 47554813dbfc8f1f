//! [`SetSensitiveRequestHeaders`], [`SetSensitiveResponseHeaders`] and
//! [`SetSensitiveHeaders`].

use std::sync::Arc;
use std::task::{Context, Poll};

use http::{HeaderName, Request, Response};
use spire_service::Service;

use super::{ResponseFuture, mark};

/// Marks headers sensitive on both requests and responses: the service
/// [`SetSensitiveHeadersLayer`](super::SetSensitiveHeadersLayer) builds.
///
/// # Examples
///
/// ```
/// use spire_middleware::http::sensitive_headers::{SetSensitiveHeaders, SetSensitiveHeadersLayer};
/// use spire_service::Layer;
/// # let inner = spire_service::service_fn(|_: http::Request<()>| async { Ok::<_, std::convert::Infallible>(http::Response::new(())) });
///
/// let _svc: SetSensitiveHeaders<_> = SetSensitiveHeadersLayer::new([http::header::COOKIE]).layer(inner);
/// ```
pub type SetSensitiveHeaders<S> = SetSensitiveRequestHeaders<SetSensitiveResponseHeaders<S>>;

/// A service that marks the listed headers sensitive on every request before passing it on.
///
/// # Examples
///
/// ```
/// use http::{Request, header};
/// use spire_middleware::http::sensitive_headers::SetSensitiveRequestHeaders;
/// use spire_service::{ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let inner = service_fn(|request: Request<()>| async move {
///     Ok::<_, std::convert::Infallible>(request.headers()[header::COOKIE].is_sensitive())
/// });
/// let svc = SetSensitiveRequestHeaders::new(inner, [header::COOKIE]);
/// let request = Request::builder().header(header::COOKIE, "a=b").body(()).unwrap();
/// assert!(svc.oneshot(request).await.unwrap());
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct SetSensitiveRequestHeaders<S> {
    inner: S,
    headers: Arc<[HeaderName]>,
}

/// A service that marks the listed headers sensitive on every response of the inner
/// service.
///
/// # Examples
///
/// ```
/// use http::{Request, Response, header};
/// use spire_middleware::http::sensitive_headers::SetSensitiveResponseHeaders;
/// use spire_service::{ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let inner = service_fn(|_: Request<()>| async {
///     Ok::<_, std::convert::Infallible>(Response::builder().header(header::SET_COOKIE, "a=b").body(()).unwrap())
/// });
/// let svc = SetSensitiveResponseHeaders::new(inner, [header::SET_COOKIE]);
/// let response = svc.oneshot(Request::new(())).await.unwrap();
/// assert!(response.headers()[header::SET_COOKIE].is_sensitive());
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct SetSensitiveResponseHeaders<S> {
    inner: S,
    headers: Arc<[HeaderName]>,
}

impl<S> SetSensitiveRequestHeaders<S> {
    /// Wraps `inner` so that `headers` are marked sensitive on every request.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::sensitive_headers::SetSensitiveRequestHeaders;
    /// # let inner = spire_service::service_fn(|_: http::Request<()>| async { Ok::<_, std::convert::Infallible>(http::Response::new(())) });
    ///
    /// let svc = SetSensitiveRequestHeaders::new(inner, [http::header::AUTHORIZATION]);
    /// assert_eq!(svc.headers(), [http::header::AUTHORIZATION]);
    /// ```
    pub fn new(inner: S, headers: impl IntoIterator<Item = HeaderName>) -> Self {
        Self::from_shared(inner, headers.into_iter().collect())
    }

    pub(super) fn from_shared(inner: S, headers: Arc<[HeaderName]>) -> Self {
        Self { inner, headers }
    }

    /// The headers this service marks.
    pub fn headers(&self) -> &[HeaderName] {
        &self.headers
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

impl<S> SetSensitiveResponseHeaders<S> {
    /// Wraps `inner` so that `headers` are marked sensitive on every response.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::sensitive_headers::SetSensitiveResponseHeaders;
    /// # let inner = spire_service::service_fn(|_: http::Request<()>| async { Ok::<_, std::convert::Infallible>(http::Response::new(())) });
    ///
    /// let svc = SetSensitiveResponseHeaders::new(inner, [http::header::SET_COOKIE]);
    /// assert_eq!(svc.headers(), [http::header::SET_COOKIE]);
    /// ```
    pub fn new(inner: S, headers: impl IntoIterator<Item = HeaderName>) -> Self {
        Self::from_shared(inner, headers.into_iter().collect())
    }

    pub(super) fn from_shared(inner: S, headers: Arc<[HeaderName]>) -> Self {
        Self { inner, headers }
    }

    /// The headers this service marks.
    pub fn headers(&self) -> &[HeaderName] {
        &self.headers
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
impl<S, B> Service<Request<B>> for SetSensitiveRequestHeaders<S>
where
    S: Service<Request<B>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<B>) -> S::Future {
        mark(request.headers_mut(), &self.headers);
        self.inner.call(request)
    }
}

/// # Readiness
/// Ready exactly when the inner service is; reserves nothing of its own.
impl<S, ReqB, ResB> Service<Request<ReqB>> for SetSensitiveResponseHeaders<S>
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
        // An `Arc` clone: a reference count, not an allocation.
        ResponseFuture::new(self.inner.call(request), Arc::clone(&self.headers))
    }
}

//! [`SetRequestId`] and [`PropagateRequestId`].

use std::task::{Context, Poll};

use http::{HeaderName, Request, Response};
use spire_service::Service;

use super::{MakeRequestId, RequestId, ResponseFuture, X_REQUEST_ID};

/// A service that makes sure each request has an id, in a header and as a [`RequestId`]
/// extension.
///
/// A request that already has the header keeps it (its first value becomes the
/// extension, unless one is already there); otherwise the [`MakeRequestId`] is asked for
/// one.
///
/// # Examples
///
/// ```
/// use http::Request;
/// use spire_middleware::http::request_id::{MakeRequestHex, RequestId, SetRequestId};
/// use spire_service::{ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let inner = service_fn(|request: Request<()>| async move {
///     Ok::<_, std::convert::Infallible>(request.extensions().get::<RequestId>().cloned())
/// });
/// let svc = SetRequestId::x_request_id(inner, MakeRequestHex::new());
/// let request = Request::builder().header("x-request-id", "given").body(()).unwrap();
/// assert_eq!(svc.oneshot(request).await.unwrap().unwrap().header_value(), "given");
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct SetRequestId<S, M> {
    inner: S,
    header_name: HeaderName,
    make: M,
}

impl<S, M> SetRequestId<S, M> {
    /// Wraps `inner` so that requests without `header_name` get an id from `make`.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::HeaderName;
    /// use spire_middleware::http::request_id::{MakeRequestHex, SetRequestId};
    /// # let inner = spire_service::service_fn(|_: http::Request<()>| async { Ok::<_, std::convert::Infallible>(()) });
    ///
    /// let svc = SetRequestId::new(inner, HeaderName::from_static("x-correlation-id"), MakeRequestHex::new());
    /// assert_eq!(svc.header_name(), "x-correlation-id");
    /// ```
    pub fn new(inner: S, header_name: HeaderName, make: M) -> Self {
        Self {
            inner,
            header_name,
            make,
        }
    }

    /// Wraps `inner`, using the `x-request-id` header.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::request_id::{MakeRequestHex, SetRequestId};
    /// # let inner = spire_service::service_fn(|_: http::Request<()>| async { Ok::<_, std::convert::Infallible>(()) });
    ///
    /// let svc = SetRequestId::x_request_id(inner, MakeRequestHex::new());
    /// assert_eq!(svc.header_name(), "x-request-id");
    /// ```
    pub fn x_request_id(inner: S, make: M) -> Self {
        Self::new(inner, X_REQUEST_ID, make)
    }

    /// The header that carries the id.
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
impl<S, M, B> Service<Request<B>> for SetRequestId<S, M>
where
    S: Service<Request<B>>,
    M: MakeRequestId,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<B>) -> S::Future {
        if let Some(value) = request.headers().get(&self.header_name) {
            if request.extensions().get::<RequestId>().is_none() {
                let id = RequestId::new(value.clone());
                request.extensions_mut().insert(id);
            }
        } else if let Some(id) = self.make.make_request_id(&request) {
            request
                .headers_mut()
                .insert(&self.header_name, id.header_value().clone());
            request.extensions_mut().insert(id);
        }
        self.inner.call(request)
    }
}

/// A service that copies each request's id to its response: the header (unless the
/// response has one) and a [`RequestId`] extension.
///
/// The id is the request's header value or, without one, its [`RequestId`] extension.
///
/// # Examples
///
/// ```
/// use http::{Request, Response};
/// use spire_middleware::http::request_id::{PropagateRequestId, RequestId};
/// use spire_service::{ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let inner = service_fn(|_: Request<()>| async { Ok::<_, std::convert::Infallible>(Response::new(())) });
/// let svc = PropagateRequestId::x_request_id(inner);
/// let request = Request::builder().header("x-request-id", "abc").body(()).unwrap();
/// let response = svc.oneshot(request).await.unwrap();
/// assert_eq!(response.headers()["x-request-id"], "abc");
/// assert_eq!(response.extensions().get::<RequestId>().unwrap().header_value(), "abc");
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct PropagateRequestId<S> {
    inner: S,
    header_name: HeaderName,
}

impl<S> PropagateRequestId<S> {
    /// Wraps `inner` so that `header_name` is copied from each request to its response.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::HeaderName;
    /// use spire_middleware::http::request_id::PropagateRequestId;
    /// # let inner = spire_service::service_fn(|_: http::Request<()>| async { Ok::<_, std::convert::Infallible>(http::Response::new(())) });
    ///
    /// let svc = PropagateRequestId::new(inner, HeaderName::from_static("x-correlation-id"));
    /// assert_eq!(svc.header_name(), "x-correlation-id");
    /// ```
    pub fn new(inner: S, header_name: HeaderName) -> Self {
        Self { inner, header_name }
    }

    /// Wraps `inner`, using the `x-request-id` header.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::request_id::PropagateRequestId;
    /// # let inner = spire_service::service_fn(|_: http::Request<()>| async { Ok::<_, std::convert::Infallible>(http::Response::new(())) });
    ///
    /// let svc = PropagateRequestId::x_request_id(inner);
    /// assert_eq!(svc.header_name(), "x-request-id");
    /// ```
    pub fn x_request_id(inner: S) -> Self {
        Self::new(inner, X_REQUEST_ID)
    }

    /// The header that carries the id.
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
impl<S, ReqB, ResB> Service<Request<ReqB>> for PropagateRequestId<S>
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
        let id = match request.headers().get(&self.header_name) {
            Some(value) => Some(RequestId::new(value.clone())),
            None => request.extensions().get::<RequestId>().cloned(),
        };
        let header_name = id.as_ref().map(|_| self.header_name.clone());
        ResponseFuture::new(self.inner.call(request), header_name.zip(id))
    }
}

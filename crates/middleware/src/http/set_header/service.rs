//! [`SetRequestHeader`] and [`SetResponseHeader`].

use std::fmt;
use std::task::{Context, Poll};

use http::{HeaderMap, HeaderName, Request, Response};
use spire_service::Service;

use super::make_value::InsertHeaderMode;
use super::{MakeHeaderValue, ResponseFuture};

/// A service that sets a header on every request before passing it on.
///
/// See [the module docs](super) for the modes and the kinds of value.
///
/// # Examples
///
/// ```
/// use http::{HeaderValue, Request, header};
/// use spire_middleware::http::set_header::SetRequestHeader;
/// use spire_service::{ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let inner = service_fn(|request: Request<()>| async move {
///     Ok::<_, std::convert::Infallible>(request.headers().get_all(header::ACCEPT).iter().count())
/// });
/// let svc = SetRequestHeader::appending(inner, header::ACCEPT, HeaderValue::from_static("*/*"));
/// let request = Request::builder().header(header::ACCEPT, "text/html").body(()).unwrap();
/// assert_eq!(svc.oneshot(request).await.unwrap(), 2);
/// # }
/// ```
#[derive(Clone)]
pub struct SetRequestHeader<S, M> {
    inner: S,
    header_name: HeaderName,
    make: M,
    mode: InsertHeaderMode,
}

/// A service that sets a header on every response the inner service returns.
///
/// See [the module docs](super) for the modes and the kinds of value. A closure value sees
/// the finished response, body included.
///
/// # Examples
///
/// ```
/// use http::{HeaderValue, Request, Response, header};
/// use spire_middleware::http::set_header::SetResponseHeader;
/// use spire_service::{ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let inner = service_fn(|_: Request<()>| async { Ok::<_, std::convert::Infallible>(Response::new("hello")) });
/// let svc = SetResponseHeader::overriding(inner, header::CONTENT_LENGTH, |response: &Response<&str>| {
///     HeaderValue::from_str(&response.body().len().to_string()).ok()
/// });
/// let response = svc.oneshot(Request::new(())).await.unwrap();
/// assert_eq!(response.headers()[header::CONTENT_LENGTH], "5");
/// # }
/// ```
#[derive(Clone)]
pub struct SetResponseHeader<S, M> {
    inner: S,
    header_name: HeaderName,
    make: M,
    mode: InsertHeaderMode,
}

impl<S, M> SetRequestHeader<S, M> {
    /// Wraps `inner` so that it sets `header_name` on every request, replacing any value it
    /// had.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::set_header::SetRequestHeader;
    /// # let inner = spire_service::service_fn(|_: http::Request<()>| async { Ok::<_, std::convert::Infallible>(http::Response::new(())) });
    ///
    /// let _svc = SetRequestHeader::overriding(inner, http::header::SERVER, http::HeaderValue::from_static("spire"));
    /// ```
    pub fn overriding(inner: S, header_name: HeaderName, make: M) -> Self {
        Self::with_mode(inner, header_name, make, InsertHeaderMode::Override)
    }

    /// Wraps `inner` so that it appends a value of `header_name` to every request, keeping
    /// the values it had.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::set_header::SetRequestHeader;
    /// # let inner = spire_service::service_fn(|_: http::Request<()>| async { Ok::<_, std::convert::Infallible>(http::Response::new(())) });
    ///
    /// let _svc = SetRequestHeader::appending(inner, http::header::VIA, http::HeaderValue::from_static("1.1 spire"));
    /// ```
    pub fn appending(inner: S, header_name: HeaderName, make: M) -> Self {
        Self::with_mode(inner, header_name, make, InsertHeaderMode::Append)
    }

    /// Wraps `inner` so that it sets `header_name` only on a request that does not have it.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::set_header::SetRequestHeader;
    /// # let inner = spire_service::service_fn(|_: http::Request<()>| async { Ok::<_, std::convert::Infallible>(http::Response::new(())) });
    ///
    /// let _svc = SetRequestHeader::if_not_present(inner, http::header::CONTENT_TYPE, http::HeaderValue::from_static("text/plain"));
    /// ```
    pub fn if_not_present(inner: S, header_name: HeaderName, make: M) -> Self {
        Self::with_mode(inner, header_name, make, InsertHeaderMode::IfNotPresent)
    }

    pub(super) fn with_mode(
        inner: S,
        header_name: HeaderName,
        make: M,
        mode: InsertHeaderMode,
    ) -> Self {
        Self {
            inner,
            header_name,
            make,
            mode,
        }
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

impl<S: fmt::Debug, M> fmt::Debug for SetRequestHeader<S, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetRequestHeader")
            .field("inner", &self.inner)
            .field("header_name", &self.header_name)
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

impl<S, M> SetResponseHeader<S, M> {
    /// Wraps `inner` so that it sets `header_name` on every response, replacing any value it
    /// had.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::set_header::SetResponseHeader;
    /// # let inner = spire_service::service_fn(|_: http::Request<()>| async { Ok::<_, std::convert::Infallible>(http::Response::new(())) });
    ///
    /// let _svc = SetResponseHeader::overriding(inner, http::header::SERVER, http::HeaderValue::from_static("spire"));
    /// ```
    pub fn overriding(inner: S, header_name: HeaderName, make: M) -> Self {
        Self::with_mode(inner, header_name, make, InsertHeaderMode::Override)
    }

    /// Wraps `inner` so that it appends a value of `header_name` to every response, keeping
    /// the values it had.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::set_header::SetResponseHeader;
    /// # let inner = spire_service::service_fn(|_: http::Request<()>| async { Ok::<_, std::convert::Infallible>(http::Response::new(())) });
    ///
    /// let _svc = SetResponseHeader::appending(inner, http::header::VIA, http::HeaderValue::from_static("1.1 spire"));
    /// ```
    pub fn appending(inner: S, header_name: HeaderName, make: M) -> Self {
        Self::with_mode(inner, header_name, make, InsertHeaderMode::Append)
    }

    /// Wraps `inner` so that it sets `header_name` only on a response that does not have it.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::set_header::SetResponseHeader;
    /// # let inner = spire_service::service_fn(|_: http::Request<()>| async { Ok::<_, std::convert::Infallible>(http::Response::new(())) });
    ///
    /// let _svc = SetResponseHeader::if_not_present(inner, http::header::CONTENT_TYPE, http::HeaderValue::from_static("text/plain"));
    /// ```
    pub fn if_not_present(inner: S, header_name: HeaderName, make: M) -> Self {
        Self::with_mode(inner, header_name, make, InsertHeaderMode::IfNotPresent)
    }

    pub(super) fn with_mode(
        inner: S,
        header_name: HeaderName,
        make: M,
        mode: InsertHeaderMode,
    ) -> Self {
        Self {
            inner,
            header_name,
            make,
            mode,
        }
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

impl<S: fmt::Debug, M> fmt::Debug for SetResponseHeader<S, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetResponseHeader")
            .field("inner", &self.inner)
            .field("header_name", &self.header_name)
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

/// # Readiness
/// Ready exactly when the inner service is; reserves nothing of its own.
impl<S, M, B> Service<Request<B>> for SetRequestHeader<S, M>
where
    S: Service<Request<B>>,
    M: MakeHeaderValue<Request<B>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<B>) -> S::Future {
        self.mode.apply(
            &self.header_name,
            &mut request,
            &mut self.make,
            request_headers,
        );
        self.inner.call(request)
    }
}

/// # Readiness
/// Ready exactly when the inner service is; reserves nothing of its own.
impl<S, M, ReqB, ResB> Service<Request<ReqB>> for SetResponseHeader<S, M>
where
    S: Service<Request<ReqB>, Response = Response<ResB>>,
    M: MakeHeaderValue<Response<ResB>> + Clone,
{
    type Response = Response<ResB>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future, M>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqB>) -> Self::Future {
        ResponseFuture::new(
            self.inner.call(request),
            self.header_name.clone(),
            self.make.clone(),
            self.mode,
        )
    }
}

fn request_headers<B>(request: &mut Request<B>) -> &mut HeaderMap {
    request.headers_mut()
}

//! [`Decompression`] (client side) and [`RequestDecompression`] (server side).

use std::task::{Context, Poll};

use http::{Method, Request, Response, header};
use spire_service::Service;

use super::limits::Limits;
use super::{DecompressionBody, RequestDecompressionFuture, ResponseFuture};
use crate::http::compression::coding::{self, ContentEncoding, Enabled};

/// A client-side service that asks for compressed responses and decodes them.
///
/// A request without `Accept-Encoding` gets one listing the enabled codings
/// (`gzip, deflate` by default); a request that has one keeps it. A response whose
/// `Content-Encoding` is one enabled coding has its body decoded and loses its
/// `Content-Encoding` and `Content-Length`; every other response passes through
/// untouched, including responses to `HEAD`, `1xx`, `204`, `304` and partial (`206`,
/// `Content-Range`) responses. The body is a [`DecompressionBody`], decoded within the
/// limits of [`DecompressionLayer`](super::DecompressionLayer) (64 MiB, ratio 100 by
/// default).
///
/// **Readiness:** ready exactly when the inner service is; reserves nothing. Clones
/// share nothing.
///
/// # Examples
///
/// ```
/// use bytes::Bytes;
/// use http::{Request, Response, header};
/// use spire_body::{BodyExt, Full};
/// use spire_middleware::http::compression::Compression;
/// use spire_middleware::http::decompression::Decompression;
/// use spire_service::{ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// // A server that compresses, behind a client that decompresses.
/// let server = Compression::new(service_fn(|request: Request<()>| async move {
///     assert_eq!(request.headers()[header::ACCEPT_ENCODING], "gzip, deflate");
///     Ok::<_, std::convert::Infallible>(Response::new(Full::new(Bytes::from("spire ".repeat(50)))))
/// }));
/// let response = Decompression::new(server).oneshot(Request::new(())).await.unwrap();
/// assert!(response.headers().get(header::CONTENT_ENCODING).is_none());
/// assert_eq!(response.into_body().collect().await.unwrap().to_bytes(), "spire ".repeat(50));
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Decompression<S> {
    inner: S,
    enabled: Enabled,
    limits: Limits,
}

impl<S> Decompression<S> {
    /// Wraps `inner` with the defaults: gzip and deflate, at most 64 MiB decoded and an
    /// expansion ratio of at most 100.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::decompression::Decompression;
    /// # let inner = spire_service::service_fn(|_: http::Request<()>| async { Ok::<_, std::convert::Infallible>(http::Response::new(String::new())) });
    ///
    /// let _svc = Decompression::new(inner);
    /// ```
    pub fn new(inner: S) -> Self {
        Self::with_settings(inner, Enabled::default(), Limits::default())
    }

    pub(super) const fn with_settings(inner: S, enabled: Enabled, limits: Limits) -> Self {
        Self {
            inner,
            enabled,
            limits,
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
/// Ready exactly when the inner service is; reserves nothing of its own.
impl<S, ReqB, ResB> Service<Request<ReqB>> for Decompression<S>
where
    S: Service<Request<ReqB>, Response = Response<ResB>>,
{
    type Response = Response<DecompressionBody<ResB>>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<ReqB>) -> Self::Future {
        let headers = request.headers_mut();
        if !headers.contains_key(header::ACCEPT_ENCODING) && self.enabled.iter().next().is_some() {
            headers.insert(header::ACCEPT_ENCODING, self.enabled.accept_encoding());
        }
        let is_head = request.method() == Method::HEAD;
        ResponseFuture::new(self.inner.call(request), self.enabled, self.limits, is_head)
    }
}

/// A server-side service that decodes gzip and deflate request bodies, and answers
/// `415 Unsupported Media Type` to other codings.
///
/// A request without `Content-Encoding` (or with only `identity`) reaches the inner
/// service as it is. A request whose `Content-Encoding` is one enabled coding reaches it
/// without `Content-Encoding` and `Content-Length`, its body decoded as it is read,
/// within the limits of
/// [`RequestDecompressionLayer`](super::RequestDecompressionLayer) (64 MiB, ratio 100 by
/// default). Any other `Content-Encoding` (unknown, disabled, or several stacked) is
/// answered 415 with `Accept-Encoding` listing the enabled codings, without calling the
/// inner service; the 415's body is the response body type's `Default`.
///
/// **Readiness:** ready exactly when the inner service is; reserves nothing. A request
/// answered 415 still uses up the readiness it was called with, as any call does.
///
/// # Examples
///
/// ```
/// use http::{Request, Response, StatusCode, header};
/// use spire_middleware::http::decompression::RequestDecompression;
/// use spire_service::{ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let inner = service_fn(|_: Request<_>| async { Ok::<_, std::convert::Infallible>(Response::new(String::from("ok"))) });
/// let request = Request::builder().header(header::CONTENT_ENCODING, "zstd").body(String::from("...")).unwrap();
/// let response = RequestDecompression::new(inner).oneshot(request).await.unwrap();
/// assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
/// assert_eq!(response.headers()[header::ACCEPT_ENCODING], "gzip, deflate");
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct RequestDecompression<S> {
    inner: S,
    enabled: Enabled,
    limits: Limits,
}

impl<S> RequestDecompression<S> {
    /// Wraps `inner` with the defaults: gzip and deflate, at most 64 MiB decoded and an
    /// expansion ratio of at most 100.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::decompression::RequestDecompression;
    /// # let inner = spire_service::service_fn(|_: http::Request<spire_middleware::http::decompression::DecompressionBody<String>>| async { Ok::<_, std::convert::Infallible>(http::Response::new(String::new())) });
    ///
    /// let _svc = RequestDecompression::new(inner);
    /// ```
    pub fn new(inner: S) -> Self {
        Self::with_settings(inner, Enabled::default(), Limits::default())
    }

    pub(super) const fn with_settings(inner: S, enabled: Enabled, limits: Limits) -> Self {
        Self {
            inner,
            enabled,
            limits,
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
/// Ready exactly when the inner service is; reserves nothing of its own.
impl<S, ReqB, ResB> Service<Request<ReqB>> for RequestDecompression<S>
where
    S: Service<Request<DecompressionBody<ReqB>>, Response = Response<ResB>>,
    ResB: Default,
{
    type Response = Response<ResB>;
    type Error = S::Error;
    type Future = RequestDecompressionFuture<S::Future, ResB>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqB>) -> Self::Future {
        let request = match coding::content_encoding(request.headers()) {
            ContentEncoding::Identity => request.map(DecompressionBody::passthrough),
            ContentEncoding::Coding(coding) if self.enabled.contains(coding) => {
                let (mut parts, body) = request.into_parts();
                parts.headers.remove(header::CONTENT_ENCODING);
                parts.headers.remove(header::CONTENT_LENGTH);
                let body = DecompressionBody::decoded(body, coding, self.limits);
                Request::from_parts(parts, body)
            }
            ContentEncoding::Coding(_) | ContentEncoding::Other => {
                return RequestDecompressionFuture::unsupported(self.enabled);
            }
        };
        RequestDecompressionFuture::new(self.inner.call(request))
    }
}

//! The response futures of [`Decompression`](super::Decompression) and
//! [`RequestDecompression`](super::RequestDecompression).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use http::{Response, StatusCode, header};
use pin_project_lite::pin_project;

use super::DecompressionBody;
use super::limits::Limits;
use crate::http::compression::coding::{self, ContentEncoding, Enabled};

pin_project! {
    /// The response future of [`Decompression`](super::Decompression): the inner
    /// future, then the response with its body decoded if its `Content-Encoding` is an
    /// enabled coding.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::{Request, Response};
    /// use spire_middleware::http::decompression::{Decompression, ResponseFuture};
    /// use spire_service::{Service, ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let inner = service_fn(|_: Request<()>| async { Ok::<_, std::convert::Infallible>(Response::new(String::from("plain"))) });
    /// let mut svc = Decompression::new(inner);
    /// let future: ResponseFuture<_> = svc.ready().await.unwrap().call(Request::new(()));
    /// assert!(future.await.unwrap().headers().get(http::header::CONTENT_ENCODING).is_none());
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Dropping it drops the inner future; nothing else is held.
    pub struct ResponseFuture<F> {
        #[pin]
        future: F,
        enabled: Enabled,
        limits: Limits,
        is_head: bool,
    }
}

impl<F> ResponseFuture<F> {
    pub(super) fn new(future: F, enabled: Enabled, limits: Limits, is_head: bool) -> Self {
        Self {
            future,
            enabled,
            limits,
            is_head,
        }
    }
}

impl<F, B, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<DecompressionBody<B>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let response = ready!(this.future.poll(cx))?;
        let status = response.status();
        // No body to decode (HEAD, 1xx, 204, 304), or a range of the encoded bytes,
        // which cannot be decoded on its own.
        let no_body = *this.is_head
            || status.is_informational()
            || status == StatusCode::NO_CONTENT
            || status == StatusCode::NOT_MODIFIED;
        let partial = status == StatusCode::PARTIAL_CONTENT
            || response.headers().contains_key(header::CONTENT_RANGE);
        if no_body || partial {
            return Poll::Ready(Ok(response.map(DecompressionBody::passthrough)));
        }
        match coding::content_encoding(response.headers()) {
            ContentEncoding::Coding(coding) if this.enabled.contains(coding) => {
                let (mut parts, body) = response.into_parts();
                parts.headers.remove(header::CONTENT_ENCODING);
                parts.headers.remove(header::CONTENT_LENGTH);
                let body = DecompressionBody::decoded(body, coding, *this.limits);
                Poll::Ready(Ok(Response::from_parts(parts, body)))
            }
            _ => Poll::Ready(Ok(response.map(DecompressionBody::passthrough))),
        }
    }
}

impl<F> fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture")
            .field("enabled", &self.enabled)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

pin_project! {
    /// The response future of [`RequestDecompression`](super::RequestDecompression): the
    /// inner future, or a ready `415 Unsupported Media Type` when the request's
    /// `Content-Encoding` is not one it decodes.
    ///
    /// The 415 carries `Accept-Encoding` listing the enabled codings (RFC 9110 §12.5.3)
    /// and an empty (`Default`) body of the inner service's body type.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::{Request, Response, StatusCode, header};
    /// use spire_middleware::http::decompression::{RequestDecompression, RequestDecompressionFuture};
    /// use spire_service::{Service, ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let inner = service_fn(|_: Request<_>| async { Ok::<_, std::convert::Infallible>(Response::new(String::new())) });
    /// let mut svc = RequestDecompression::new(inner);
    /// let request = Request::builder().header(header::CONTENT_ENCODING, "br").body(String::new()).unwrap();
    /// let future: RequestDecompressionFuture<_, String> = svc.ready().await.unwrap().call(request);
    /// let response = future.await.unwrap();
    /// assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    /// assert_eq!(response.headers()[header::ACCEPT_ENCODING], "gzip, deflate");
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Dropping it drops the inner future, if the inner service was called.
    pub struct RequestDecompressionFuture<F, B> {
        #[pin]
        kind: Kind<F, B>,
    }
}

pin_project! {
    #[project = KindProj]
    enum Kind<F, B> {
        Future { #[pin] future: F },
        Unsupported { response: Option<Response<B>> },
    }
}

impl<F, B> RequestDecompressionFuture<F, B> {
    pub(super) fn new(future: F) -> Self {
        Self {
            kind: Kind::Future { future },
        }
    }

    pub(super) fn unsupported(enabled: Enabled) -> Self
    where
        B: Default,
    {
        let mut response = Response::new(B::default());
        *response.status_mut() = StatusCode::UNSUPPORTED_MEDIA_TYPE;
        response
            .headers_mut()
            .insert(header::ACCEPT_ENCODING, enabled.accept_encoding());
        Self {
            kind: Kind::Unsupported {
                response: Some(response),
            },
        }
    }
}

impl<F, B, E> Future for RequestDecompressionFuture<F, B>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().kind.project() {
            KindProj::Future { future } => future.poll(cx),
            KindProj::Unsupported { response } => Poll::Ready(Ok(response
                .take()
                .expect("RequestDecompressionFuture polled after completion"))),
        }
    }
}

impl<F, B> fmt::Debug for RequestDecompressionFuture<F, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestDecompressionFuture")
            .finish_non_exhaustive()
    }
}

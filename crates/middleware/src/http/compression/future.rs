//! The response future of [`Compression`](super::Compression).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use http::{HeaderValue, Response, StatusCode, header};
use pin_project_lite::pin_project;
use spire_body::Body;

use super::coding::{self, Coding};
use super::{CompressionBody, Level, Predicate};

pin_project! {
    /// The response future of [`Compression`](super::Compression): the inner future,
    /// then the response compressed (or not) as the request's `Accept-Encoding` and the
    /// rules in [the module docs](super) decide.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::{Request, Response, header};
    /// use spire_middleware::http::compression::{Compression, DefaultPredicate, ResponseFuture};
    /// use spire_service::{Service, ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let inner = service_fn(|_: Request<()>| async { Ok::<_, std::convert::Infallible>(Response::new("x".repeat(64))) });
    /// let mut svc = Compression::new(inner);
    /// let request = Request::builder().header(header::ACCEPT_ENCODING, "deflate").body(()).unwrap();
    /// let future: ResponseFuture<_, DefaultPredicate> = svc.ready().await.unwrap().call(request);
    /// assert_eq!(future.await.unwrap().headers()[header::CONTENT_ENCODING], "deflate");
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Dropping it drops the inner future; nothing else is held.
    pub struct ResponseFuture<F, P> {
        #[pin]
        future: F,
        request: RequestFacts,
        predicate: P,
        level: Level,
    }
}

/// What the future needs to remember of the request.
#[derive(Clone, Copy, Debug)]
pub(super) struct RequestFacts {
    /// The coding `Accept-Encoding` chose, if any.
    pub(super) coding: Option<Coding>,
    /// A `HEAD` request: the response has no body to compress.
    pub(super) is_head: bool,
}

impl<F, P> ResponseFuture<F, P> {
    pub(super) fn new(future: F, request: RequestFacts, predicate: P, level: Level) -> Self {
        Self {
            future,
            request,
            predicate,
            level,
        }
    }
}

/// The rules no predicate can override: there is no body, the body is encoded already,
/// or the response is one part of a representation that compression would break.
fn never_compress<B>(response: &Response<B>, is_head: bool) -> bool {
    let status = response.status();
    let headers = response.headers();
    is_head
        || status.is_informational()
        || status == StatusCode::NO_CONTENT
        || status == StatusCode::NOT_MODIFIED
        || status == StatusCode::PARTIAL_CONTENT
        || headers.contains_key(header::CONTENT_RANGE)
        || headers.contains_key(header::CONTENT_ENCODING)
}

/// Applies the decision to the response head and wraps its body.
fn compress<B: Body, P: Predicate>(
    response: Response<B>,
    request: RequestFacts,
    predicate: &P,
    level: Level,
) -> Response<CompressionBody<B>> {
    if never_compress(&response, request.is_head) || !predicate.should_compress(&response) {
        return response.map(CompressionBody::passthrough);
    }
    let (mut parts, body) = response.into_parts();
    // The answer depends on Accept-Encoding from here on, even when it is "as is".
    coding::add_vary_accept_encoding(&mut parts.headers);
    let Some(coding) = request.coding else {
        return Response::from_parts(parts, CompressionBody::passthrough(body));
    };
    let headers = &mut parts.headers;
    headers.insert(
        header::CONTENT_ENCODING,
        HeaderValue::from_static(coding.as_str()),
    );
    headers.remove(header::CONTENT_LENGTH);
    // Byte ranges of the compressed stream cannot be served by the inner service.
    headers.remove(header::ACCEPT_RANGES);
    // RFC 9110 §8.8.3: a strong validator changes whenever the bytes do, and the
    // compressor's bytes are not the inner service's. Keep the ETag, weakened.
    if let Some(etag) = headers.get(header::ETAG)
        && etag.as_bytes().starts_with(b"\"")
    {
        let mut weak = b"W/".to_vec();
        weak.extend_from_slice(etag.as_bytes());
        if let Ok(weak) = HeaderValue::from_bytes(&weak) {
            headers.insert(header::ETAG, weak);
        }
    }
    Response::from_parts(parts, CompressionBody::compressed(body, coding, level))
}

impl<F, B, E, P> Future for ResponseFuture<F, P>
where
    F: Future<Output = Result<Response<B>, E>>,
    B: Body,
    P: Predicate,
{
    type Output = Result<Response<CompressionBody<B>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let response = ready!(this.future.poll(cx))?;
        Poll::Ready(Ok(compress(
            response,
            *this.request,
            this.predicate,
            *this.level,
        )))
    }
}

impl<F, P> fmt::Debug for ResponseFuture<F, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture")
            .field("request", &self.request)
            .field("level", &self.level)
            .finish_non_exhaustive()
    }
}

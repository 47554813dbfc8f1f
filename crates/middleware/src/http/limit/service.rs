//! [`RequestBodyLimit`].

use std::task::{Context, Poll};

use http::{Request, Response, header};
use spire_body::{Body, Limited};
use spire_service::Service;

use super::ResponseFuture;

/// A service that answers 413 to requests whose body is declared too large, and limits
/// the body it passes on to the inner service.
///
/// See [the module docs](super) for the two checks.
///
/// # Examples
///
/// ```
/// use std::convert::Infallible;
///
/// use bytes::Bytes;
/// use http::{Request, Response};
/// use spire_body::{BodyExt, Channel, Full, LengthLimitError, Limited, channel};
/// use spire_middleware::http::limit::RequestBodyLimit;
/// use spire_service::{ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// // A streamed body of unknown length reaches the handler, which meets the limit while
/// // reading it.
/// let inner = service_fn(|request: Request<Limited<Channel<Bytes, Infallible>>>| async move {
///     let err = request.into_body().collect().await.unwrap_err();
///     let saw_limit = err.is::<LengthLimitError>().to_string();
///     Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(saw_limit))))
/// });
/// let (mut tx, body) = channel::<Bytes, Infallible>(2);
/// tx.send_data(Bytes::from("too ")).await.unwrap();
/// tx.send_data(Bytes::from("long")).await.unwrap();
/// drop(tx);
/// let response = RequestBodyLimit::new(inner, 4).oneshot(Request::new(body)).await.unwrap();
/// assert_eq!(response.into_body().collect().await.unwrap().to_bytes(), "true");
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct RequestBodyLimit<S> {
    inner: S,
    limit: usize,
}

impl<S> RequestBodyLimit<S> {
    /// Wraps `inner` so that request bodies are limited to `limit` bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::limit::RequestBodyLimit;
    /// # let inner = spire_service::service_fn(|_: http::Request<spire_body::Limited<()>>| async { Ok::<_, std::convert::Infallible>(http::Response::new(())) });
    ///
    /// let svc = RequestBodyLimit::new(inner, 1024);
    /// assert_eq!(svc.limit(), 1024);
    /// ```
    pub const fn new(inner: S, limit: usize) -> Self {
        Self { inner, limit }
    }

    /// The largest request body accepted, in bytes.
    pub const fn limit(&self) -> usize {
        self.limit
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
impl<S, ReqB, ResB> Service<Request<ReqB>> for RequestBodyLimit<S>
where
    S: Service<Request<Limited<ReqB>>, Response = Response<ResB>>,
    ReqB: Body,
{
    type Response = Response<super::ResponseBody<ResB>>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqB>) -> Self::Future {
        let limit = u64::try_from(self.limit).unwrap_or(u64::MAX);
        let declared = request
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse::<u64>().ok());
        let too_large =
            declared.is_some_and(|len| len > limit) || request.body().size_hint().lower() > limit;
        if too_large {
            return ResponseFuture::payload_too_large();
        }
        let request = request.map(|body| Limited::new(body, self.limit));
        ResponseFuture::new(self.inner.call(request))
    }
}

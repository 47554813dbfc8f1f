//! The response future of [`SetResponseHeader`](super::SetResponseHeader).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use http::{HeaderMap, HeaderName, Response};
use pin_project_lite::pin_project;

use super::MakeHeaderValue;
use super::make_value::InsertHeaderMode;

pin_project! {
    /// The response future of [`SetResponseHeader`](super::SetResponseHeader): the inner
    /// future, then the header set on its response.
    ///
    /// An inner error passes through untouched.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::{HeaderValue, Request, Response, header};
    /// use spire_middleware::http::set_header::{ResponseFuture, SetResponseHeader};
    /// use spire_service::{Service, ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let inner = service_fn(|_: Request<()>| async { Ok::<_, std::convert::Infallible>(Response::new(())) });
    /// let mut svc = SetResponseHeader::overriding(inner, header::SERVER, HeaderValue::from_static("spire"));
    /// let future: ResponseFuture<_, _> = svc.ready().await.unwrap().call(Request::new(()));
    /// assert_eq!(future.await.unwrap().headers()[header::SERVER], "spire");
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Dropping it drops the inner future; no header is set.
    pub struct ResponseFuture<F, M> {
        #[pin]
        future: F,
        header_name: HeaderName,
        make: M,
        mode: InsertHeaderMode,
    }
}

impl<F, M> ResponseFuture<F, M> {
    pub(super) fn new(future: F, header_name: HeaderName, make: M, mode: InsertHeaderMode) -> Self {
        Self {
            future,
            header_name,
            make,
            mode,
        }
    }
}

impl<F, M, B, E> Future for ResponseFuture<F, M>
where
    F: Future<Output = Result<Response<B>, E>>,
    M: MakeHeaderValue<Response<B>>,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let mut response = ready!(this.future.poll(cx))?;
        this.mode
            .apply(this.header_name, &mut response, this.make, response_headers);
        Poll::Ready(Ok(response))
    }
}

fn response_headers<B>(response: &mut Response<B>) -> &mut HeaderMap {
    response.headers_mut()
}

impl<F: fmt::Debug, M> fmt::Debug for ResponseFuture<F, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture")
            .field("future", &self.future)
            .field("header_name", &self.header_name)
            .finish_non_exhaustive()
    }
}

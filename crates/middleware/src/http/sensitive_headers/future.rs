//! The response future of [`SetSensitiveResponseHeaders`](super::SetSensitiveResponseHeaders).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use http::{HeaderName, Response};
use pin_project_lite::pin_project;

use super::mark;

pin_project! {
    /// The response future of
    /// [`SetSensitiveResponseHeaders`](super::SetSensitiveResponseHeaders): the inner
    /// future, then the listed headers of its response marked sensitive.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::{Request, Response, header};
    /// use spire_middleware::http::sensitive_headers::{ResponseFuture, SetSensitiveResponseHeaders};
    /// use spire_service::{Service, ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let inner = service_fn(|_: Request<()>| async {
    ///     Ok::<_, std::convert::Infallible>(Response::builder().header(header::SET_COOKIE, "a=b").body(()).unwrap())
    /// });
    /// let mut svc = SetSensitiveResponseHeaders::new(inner, [header::SET_COOKIE]);
    /// let future: ResponseFuture<_> = svc.ready().await.unwrap().call(Request::new(()));
    /// assert!(future.await.unwrap().headers()[header::SET_COOKIE].is_sensitive());
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Dropping it drops the inner future; nothing else happens.
    #[derive(Debug)]
    pub struct ResponseFuture<F> {
        #[pin]
        future: F,
        headers: Arc<[HeaderName]>,
    }
}

impl<F> ResponseFuture<F> {
    pub(super) fn new(future: F, headers: Arc<[HeaderName]>) -> Self {
        Self { future, headers }
    }
}

impl<F, B, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let mut response = ready!(this.future.poll(cx))?;
        mark(response.headers_mut(), this.headers);
        Poll::Ready(Ok(response))
    }
}

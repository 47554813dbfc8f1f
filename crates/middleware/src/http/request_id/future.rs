//! The response future of [`PropagateRequestId`](super::PropagateRequestId).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use http::{HeaderName, Response};
use pin_project_lite::pin_project;

use super::RequestId;

pin_project! {
    /// The response future of [`PropagateRequestId`](super::PropagateRequestId): the inner
    /// future, then the request's id copied to its response.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::{Request, Response};
    /// use spire_middleware::http::request_id::{PropagateRequestId, ResponseFuture};
    /// use spire_service::{Service, ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let inner = service_fn(|_: Request<()>| async { Ok::<_, std::convert::Infallible>(Response::new(())) });
    /// let mut svc = PropagateRequestId::x_request_id(inner);
    /// let request = Request::builder().header("x-request-id", "7").body(()).unwrap();
    /// let future: ResponseFuture<_> = svc.ready().await.unwrap().call(request);
    /// assert_eq!(future.await.unwrap().headers()["x-request-id"], "7");
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Dropping it drops the inner future and the copied id.
    #[derive(Debug)]
    pub struct ResponseFuture<F> {
        #[pin]
        future: F,
        id: Option<(HeaderName, RequestId)>,
    }
}

impl<F> ResponseFuture<F> {
    pub(super) fn new(future: F, id: Option<(HeaderName, RequestId)>) -> Self {
        Self { future, id }
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
        if let Some((name, id)) = this.id.take() {
            // The response's own id, if it set one, wins, and becomes the extension.
            let id = match response.headers().get(&name) {
                Some(value) => RequestId::new(value.clone()),
                None => {
                    response
                        .headers_mut()
                        .insert(name, id.header_value().clone());
                    id
                }
            };
            response.extensions_mut().insert(id);
        }
        Poll::Ready(Ok(response))
    }
}

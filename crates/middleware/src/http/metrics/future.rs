//! The response future of [`InFlightRequests`](super::InFlightRequests).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use http::Response;
use pin_project_lite::pin_project;

use super::ResponseBody;
use super::counter::Guard;

pin_project! {
    /// The response future of [`InFlightRequests`](super::InFlightRequests): the inner
    /// future, holding the request's count, which then moves into the response body.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::{Request, Response};
    /// use spire_middleware::http::metrics::{InFlightRequestsLayer, ResponseFuture};
    /// use spire_service::{Layer, Service, ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let inner = service_fn(|_: Request<()>| async { Ok::<_, std::convert::Infallible>(Response::new(())) });
    /// let (layer, counter) = InFlightRequestsLayer::pair();
    /// let mut svc = layer.layer(inner);
    /// let future: ResponseFuture<_> = svc.ready().await.unwrap().call(Request::new(()));
    /// drop(future);
    /// assert_eq!(counter.get(), 0);
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Dropping it drops the inner future and gives the request's count back.
    #[derive(Debug)]
    pub struct ResponseFuture<F> {
        #[pin]
        future: F,
        guard: Option<Guard>,
    }
}

impl<F> ResponseFuture<F> {
    pub(super) fn new(future: F, guard: Guard) -> Self {
        Self {
            future,
            guard: Some(guard),
        }
    }
}

impl<F, B, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<ResponseBody<B>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        // On an error the guard is dropped here, with the future's output.
        let response = ready!(this.future.poll(cx))?;
        let guard = this.guard.take();
        Poll::Ready(Ok(response.map(|body| ResponseBody::new(body, guard))))
    }
}

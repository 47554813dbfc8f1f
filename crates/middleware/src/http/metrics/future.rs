//! The response future of [`InFlightRequests`](super::InFlightRequests) and
//! [`RequestMetrics`](super::RequestMetrics).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use http::Response;
use pin_project_lite::pin_project;

use super::counter::Guard;
use super::handle::Record;
use super::{ResponseBody, StatusClass};

pin_project! {
    /// The response future of [`InFlightRequests`](super::InFlightRequests) and
    /// [`RequestMetrics`](super::RequestMetrics): the inner future, holding the request's
    /// in-flight count, which then moves into the response body. For `RequestMetrics`, it
    /// also records the call's class and latency when the inner future resolves.
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
    /// Dropping it drops the inner future and gives the request's count back. A call
    /// dropped before it resolves is recorded in no class.
    #[derive(Debug)]
    pub struct ResponseFuture<F> {
        #[pin]
        future: F,
        guard: Option<Guard>,
        record: Option<Record>,
    }
}

impl<F> ResponseFuture<F> {
    pub(super) fn new(future: F, guard: Guard, record: Option<Record>) -> Self {
        Self {
            future,
            guard: Some(guard),
            record,
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
        let result = ready!(this.future.poll(cx));
        if let Some(record) = this.record.take() {
            record.finish(match &result {
                Ok(response) => StatusClass::of(response.status()),
                Err(_) => StatusClass::Failed,
            });
        }
        // On an error the guard is dropped here, with the future's output.
        let response = result?;
        let guard = this.guard.take();
        Poll::Ready(Ok(response.map(|body| ResponseBody::new(body, guard))))
    }
}

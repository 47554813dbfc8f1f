//! The response future of [`MapResponseBody`](super::MapResponseBody).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use http::Response;
use pin_project_lite::pin_project;

pin_project! {
    /// The response future of [`MapResponseBody`](super::MapResponseBody): the inner
    /// future, then the function applied to its response's body.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::{Request, Response};
    /// use spire_middleware::http::map_response_body::{MapResponseBody, ResponseFuture};
    /// use spire_service::{Service, ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let inner = service_fn(|_: Request<()>| async { Ok::<_, std::convert::Infallible>(Response::new(2_u8)) });
    /// let mut svc = MapResponseBody::new(inner, |n: u8| n * 10);
    /// let future: ResponseFuture<_, _> = svc.ready().await.unwrap().call(Request::new(()));
    /// assert_eq!(*future.await.unwrap().body(), 20);
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Dropping it drops the inner future and the function.
    pub struct ResponseFuture<F, M> {
        #[pin]
        future: F,
        f: Option<M>,
    }
}

impl<F, M> ResponseFuture<F, M> {
    pub(super) fn new(future: F, f: M) -> Self {
        Self { future, f: Some(f) }
    }
}

impl<F, M, B, NewB, E> Future for ResponseFuture<F, M>
where
    F: Future<Output = Result<Response<B>, E>>,
    M: FnOnce(B) -> NewB,
{
    type Output = Result<Response<NewB>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let response = ready!(this.future.poll(cx))?;
        let f = this
            .f
            .take()
            .expect("ResponseFuture polled after completion");
        Poll::Ready(Ok(response.map(f)))
    }
}

impl<F: fmt::Debug, M> fmt::Debug for ResponseFuture<F, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture")
            .field("future", &self.future)
            .finish_non_exhaustive()
    }
}

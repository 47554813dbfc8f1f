//! The response future of [`SpawnReady`](super::SpawnReady).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use pin_project_lite::pin_project;
use spire_service::BoxError;

pin_project! {
    /// The response future of [`SpawnReady`](super::SpawnReady): the inner future, with
    /// its error boxed.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::spawn_ready::{ResponseFuture, SpawnReady};
    /// use spire_service::{Service, ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut svc = SpawnReady::new(service_fn(|x: u8| async move { Ok::<_, std::io::Error>(x) }));
    /// let future: ResponseFuture<_> = svc.ready().await.unwrap().call(8);
    /// assert_eq!(future.await.unwrap(), 8);
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// The inner service's error, boxed.
    ///
    /// # Cancel safety
    ///
    /// Dropping it drops the inner future, cancelling the request as the inner service
    /// defines.
    pub struct ResponseFuture<F> {
        #[pin]
        inner: F,
    }
}

impl<F> ResponseFuture<F> {
    pub(super) const fn new(inner: F) -> Self {
        Self { inner }
    }
}

impl<F, T, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<T, E>>,
    E: Into<BoxError>,
{
    type Output = Result<T, BoxError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Poll::Ready(ready!(self.project().inner.poll(cx)).map_err(Into::into))
    }
}

impl<F: fmt::Debug> fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture")
            .field("inner", &self.inner)
            .finish()
    }
}

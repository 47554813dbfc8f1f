//! The response future of [`Timeout`](super::Timeout).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use pin_project_lite::pin_project;
use spire_service::BoxError;
use tokio::time::Sleep;

use super::Elapsed;

pin_project! {
    /// The response future of [`Timeout`](super::Timeout): the inner future raced against a
    /// timer.
    ///
    /// The inner future is polled first, so a response that is ready at the deadline wins.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use spire_middleware::timeout::{ResponseFuture, Timeout};
    /// use spire_service::{Service, ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// let mut svc = Timeout::new(service_fn(|x: u8| async move { Ok::<_, std::io::Error>(x) }), Duration::from_secs(1));
    /// let future: ResponseFuture<_> = svc.ready().await.unwrap().call(7);
    /// assert_eq!(future.await.unwrap(), 7);
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Elapsed`] if the deadline passes first; otherwise the inner error, boxed.
    ///
    /// # Panics
    ///
    /// Creating it (in `call`) panics outside a tokio runtime with the time driver enabled,
    /// as [`tokio::time::sleep`] does.
    ///
    /// # Cancel safety
    ///
    /// Dropping it drops the inner future (cancelling the request as the inner service
    /// defines) and the timer.
    pub struct ResponseFuture<F> {
        #[pin]
        response: F,
        #[pin]
        sleep: Sleep,
    }
}

impl<F> ResponseFuture<F> {
    pub(super) fn new(response: F, timeout: Duration) -> Self {
        Self {
            response,
            sleep: tokio::time::sleep(timeout),
        }
    }
}

impl<F, T, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<T, E>>,
    E: Into<BoxError>,
{
    type Output = Result<T, BoxError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if let Poll::Ready(result) = this.response.poll(cx) {
            return Poll::Ready(result.map_err(Into::into));
        }
        match this.sleep.poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(Box::new(Elapsed::new()))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<F: fmt::Debug> fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture")
            .field("response", &self.response)
            .field("deadline", &self.sleep.deadline())
            .finish()
    }
}

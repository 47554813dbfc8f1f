//! The response future of [`KeyedRateLimit`](super::KeyedRateLimit).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use pin_project_lite::pin_project;
use spire_service::BoxError;

use super::RateLimited;

pin_project! {
    /// The response future of [`KeyedRateLimit`](super::KeyedRateLimit): the inner future,
    /// or a [`RateLimited`] error at once.
    ///
    /// ([`RateLimit`](super::RateLimit) returns the inner future unchanged.)
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use spire_middleware::limit::rate::{KeyedRateLimit, ResponseFuture};
    /// use spire_service::{Service, ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// let echo = service_fn(|x: u8| async move { Ok::<_, std::io::Error>(x) });
    /// let mut svc = KeyedRateLimit::new(echo, 5, Duration::from_secs(1), |x: &u8| *x);
    /// let future: ResponseFuture<_> = svc.ready().await.unwrap().call(9);
    /// assert_eq!(future.await.unwrap(), 9);
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// [`RateLimited`] if the key's budget was spent; otherwise the inner error, boxed.
    ///
    /// # Cancel safety
    ///
    /// Dropping it drops the inner future, cancelling the request as the inner service
    /// defines. The call still counts against its key's budget.
    pub struct ResponseFuture<F> {
        #[pin]
        inner: Option<F>,
        limited: Option<RateLimited>,
    }
}

impl<F> ResponseFuture<F> {
    pub(super) const fn new(inner: F) -> Self {
        Self {
            inner: Some(inner),
            limited: None,
        }
    }

    pub(super) const fn limited(error: RateLimited) -> Self {
        Self {
            inner: None,
            limited: Some(error),
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
        match this.inner.as_pin_mut() {
            Some(inner) => Poll::Ready(ready!(inner.poll(cx)).map_err(Into::into)),
            None => {
                let error = this
                    .limited
                    .take()
                    .expect("rate limit ResponseFuture polled after completion");
                Poll::Ready(Err(Box::new(error)))
            }
        }
    }
}

impl<F: fmt::Debug> fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture")
            .field("inner", &self.inner)
            .field("limited", &self.limited)
            .finish()
    }
}

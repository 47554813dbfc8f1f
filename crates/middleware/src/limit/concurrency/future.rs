//! The response future of [`ConcurrencyLimit`](super::ConcurrencyLimit).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use pin_project_lite::pin_project;
use spire_service::BoxError;
use tokio::sync::OwnedSemaphorePermit;

use crate::error::Overloaded;

pin_project! {
    /// The response future of [`ConcurrencyLimit`](super::ConcurrencyLimit): the inner
    /// future and the permit it runs under.
    ///
    /// The permit is released as soon as the inner future completes, or when this future
    /// is dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::limit::concurrency::{ConcurrencyLimit, ResponseFuture};
    /// use spire_service::{Service, ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut svc = ConcurrencyLimit::new(service_fn(|x: u8| async move { Ok::<_, std::io::Error>(x) }), 1);
    /// let future: ResponseFuture<_> = svc.ready().await.unwrap().call(3);
    /// assert_eq!(svc.available_permits(), 0);
    /// assert_eq!(future.await.unwrap(), 3);
    /// assert_eq!(svc.available_permits(), 1);
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// The inner service's error, boxed, or [`Overloaded`] for a call rejected under
    /// [`WhenFull::Reject`](super::WhenFull::Reject).
    ///
    /// # Cancel safety
    ///
    /// Dropping it drops the inner future (cancelling the request as the inner service
    /// defines) and releases the permit.
    pub struct ResponseFuture<F> {
        #[pin]
        inner: Option<F>,
        permit: Option<OwnedSemaphorePermit>,
    }
}

impl<F> ResponseFuture<F> {
    pub(super) const fn new(inner: F, permit: OwnedSemaphorePermit) -> Self {
        Self {
            inner: Some(inner),
            permit: Some(permit),
        }
    }

    pub(super) const fn rejected() -> Self {
        Self {
            inner: None,
            permit: None,
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
        let Some(inner) = this.inner.as_pin_mut() else {
            return Poll::Ready(Err(Box::new(Overloaded::new())));
        };
        let result = ready!(inner.poll(cx));
        // Free the slot now rather than whenever the caller drops the future.
        drop(this.permit.take());
        Poll::Ready(result.map_err(Into::into))
    }
}

impl<F: fmt::Debug> fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture")
            .field("inner", &self.inner)
            .field("permit", &self.permit)
            .finish()
    }
}

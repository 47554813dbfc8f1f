//! The response future of [`Reconnect`](super::Reconnect).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use pin_project_lite::pin_project;
use spire_service::BoxError;

pin_project! {
    /// The response future of [`Reconnect`](super::Reconnect): the made service's future,
    /// or the error of a failed make.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::reconnect::{Reconnect, ResponseFuture};
    /// use spire_service::{BoxError, Service, ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let make = service_fn(|()| async { Ok::<_, BoxError>(service_fn(|x: u8| async move { Ok::<_, BoxError>(x) })) });
    /// let mut svc = Reconnect::new(make, ());
    /// let future: ResponseFuture<_> = svc.ready().await.unwrap().call(4);
    /// assert_eq!(future.await.unwrap(), 4);
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// The maker's error if making the service failed; otherwise the service's error,
    /// boxed.
    ///
    /// # Cancel safety
    ///
    /// Dropping it drops the inner future, cancelling the request as the inner service
    /// defines.
    pub struct ResponseFuture<F> {
        #[pin]
        inner: Option<F>,
        error: Option<BoxError>,
    }
}

impl<F> ResponseFuture<F> {
    pub(super) const fn new(inner: F) -> Self {
        Self {
            inner: Some(inner),
            error: None,
        }
    }

    pub(super) const fn failed(error: BoxError) -> Self {
        Self {
            inner: None,
            error: Some(error),
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
            None => Poll::Ready(Err(this
                .error
                .take()
                .expect("reconnect ResponseFuture polled after completion"))),
        }
    }
}

impl<F: fmt::Debug> fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture")
            .field("inner", &self.inner)
            .field("error", &self.error)
            .finish()
    }
}

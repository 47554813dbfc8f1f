//! The response future of [`LoadShed`](super::LoadShed).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use pin_project_lite::pin_project;
use spire_service::BoxError;

use crate::error::Overloaded;

pin_project! {
    /// The response future of [`LoadShed`](super::LoadShed): the inner future, or
    /// [`Overloaded`] at once.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::load_shed::{LoadShed, ResponseFuture};
    /// use spire_service::{Service, ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut svc = LoadShed::new(service_fn(|x: u8| async move { Ok::<_, std::io::Error>(x) }));
    /// let future: ResponseFuture<_> = svc.ready().await.unwrap().call(2);
    /// assert_eq!(future.await.unwrap(), 2);
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Overloaded`] if the inner service was not ready; otherwise the inner error, boxed.
    ///
    /// # Cancel safety
    ///
    /// Dropping it drops the inner future, cancelling the request as the inner service
    /// defines.
    pub struct ResponseFuture<F> {
        #[pin]
        inner: Option<F>,
    }
}

impl<F> ResponseFuture<F> {
    pub(super) const fn called(inner: F) -> Self {
        Self { inner: Some(inner) }
    }

    pub(super) const fn overloaded() -> Self {
        Self { inner: None }
    }
}

impl<F, T, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<T, E>>,
    E: Into<BoxError>,
{
    type Output = Result<T, BoxError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().inner.as_pin_mut() {
            Some(inner) => Poll::Ready(ready!(inner.poll(cx)).map_err(Into::into)),
            None => Poll::Ready(Err(Box::new(Overloaded::new()))),
        }
    }
}

impl<F: fmt::Debug> fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture")
            .field("inner", &self.inner)
            .finish()
    }
}

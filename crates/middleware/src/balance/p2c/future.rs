//! The response future of [`Balance`](super::Balance).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use pin_project_lite::pin_project;
use spire_service::BoxError;

pin_project! {
    /// The response future of [`Balance`](super::Balance): the chosen endpoint's future,
    /// with its error boxed.
    ///
    /// # Examples
    ///
    /// See the [module docs](super).
    ///
    /// # Errors
    ///
    /// The endpoint's error, boxed.
    ///
    /// # Cancel safety
    ///
    /// Dropping it drops the endpoint's future; a load measure stops counting the request.
    #[derive(Debug)]
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

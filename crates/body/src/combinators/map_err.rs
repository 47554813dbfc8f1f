//! [`MapErr`]: the body behind [`BodyExt::map_err`](crate::BodyExt::map_err).

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use pin_project_lite::pin_project;

use crate::{Body, Frame, SizeHint};

pin_project! {
    /// A body whose errors pass through a function; returned by
    /// [`BodyExt::map_err`](crate::BodyExt::map_err).
    ///
    /// Frames, size hint and end of stream are the inner body's.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    /// use spire_body::{Body, BodyExt, BoxError, Full};
    ///
    /// let body = Full::new(Bytes::from_static(b"abc")).map_err(BoxError::from);
    /// assert_eq!(body.size_hint().exact(), Some(3));
    /// ```
    #[derive(Clone, Copy)]
    pub struct MapErr<B, F> {
        #[pin]
        inner: B,
        f: F,
    }
}

impl<B, F> MapErr<B, F> {
    pub(crate) fn new(inner: B, f: F) -> Self {
        Self { inner, f }
    }

    /// Returns a reference to the inner body.
    pub fn get_ref(&self) -> &B {
        &self.inner
    }

    /// Returns a mutable reference to the inner body.
    pub fn get_mut(&mut self) -> &mut B {
        &mut self.inner
    }

    /// Returns a pinned mutable reference to the inner body.
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut B> {
        self.project().inner
    }

    /// Returns the inner body.
    pub fn into_inner(self) -> B {
        self.inner
    }
}

impl<B, F, E> Body for MapErr<B, F>
where
    B: Body,
    F: FnMut(B::Error) -> E,
{
    type Data = B::Data;
    type Error = E;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<B::Data>, E>>> {
        let this = self.project();
        let frame = ready!(this.inner.poll_frame(cx));
        Poll::Ready(frame.map(|result| result.map_err(this.f)))
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl<B: fmt::Debug, F> fmt::Debug for MapErr<B, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MapErr")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

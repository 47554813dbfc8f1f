//! [`NextFrame`]: the future behind [`BodyExt::frame`](crate::BodyExt::frame).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::{Body, Frame};

/// A future of a body's next frame; returned by [`BodyExt::frame`](crate::BodyExt::frame).
///
/// It borrows the body, so the body can be read again after the future completes.
///
/// # Cancel safety
///
/// Cancel safe: the frame is only taken from the body when the future completes.
///
/// # Examples
///
/// ```
/// use bytes::Bytes;
/// use spire_body::{BodyExt, Full};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let mut body = Full::new(Bytes::from_static(b"one"));
/// let next = body.frame(); // a NextFrame
/// assert!(next.await.unwrap().unwrap().is_data());
/// # }
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
#[derive(Debug)]
pub struct NextFrame<'a, B: ?Sized> {
    body: &'a mut B,
}

impl<'a, B: ?Sized> NextFrame<'a, B> {
    pub(crate) fn new(body: &'a mut B) -> Self {
        Self { body }
    }
}

impl<B: Body + Unpin + ?Sized> Future for NextFrame<'_, B> {
    type Output = Option<Result<Frame<B::Data>, B::Error>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut *self.get_mut().body).poll_frame(cx)
    }
}

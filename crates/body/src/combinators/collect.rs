//! [`Collect`]: the future behind [`BodyExt::collect`](crate::BodyExt::collect).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use pin_project_lite::pin_project;

use crate::{Body, Collected};

pin_project! {
    /// A future that reads a whole body; returned by
    /// [`BodyExt::collect`](crate::BodyExt::collect).
    ///
    /// It resolves to a [`Collected`] once the body ends, or to the body's error. After 64
    /// frames in one poll it yields to the executor (waking itself first), so a body that
    /// always has a frame ready cannot hold a worker thread forever.
    ///
    /// # Cancel safety
    ///
    /// Not cancel safe: dropping it drops the body and every frame read so far.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    /// use spire_body::{BodyExt, Full};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let collect = Full::new(Bytes::from_static(b"abc")).collect();
    /// assert_eq!(collect.await.unwrap().to_bytes(), "abc");
    /// # }
    /// ```
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Collect<B>
    where
        B: Body,
    {
        #[pin]
        body: B,
        collected: Collected<B::Data>,
    }
}

impl<B: Body> Collect<B> {
    pub(crate) fn new(body: B) -> Self {
        Self {
            body,
            collected: Collected::default(),
        }
    }
}

/// How many frames [`Collect`] takes in one poll before it lets other tasks run.
const FRAMES_PER_POLL: usize = 64;

impl<B: Body> Future for Collect<B> {
    type Output = Result<Collected<B::Data>, B::Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        for _ in 0..FRAMES_PER_POLL {
            match ready!(this.body.as_mut().poll_frame(cx)) {
                Some(Ok(frame)) => this.collected.push_frame(frame),
                Some(Err(err)) => return Poll::Ready(Err(err)),
                None => return Poll::Ready(Ok(std::mem::take(this.collected))),
            }
        }
        // Budget spent with frames still coming: go to the back of the queue, not to sleep.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

impl<B: Body> std::fmt::Debug for Collect<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Collect")
            .field("collected", &self.collected)
            .finish_non_exhaustive()
    }
}

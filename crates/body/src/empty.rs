//! [`Empty`]: a body with no frames.

use std::convert::Infallible;
use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Buf;

use crate::{Body, Frame, SizeHint};

/// A body that ends at once: no data, no trailers.
///
/// Use it for responses that have no content (`204 No Content`, redirects, `HEAD`). Its size
/// hint is exactly zero and [`is_end_stream`](Body::is_end_stream) is `true` from the start,
/// so HTTP/1 writes `Content-Length: 0` (or nothing, where no body is allowed) and HTTP/2 ends
/// the stream on the HEADERS frame. The type parameter is the data type it would have.
///
/// # Examples
///
/// ```
/// use bytes::Bytes;
/// use spire_body::{Body, BodyExt, Empty};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let body = Empty::<Bytes>::new();
/// assert!(body.is_end_stream());
/// assert_eq!(body.size_hint().exact(), Some(0));
/// assert!(body.collect().await.unwrap().to_bytes().is_empty());
/// # }
/// ```
pub struct Empty<D> {
    // fn() -> D: the body never holds a D, so it is Send, Sync and Unpin whatever D is.
    _marker: PhantomData<fn() -> D>,
}

impl<D> Empty<D> {
    /// Creates an empty body.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    /// use spire_body::Empty;
    ///
    /// let _body: Empty<Bytes> = Empty::new();
    /// ```
    pub const fn new() -> Self {
        Self {
            _marker: PhantomData,
        }
    }
}

impl<D: Buf> Body for Empty<D> {
    type Data = D;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<D>, Infallible>>> {
        Poll::Ready(None)
    }

    fn is_end_stream(&self) -> bool {
        true
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(0)
    }
}

impl<D> Default for Empty<D> {
    fn default() -> Self {
        Self::new()
    }
}

impl<D> Clone for Empty<D> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<D> Copy for Empty<D> {}

impl<D> fmt::Debug for Empty<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Empty").finish()
    }
}

#[cfg(test)]
mod tests {
    use std::task::Waker;

    use bytes::Bytes;

    use super::*;

    #[test]
    fn empty_ends_on_every_poll() {
        let mut body = Empty::<Bytes>::default();
        let mut cx = Context::from_waker(Waker::noop());
        for _ in 0..2 {
            assert!(matches!(
                Pin::new(&mut body).poll_frame(&mut cx),
                Poll::Ready(None)
            ));
        }
        assert!(body.is_end_stream());
        assert_eq!(body.size_hint(), SizeHint::with_exact(0));
    }

    #[test]
    fn empty_is_send_sync_unpin_for_any_data() {
        fn check<T: Send + Sync + Unpin>() {}
        check::<Empty<std::rc::Rc<[u8]>>>();
    }
}

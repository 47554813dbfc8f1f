//! [`Full`]: a body of exactly one data frame.

use std::borrow::Cow;
use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Buf, Bytes};
use pin_project_lite::pin_project;

use crate::{Body, Frame, SizeHint};

pin_project! {
    /// A body that yields one buffer as a single data frame, then ends.
    ///
    /// This is the body for content that is already in memory. The buffer is handed over as it
    /// is: a `Full<Bytes>` moves its `Bytes` into the frame, with no copy. The size hint is
    /// exactly the buffer's [`remaining`](Buf::remaining) bytes, so HTTP/1 sends
    /// `Content-Length`. An empty buffer gives a body that is at its end from the start.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    /// use spire_body::{Body, BodyExt, Full};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut body = Full::new(Bytes::from_static(b"hello"));
    /// assert_eq!(body.size_hint().exact(), Some(5));
    ///
    /// let frame = body.frame().await.unwrap().unwrap();
    /// assert_eq!(frame.into_data().unwrap(), "hello");
    /// assert!(body.is_end_stream());
    /// assert!(body.frame().await.is_none());
    /// # }
    /// ```
    #[derive(Clone, Copy, Debug)]
    pub struct Full<D> {
        // Not pinned: the buffer is only ever moved out whole.
        data: Option<D>,
    }
}

impl<D: Buf> Full<D> {
    /// Creates a body that yields `data` as one frame.
    ///
    /// If `data` has no remaining bytes, the body yields no frame at all.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    /// use spire_body::{Body, Full};
    ///
    /// assert!(!Full::new(Bytes::from("x")).is_end_stream());
    /// assert!(Full::new(Bytes::new()).is_end_stream());
    /// ```
    pub fn new(data: D) -> Self {
        let data = if data.has_remaining() {
            Some(data)
        } else {
            None
        };
        Self { data }
    }
}

impl<D: Buf> Body for Full<D> {
    type Data = D;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<D>, Infallible>>> {
        Poll::Ready(self.project().data.take().map(|data| Ok(Frame::data(data))))
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        let remaining = self.data.as_ref().map_or(0, Buf::remaining);
        SizeHint::with_exact(crate::len_u64(remaining))
    }
}

impl<D: Buf> Default for Full<D> {
    /// An empty `Full`, at its end from the start.
    fn default() -> Self {
        Self { data: None }
    }
}

impl<D: Buf + From<Bytes>> From<Bytes> for Full<D> {
    fn from(bytes: Bytes) -> Self {
        Self::new(D::from(bytes))
    }
}

impl<D: Buf + From<Vec<u8>>> From<Vec<u8>> for Full<D> {
    fn from(vec: Vec<u8>) -> Self {
        Self::new(D::from(vec))
    }
}

impl<D: Buf + From<&'static [u8]>> From<&'static [u8]> for Full<D> {
    fn from(slice: &'static [u8]) -> Self {
        Self::new(D::from(slice))
    }
}

impl<D: Buf + From<String>> From<String> for Full<D> {
    fn from(s: String) -> Self {
        Self::new(D::from(s))
    }
}

impl<D: Buf + From<&'static str>> From<&'static str> for Full<D> {
    fn from(s: &'static str) -> Self {
        Self::new(D::from(s))
    }
}

impl<D, B> From<Cow<'static, B>> for Full<D>
where
    D: Buf + From<&'static B> + From<B::Owned>,
    B: ToOwned + ?Sized,
{
    fn from(cow: Cow<'static, B>) -> Self {
        match cow {
            Cow::Borrowed(b) => Self::new(D::from(b)),
            Cow::Owned(o) => Self::new(D::from(o)),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::task::Waker;

    use super::*;

    #[test]
    fn full_yields_the_same_allocation() {
        let original = Bytes::from(vec![7u8; 64]);
        let ptr = original.as_ptr();
        let mut body = Full::new(original);
        let mut cx = Context::from_waker(Waker::noop());
        let Poll::Ready(Some(Ok(frame))) = Pin::new(&mut body).poll_frame(&mut cx) else {
            panic!("expected a data frame");
        };
        let data = frame.into_data().unwrap();
        assert_eq!(
            data.as_ptr(),
            ptr,
            "Full must hand over its buffer, not a copy"
        );
        assert!(matches!(
            Pin::new(&mut body).poll_frame(&mut cx),
            Poll::Ready(None)
        ));
    }

    #[test]
    fn full_size_hint_counts_down_to_zero() {
        let mut body = Full::new(Bytes::from_static(b"abc"));
        assert_eq!(body.size_hint().exact(), Some(3));
        let mut cx = Context::from_waker(Waker::noop());
        let _ = Pin::new(&mut body).poll_frame(&mut cx);
        assert_eq!(body.size_hint().exact(), Some(0));
        assert!(body.is_end_stream());
    }

    #[test]
    fn full_from_conversions_keep_content() {
        let cases: Vec<Full<Bytes>> = vec![
            Full::from(Bytes::from_static(b"ab")),
            Full::from(b"ab".to_vec()),
            Full::from(&b"ab"[..]),
            Full::from(String::from("ab")),
            Full::from("ab"),
            Full::from(Cow::<'static, str>::Borrowed("ab")),
            Full::from(Cow::<'static, [u8]>::Owned(b"ab".to_vec())),
        ];
        for body in cases {
            assert_eq!(body.size_hint().exact(), Some(2));
        }
    }

    #[test]
    fn full_default_is_at_end() {
        let body = Full::<Bytes>::default();
        assert!(body.is_end_stream());
        assert_eq!(body.size_hint().exact(), Some(0));
    }
}

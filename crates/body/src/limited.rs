//! [`Limited`]: a body that fails once it has yielded more data than allowed.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::Buf;
use pin_project_lite::pin_project;

use crate::{Body, BoxError, Frame, SizeHint};

pin_project! {
    /// A body that fails with [`LengthLimitError`] once more than `limit` data bytes pass.
    ///
    /// Wrap every body whose size a peer controls before buffering it: without a limit, a
    /// client can make a server hold as much memory as it likes. The count is of data bytes
    /// (trailers are not counted). A body of exactly `limit` bytes passes; the frame that
    /// would take the total past `limit` is not yielded, and an error is yielded in its place.
    ///
    /// The error type is [`BoxError`]: the inner body's errors are boxed as they are, and
    /// [`LengthLimitError`] can be found again with `downcast_ref` or `is`.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    /// use spire_body::{BodyExt, Full, LengthLimitError, Limited};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let ok = Limited::new(Full::new(Bytes::from_static(b"1234")), 4);
    /// assert_eq!(ok.collect().await.unwrap().to_bytes(), "1234");
    ///
    /// let too_big = Limited::new(Full::new(Bytes::from_static(b"12345")), 4);
    /// let err = too_big.collect().await.unwrap_err();
    /// assert!(err.is::<LengthLimitError>());
    /// assert_eq!(err.to_string(), "body length limit of 4 bytes exceeded");
    /// # }
    /// ```
    #[derive(Clone, Copy, Debug)]
    pub struct Limited<B> {
        #[pin]
        inner: B,
        remaining: usize,
        limit: usize,
    }
}

impl<B> Limited<B> {
    /// Wraps `inner` so that it fails after more than `limit` data bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    /// use spire_body::{Body, Full, Limited};
    ///
    /// let body = Limited::new(Full::new(Bytes::from_static(b"hi")), 1024);
    /// assert_eq!(body.size_hint().exact(), Some(2));
    /// ```
    pub fn new(inner: B, limit: usize) -> Self {
        Self {
            inner,
            remaining: limit,
            limit,
        }
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

impl<B> Body for Limited<B>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    type Data = B::Data;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<B::Data>, BoxError>>> {
        let this = self.project();
        let frame = match ready!(this.inner.poll_frame(cx)) {
            Some(Ok(frame)) => frame,
            Some(Err(err)) => return Poll::Ready(Some(Err(err.into()))),
            None => return Poll::Ready(None),
        };
        if let Some(data) = frame.data_ref() {
            let len = data.remaining();
            if len > *this.remaining {
                // Nothing more may pass, whatever the consumer does after the error.
                *this.remaining = 0;
                let err = LengthLimitError { limit: *this.limit };
                return Poll::Ready(Some(Err(err.into())));
            }
            *this.remaining -= len;
        }
        Poll::Ready(Some(Ok(frame)))
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    /// The inner hint, with both bounds capped at the bytes still allowed.
    ///
    /// A body that is bound to go over the limit gets an exact hint of the bytes allowed;
    /// it will fail before it could break that promise.
    fn size_hint(&self) -> SizeHint {
        let inner = self.inner.size_hint();
        let cap = crate::len_u64(self.remaining);
        let mut hint = SizeHint::new();
        hint.set_upper(inner.upper().map_or(cap, |upper| upper.min(cap)));
        hint.set_lower(inner.lower().min(cap));
        hint
    }
}

/// A [`Limited`] body yielded more data bytes than its limit allows.
///
/// The message names the limit: `body length limit of 4 bytes exceeded`. Like every Display
/// in spire, the wording may change; match on the type, not the text.
///
/// # Examples
///
/// ```
/// use bytes::Bytes;
/// use spire_body::{BodyExt, Full, LengthLimitError};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let err = Full::new(Bytes::from_static(b"hello")).limited(2).collect().await.unwrap_err();
/// let limit_err = err.downcast_ref::<LengthLimitError>().unwrap();
/// assert_eq!(limit_err.limit(), 2);
/// # }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LengthLimitError {
    limit: usize,
}

impl LengthLimitError {
    /// Returns the limit that was exceeded, in bytes.
    pub fn limit(&self) -> usize {
        self.limit
    }
}

impl fmt::Display for LengthLimitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "body length limit of {} bytes exceeded", self.limit)
    }
}

impl std::error::Error for LengthLimitError {}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;
    use crate::{Empty, StreamBody};

    #[test]
    fn limited_size_hint_caps_an_unknown_size() {
        let body = Limited::new(
            StreamBody::new(futures_util::stream::empty::<
                Result<Frame<Bytes>, std::convert::Infallible>,
            >()),
            10,
        );
        let hint = body.size_hint();
        assert_eq!((hint.lower(), hint.upper()), (0, Some(10)));
    }

    #[test]
    fn limited_size_hint_keeps_a_smaller_exact_size() {
        let body = Limited::new(crate::Full::new(Bytes::from_static(b"abc")), 10);
        assert_eq!(body.size_hint().exact(), Some(3));
        let body = Limited::new(Empty::<Bytes>::new(), 0);
        assert_eq!(body.size_hint().exact(), Some(0));
        assert!(body.is_end_stream());
    }

    #[test]
    fn limited_size_hint_of_oversized_body_is_the_cap() {
        let body = Limited::new(crate::Full::new(Bytes::from_static(b"abcdef")), 4);
        assert_eq!(body.size_hint().exact(), Some(4));
    }

    #[test]
    fn length_limit_error_display_names_the_limit() {
        let err = LengthLimitError { limit: 1024 };
        assert_eq!(err.to_string(), "body length limit of 1024 bytes exceeded");
        assert_eq!(err.limit(), 1024);
    }
}

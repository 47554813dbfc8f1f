//! Streaming HTTP bodies for spire: a body is a stream of data frames and, at the end, trailers.
//!
//! # How it fits
//! Every message that crosses spire carries a body. spire-conn reads bodies off the wire and
//! hands them to services as a type that implements [`Body`]; services answer with any type
//! that implements [`Body`], and spire-conn streams it back out, using [`Body::size_hint`] to
//! choose between `Content-Length` and chunked framing. spire-middleware wraps bodies (limits,
//! compression, tracing) without knowing where they come from. This crate holds the trait,
//! the ready-made bodies and the combinators; it depends on `bytes` and `http` only and never
//! spawns, blocks or reads a clock.
//!
//! ```text
//!                      ┌─────────────────── spire-body ────────────────────┐
//!  spire-conn ─Body──► │ Body::poll_frame ─► Frame::data … Frame::trailers │ ─► Service
//!  (Incoming)          │ Full  Empty  StreamBody  channel  BoxBody  Either │
//!  spire-conn ◄─Body── │ BodyExt: collect  limited  map_*  with_trailers   │ ◄─ Service
//!                      └───────────────────────────────────────────────────┘
//! ```
//!
//! # Layout
//! - `lib.rs`: the [`Body`] trait, its contract, and impls for std and `http` types.
//! - [`frame`]: [`Frame`], one piece of a body: data or trailers.
//! - [`size_hint`]: [`SizeHint`], bounds on how many data bytes remain.
//! - [`empty`], [`full`]: [`Empty`] and [`Full`], bodies with no or one data frame.
//! - [`stream`]: [`StreamBody`] (a `Stream` into a body), [`BodyStream`] and
//!   [`BodyDataStream`] (a body into a `Stream`).
//! - [`mod@channel`]: [`channel()`], a bounded channel whose receiving side is a body.
//! - [`limited`]: [`Limited`] and [`LengthLimitError`], a cap on data bytes.
//! - [`boxed`]: [`BoxBody`] and [`UnsyncBoxBody`], type-erased bodies.
//! - [`collected`]: [`Collected`], a whole body buffered in memory.
//! - [`either`]: [`Either`], one of two body types.
//! - [`ext`]: [`BodyExt`], the extension methods; their types live in [`combinators`].
//!
//! # Example
//! Build a body, wrap it, and read it back:
//!
//! ```
//! use bytes::Bytes;
//! use spire_body::{BodyExt, Full};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let body = Full::new(Bytes::from_static(b"hello world"))
//!     .limited(1024)
//!     .boxed_unsync();
//! let collected = body.collect().await.expect("under the limit");
//! assert_eq!(collected.to_bytes(), "hello world");
//! # }
//! ```
#![doc(test(attr(deny(warnings))))]

use std::borrow::Cow;
use std::convert::Infallible;
use std::ops::DerefMut;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Buf, Bytes};

pub mod boxed;
pub mod channel;
pub mod collected;
pub mod combinators;
pub mod either;
pub mod empty;
pub mod ext;
pub mod frame;
pub mod full;
pub mod limited;
pub mod size_hint;
pub mod stream;

mod buf_list;

pub use crate::boxed::{BoxBody, UnsyncBoxBody};
pub use crate::channel::{Channel, Sender, channel};
pub use crate::collected::Collected;
pub use crate::either::Either;
pub use crate::empty::Empty;
pub use crate::ext::BodyExt;
pub use crate::frame::Frame;
pub use crate::full::Full;
pub use crate::limited::{LengthLimitError, Limited};
pub use crate::size_hint::SizeHint;
pub use crate::stream::{BodyDataStream, BodyStream, StreamBody};

/// A boxed error that can cross threads: the error type of [`Limited`], [`Either`] and
/// other bodies that combine errors of different kinds.
///
/// It is the same type as spire-service's `BoxError`, so errors pass between the crates
/// without conversion.
///
/// # Examples
///
/// ```
/// use spire_body::{BoxError, LengthLimitError};
/// use bytes::Bytes;
/// use spire_body::{BodyExt, Full};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let err: BoxError = Full::new(Bytes::from_static(b"too long"))
///     .limited(3)
///     .collect()
///     .await
///     .unwrap_err();
/// assert!(err.is::<LengthLimitError>());
/// # }
/// ```
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A streaming HTTP body: data frames, then at most one trailers frame, then the end.
///
/// A body is pulled, not pushed. Whoever owns it (spire-conn writing a response, a service
/// reading a request, a combinator) calls [`poll_frame`](Body::poll_frame) when it can take
/// more, so a slow consumer slows the producer down without any buffer in between growing.
/// The two other methods are hints that let a consumer do better than poll blindly.
///
/// # The contract
///
/// **Frames.** A body yields zero or more [data frames](Frame::data), then at most one
/// [trailers frame](Frame::trailers), then ends. Trailers are the last thing in a body: a
/// producer never yields data after trailers. A data frame may be empty; producers should not
/// yield empty frames, but a consumer must accept them. A consumer must not assume anything
/// about how the bytes are split into frames: the same bytes may arrive as one frame or as a
/// thousand, and the meaning of the body is the concatenation.
///
/// **The end.** `Poll::Ready(None)` means the body has ended cleanly. `Poll::Ready(Some(Err(_)))`
/// means it has failed: the data so far is incomplete and the consumer should stop polling
/// (the wire protocol turns this into a reset stream or a closed connection, never into a
/// shorter message that looks complete). A consumer must not poll a body again after it ended
/// or failed; the bodies in this crate keep answering `Ready(None)`, but wrappers forward to
/// whatever they wrap, so a consumer cannot count on it in general.
///
/// **`Pending`.** As with every poll method, `Poll::Pending` means the body has arranged for
/// the task in `cx` to be woken when it can make progress, and no frame is lost: the next
/// call continues where this one stopped.
///
/// **[`is_end_stream`](Body::is_end_stream)** returns `true` only when the next
/// `poll_frame` would return `Ready(None)`. It lets a consumer finish without one more poll:
/// HTTP/2 sets `END_STREAM` on the HEADERS frame of a response whose body is already at its
/// end, and HTTP/1 skips the body entirely. `false` is always a correct answer; `true` when
/// more frames follow is a bug that loses data.
///
/// **[`size_hint`](Body::size_hint)** bounds how many *data* bytes remain to be yielded
/// (trailers do not count). The real count must lie within `lower..=upper`. An exact hint is
/// a promise the connection relies on: HTTP/1 writes it as `Content-Length` and treats a body
/// that then yields a different number of bytes as an error, so only claim an exact size that
/// you know. The default, "at least 0, no upper bound", is always correct.
///
/// # Cancel safety
///
/// Dropping a body is how a consumer cancels it, at any point, including between a `Pending`
/// and the next poll. Producers must cope: a channel's [`Sender`] sees its sends fail, a
/// stream is dropped with the body. A consumer that stops caring about a future that polls a
/// body (for example [`BodyExt::frame`]) loses nothing, because a frame is only taken out of
/// the body by a `poll_frame` that returns `Ready`.
///
/// # Examples
///
/// A body that counts down, written by hand:
///
/// ```
/// use std::convert::Infallible;
/// use std::pin::Pin;
/// use std::task::{Context, Poll};
///
/// use bytes::Bytes;
/// use spire_body::{Body, BodyExt, Frame, SizeHint};
///
/// struct Countdown(u8);
///
/// impl Body for Countdown {
///     type Data = Bytes;
///     type Error = Infallible;
///
///     fn poll_frame(
///         mut self: Pin<&mut Self>,
///         _cx: &mut Context<'_>,
///     ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
///         if self.0 == 0 {
///             return Poll::Ready(None);
///         }
///         self.0 -= 1;
///         let digit = Bytes::from(vec![b'0' + self.0]);
///         Poll::Ready(Some(Ok(Frame::data(digit))))
///     }
///
///     fn is_end_stream(&self) -> bool {
///         self.0 == 0
///     }
///
///     fn size_hint(&self) -> SizeHint {
///         SizeHint::with_exact(u64::from(self.0))
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let body = Countdown(3);
/// assert_eq!(body.size_hint().exact(), Some(3));
/// let bytes = body.collect().await.unwrap().to_bytes();
/// assert_eq!(bytes, "210");
/// # }
/// ```
pub trait Body {
    /// The buffer type of data frames.
    type Data: Buf;

    /// The error a body yields when it fails.
    type Error;

    /// Tries to pull the next frame out of the body.
    ///
    /// Returns `Ready(Some(Ok(frame)))` for a frame, `Ready(Some(Err(e)))` when the body has
    /// failed, `Ready(None)` when it has ended, and `Pending` (having registered `cx`'s
    /// waker) when the next frame is not there yet. See the contract on [`Body`].
    #[expect(
        clippy::type_complexity,
        reason = "the signature every body implementer knows from http-body; an alias would hide its shape"
    )]
    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>>;

    /// Returns `true` when the next [`poll_frame`](Body::poll_frame) would return `Ready(None)`.
    ///
    /// `false` is always allowed; the default returns it.
    fn is_end_stream(&self) -> bool {
        false
    }

    /// Returns the bounds on the number of data bytes the body has yet to yield.
    ///
    /// The default is [`SizeHint::default`]: at least zero, no upper bound.
    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}

/// Converts a buffer length to the `u64` a [`SizeHint`] counts in.
fn len_u64(len: usize) -> u64 {
    // usize is at most 64 bits on every platform Rust supports; saturate rather than panic.
    u64::try_from(len).unwrap_or(u64::MAX)
}

impl<B: Body + Unpin + ?Sized> Body for &mut B {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut **self).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        (**self).is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        (**self).size_hint()
    }
}

impl<P> Body for Pin<P>
where
    P: DerefMut<Target: Body>,
{
    type Data = <P::Target as Body>::Data;
    type Error = <P::Target as Body>::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        self.as_deref_mut().poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        (**self).is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        (**self).size_hint()
    }
}

impl<B: Body + Unpin + ?Sized> Body for Box<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut **self).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        (**self).is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        (**self).size_hint()
    }
}

/// A request is a body: polling it polls its body.
///
/// The body must be `Unpin`, because reaching a pinned field without `unsafe` needs it;
/// pin a body that is not (`Box::pin`, or [`BodyExt::boxed`]) before putting it in a request.
impl<B: Body + Unpin> Body for http::Request<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        Pin::new(self.get_mut().body_mut()).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body().is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body().size_hint()
    }
}

/// A response is a body: polling it polls its body.
///
/// The body must be `Unpin`, for the reason given on the `http::Request` impl.
impl<B: Body + Unpin> Body for http::Response<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        Pin::new(self.get_mut().body_mut()).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body().is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body().size_hint()
    }
}

/// `Bytes` is a body of one data frame: itself, handed over without a copy.
impl Body for Bytes {
    // The body hands itself over as its one data frame.
    type Data = Self;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self>, Infallible>>> {
        let this = self.get_mut();
        if this.is_empty() {
            Poll::Ready(None)
        } else {
            Poll::Ready(Some(Ok(Frame::data(std::mem::take(this)))))
        }
    }

    fn is_end_stream(&self) -> bool {
        self.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(len_u64(self.len()))
    }
}

/// A `Vec<u8>` is a body of one data frame; the vector becomes a `Bytes` without a copy.
impl Body for Vec<u8> {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        if this.is_empty() {
            Poll::Ready(None)
        } else {
            Poll::Ready(Some(Ok(Frame::data(Bytes::from(std::mem::take(this))))))
        }
    }

    fn is_end_stream(&self) -> bool {
        self.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(len_u64(self.len()))
    }
}

/// A `String` is a body of one data frame; the string becomes a `Bytes` without a copy.
impl Body for String {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        if this.is_empty() {
            Poll::Ready(None)
        } else {
            Poll::Ready(Some(Ok(Frame::data(Bytes::from(std::mem::take(this))))))
        }
    }

    fn is_end_stream(&self) -> bool {
        self.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(len_u64(self.len()))
    }
}

/// A static string is a body of one data frame, a `Bytes` pointing at the static data.
impl Body for &'static str {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        if this.is_empty() {
            Poll::Ready(None)
        } else {
            let s: &'static str = std::mem::take(this);
            Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(s.as_bytes())))))
        }
    }

    fn is_end_stream(&self) -> bool {
        self.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(len_u64(self.len()))
    }
}

/// A static byte slice is a body of one data frame, a `Bytes` pointing at the static data.
impl Body for &'static [u8] {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        if this.is_empty() {
            Poll::Ready(None)
        } else {
            let s: &'static [u8] = std::mem::take(this);
            Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(s)))))
        }
    }

    fn is_end_stream(&self) -> bool {
        self.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(len_u64(self.len()))
    }
}

/// Borrowed or owned bytes are a body of one data frame, handed over without a copy.
impl Body for Cow<'static, [u8]> {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        if this.is_empty() {
            return Poll::Ready(None);
        }
        let bytes = match std::mem::replace(this, Cow::Borrowed(&[])) {
            Cow::Borrowed(s) => Bytes::from_static(s),
            Cow::Owned(v) => Bytes::from(v),
        };
        Poll::Ready(Some(Ok(Frame::data(bytes))))
    }

    fn is_end_stream(&self) -> bool {
        self.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(len_u64(self.len()))
    }
}

/// A borrowed or owned string is a body of one data frame, handed over without a copy.
impl Body for Cow<'static, str> {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        if this.is_empty() {
            return Poll::Ready(None);
        }
        let bytes = match std::mem::replace(this, Cow::Borrowed("")) {
            Cow::Borrowed(s) => Bytes::from_static(s.as_bytes()),
            Cow::Owned(s) => Bytes::from(s),
        };
        Poll::Ready(Some(Ok(Frame::data(bytes))))
    }

    fn is_end_stream(&self) -> bool {
        self.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(len_u64(self.len()))
    }
}

// The study guide's chapter on bodies: its Rust blocks run as doc-tests of this crate, so the
// guide cannot drift from the API. Only compiled while collecting doc-tests.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/02-body.md")]
struct StudyGuideChapter;

#[cfg(test)]
mod tests;

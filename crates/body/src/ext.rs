//! [`BodyExt`]: the methods every body gets: read, collect, map, box, limit, stream.

use std::future::Future;

use bytes::Buf;
use http::HeaderMap;

use crate::combinators::{Collect, MapErr, MapFrame, NextFrame, WithTrailers};
use crate::{Body, BodyDataStream, BodyStream, BoxBody, Frame, Limited, UnsyncBoxBody};

/// Extension methods for every [`Body`].
///
/// [`Body`] has only what a connection needs to stream a body; this trait adds what an
/// application needs around it. It is implemented for every body, so bringing it into scope
/// (`use spire_body::BodyExt;`) is all it takes. The adapters are named after what they do
/// and live in [`combinators`](crate::combinators).
///
/// # Examples
///
/// ```
/// use bytes::Bytes;
/// use spire_body::{BodyExt, Full};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let body = Full::new(Bytes::from_static(b"payload"))
///     .map_err(|never| match never {})
///     .limited(64);
/// let bytes = body.collect().await.unwrap().to_bytes();
/// assert_eq!(bytes, "payload");
/// # }
/// ```
pub trait BodyExt: Body {
    /// Returns a future of the next frame: `None` at the end, `Some(Err(_))` on failure.
    ///
    /// This is [`Body::poll_frame`] as an `async` call, for reading a body frame by frame
    /// in a loop.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: a frame is only taken from the body when the future completes, so
    /// dropping it early (in a `select!`, or on a timeout) loses nothing.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::{Buf, Bytes};
    /// use spire_body::{BodyExt, Full};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut body = Full::new(Bytes::from_static(b"abc"));
    /// let mut total = 0;
    /// while let Some(frame) = body.frame().await {
    ///     if let Ok(data) = frame.unwrap().into_data() {
    ///         total += data.remaining();
    ///     }
    /// }
    /// assert_eq!(total, 3);
    /// # }
    /// ```
    fn frame(&mut self) -> NextFrame<'_, Self>
    where
        Self: Unpin,
    {
        NextFrame::new(self)
    }

    /// Changes each frame with `f`.
    ///
    /// `f` sees data and trailers frames alike and may turn one into the other or change the
    /// data type. The size hint and end of stream are forwarded from the inner body, so `f`
    /// must not change how many data bytes pass (converting the buffer type, inspecting,
    /// editing trailers): a changed length would make an exact hint a false
    /// `Content-Length`. To rewrite data, build a body that states its own hint.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    /// use http::HeaderMap;
    /// use spire_body::{Body, BodyExt, Frame, Full};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// // Turn `&'static [u8]` frames into `Bytes` frames; the length is unchanged.
    /// let body = Full::new(&b"static"[..]).map_frame(|frame| frame.map_data(Bytes::from_static));
    /// assert_eq!(body.size_hint().exact(), Some(6));
    /// let data: Bytes = body.collect().await.unwrap().to_bytes();
    /// assert_eq!(data, "static");
    /// # let _ = Frame::<Bytes>::trailers(HeaderMap::new());
    /// # }
    /// ```
    fn map_frame<F, D>(self, f: F) -> MapFrame<Self, F>
    where
        Self: Sized,
        F: FnMut(Frame<Self::Data>) -> Frame<D>,
        D: Buf,
    {
        MapFrame::new(self, f)
    }

    /// Changes the error type with `f`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io;
    ///
    /// use bytes::Bytes;
    /// use spire_body::{BodyExt, channel};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (tx, body) = channel::<Bytes, &'static str>(1);
    /// tx.abort("disk failed");
    /// let err = body.map_err(io::Error::other).collect().await.unwrap_err();
    /// assert_eq!(err.kind(), io::ErrorKind::Other);
    /// # }
    /// ```
    fn map_err<F, E>(self, f: F) -> MapErr<Self, F>
    where
        Self: Sized,
        F: FnMut(Self::Error) -> E,
    {
        MapErr::new(self, f)
    }

    /// Boxes the body into a [`BoxBody`], which is `Send + Sync`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::convert::Infallible;
    ///
    /// use bytes::Bytes;
    /// use spire_body::{BodyExt, BoxBody, Full};
    ///
    /// let body: BoxBody<Bytes, Infallible> = Full::new(Bytes::from_static(b"x")).boxed();
    /// # let _ = body;
    /// ```
    fn boxed(self) -> BoxBody<Self::Data, Self::Error>
    where
        Self: Sized + Send + Sync + 'static,
    {
        BoxBody::new(self)
    }

    /// Boxes the body into an [`UnsyncBoxBody`], which is `Send` only.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::convert::Infallible;
    ///
    /// use bytes::Bytes;
    /// use spire_body::{BodyExt, Full, UnsyncBoxBody};
    ///
    /// let body: UnsyncBoxBody<Bytes, Infallible> = Full::new(Bytes::new()).boxed_unsync();
    /// # let _ = body;
    /// ```
    fn boxed_unsync(self) -> UnsyncBoxBody<Self::Data, Self::Error>
    where
        Self: Sized + Send + 'static,
    {
        UnsyncBoxBody::new(self)
    }

    /// Returns a future that reads the whole body into a [`Collected`](crate::Collected).
    ///
    /// The body is read to its end, whatever its size: limit a body a peer sends with
    /// [`limited`](Self::limited) first.
    ///
    /// # Errors
    ///
    /// The future fails with the body's error if the body fails; what was read is dropped.
    ///
    /// # Cancel safety
    ///
    /// Not cancel safe: dropping the future drops the body and the frames read so far.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    /// use spire_body::{BodyExt, Full};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let collected = Full::new(Bytes::from_static(b"all of it")).collect().await.unwrap();
    /// assert_eq!(collected.to_bytes(), "all of it");
    /// # }
    /// ```
    fn collect(self) -> Collect<Self>
    where
        Self: Sized,
    {
        Collect::new(self)
    }

    /// Adds trailers that a future produces once the body's data has been sent.
    ///
    /// When the inner body ends, `trailers` is polled. Its `Some(Ok(map))` becomes the
    /// trailers frame; if the inner body sent trailers of its own, the future's values are
    /// appended after them (both are kept). `None` adds nothing, and `Some(Err(e))` fails the
    /// body. The future is never polled if the inner body fails first. This is how a
    /// checksum computed while the data streams, or a gRPC status known only at the end, gets
    /// into the trailers.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::convert::Infallible;
    ///
    /// use bytes::Bytes;
    /// use http::HeaderMap;
    /// use spire_body::{BodyExt, Full};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let body = Full::new(Bytes::from_static(b"reply")).with_trailers(async {
    ///     let mut trailers = HeaderMap::new();
    ///     trailers.insert("grpc-status", "0".parse().unwrap());
    ///     Some(Ok::<_, Infallible>(trailers))
    /// });
    /// let collected = body.collect().await.unwrap();
    /// assert_eq!(collected.trailers().unwrap()["grpc-status"], "0");
    /// assert_eq!(collected.to_bytes(), "reply");
    /// # }
    /// ```
    fn with_trailers<F>(self, trailers: F) -> WithTrailers<Self, F>
    where
        Self: Sized,
        F: Future<Output = Option<Result<HeaderMap, Self::Error>>>,
    {
        WithTrailers::new(self, trailers)
    }

    /// Caps the data bytes the body may yield; see [`Limited`].
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    /// use spire_body::{BodyExt, Full};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let result = Full::new(Bytes::from_static(b"way too long")).limited(3).collect().await;
    /// assert!(result.is_err());
    /// # }
    /// ```
    fn limited(self, limit: usize) -> Limited<Self>
    where
        Self: Sized,
    {
        Limited::new(self, limit)
    }

    /// Turns the body into a `Stream` of its data buffers, dropping trailers; see
    /// [`BodyDataStream`].
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    /// use futures_util::StreamExt;
    /// use spire_body::{BodyExt, Full};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut data = Full::new(Bytes::from_static(b"x")).into_data_stream();
    /// assert_eq!(data.next().await.unwrap().unwrap(), "x");
    /// assert!(data.next().await.is_none());
    /// # }
    /// ```
    fn into_data_stream(self) -> BodyDataStream<Self>
    where
        Self: Sized,
    {
        BodyDataStream::new(self)
    }

    /// Turns the body into a `Stream` of its frames; see [`BodyStream`].
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    /// use futures_util::StreamExt;
    /// use spire_body::{BodyExt, Full};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let frames: Vec<_> = Full::new(Bytes::from_static(b"x")).into_stream().collect().await;
    /// assert_eq!(frames.len(), 1);
    /// # }
    /// ```
    fn into_stream(self) -> BodyStream<Self>
    where
        Self: Sized,
    {
        BodyStream::new(self)
    }
}

impl<B: Body + ?Sized> BodyExt for B {}

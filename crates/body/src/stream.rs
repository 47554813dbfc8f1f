//! Bridges between bodies and `Stream`s: [`StreamBody`], [`BodyStream`], [`BodyDataStream`].

use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::Buf;
use futures_util::Stream;
use pin_project_lite::pin_project;

use crate::{Body, Frame};

pin_project! {
    /// A body made from a `Stream` of frames.
    ///
    /// Each item the stream yields becomes one poll of the body: `Ok(frame)` is a frame,
    /// `Err(e)` fails the body, and the end of the stream ends the body. The stream is
    /// responsible for the [`Body`] contract: at most one trailers frame, and nothing after
    /// it. The body knows nothing about its size, so its hint is the default and chunked
    /// coding is used on HTTP/1. It is only a [`Body`], not also a `Stream`, so that
    /// `BodyExt` and `StreamExt` never both offer the same method on it.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::convert::Infallible;
    ///
    /// use bytes::Bytes;
    /// use futures_util::stream;
    /// use spire_body::{BodyExt, Frame, StreamBody};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let chunks = stream::iter(["hel", "lo"].map(|s| {
    ///     Ok::<_, Infallible>(Frame::data(Bytes::from_static(s.as_bytes())))
    /// }));
    /// let body = StreamBody::new(chunks);
    /// assert_eq!(body.collect().await.unwrap().to_bytes(), "hello");
    /// # }
    /// ```
    #[derive(Clone, Copy, Debug)]
    pub struct StreamBody<S> {
        #[pin]
        stream: S,
    }
}

impl<S> StreamBody<S> {
    /// Wraps a stream of `Result<Frame<D>, E>` as a body.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::convert::Infallible;
    ///
    /// use bytes::Bytes;
    /// use futures_util::stream;
    /// use spire_body::{Frame, StreamBody};
    ///
    /// let body = StreamBody::new(stream::empty::<Result<Frame<Bytes>, Infallible>>());
    /// # let _ = body;
    /// ```
    pub fn new(stream: S) -> Self {
        Self { stream }
    }

    /// Returns a reference to the stream.
    pub fn get_ref(&self) -> &S {
        &self.stream
    }

    /// Returns a mutable reference to the stream.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.stream
    }

    /// Returns a pinned mutable reference to the stream.
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut S> {
        self.project().stream
    }

    /// Returns the stream.
    pub fn into_inner(self) -> S {
        self.stream
    }
}

impl<S, D, E> Body for StreamBody<S>
where
    S: Stream<Item = Result<Frame<D>, E>>,
    D: Buf,
{
    type Data = D;
    type Error = E;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<D>, E>>> {
        self.project().stream.poll_next(cx)
    }
}

pin_project! {
    /// A `Stream` of a body's frames, data and trailers alike.
    ///
    /// Made by [`BodyExt::into_stream`](crate::BodyExt::into_stream). Each item is what one
    /// [`poll_frame`](Body::poll_frame) returned. It is only a `Stream`, not also a
    /// [`Body`]: with both, `BodyExt` and `StreamExt` would each offer `collect` and
    /// `boxed`, and every call would need the trait spelled out. [`into_inner`](Self::into_inner)
    /// gives the body back.
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
    /// let mut frames = Full::new(Bytes::from_static(b"hi")).into_stream();
    /// let frame = frames.next().await.unwrap().unwrap();
    /// assert_eq!(frame.into_data().unwrap(), "hi");
    /// assert!(frames.next().await.is_none());
    /// # }
    /// ```
    #[derive(Clone, Copy, Debug)]
    pub struct BodyStream<B> {
        #[pin]
        body: B,
    }
}

impl<B> BodyStream<B> {
    /// Wraps a body as a stream of its frames.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    /// use spire_body::{BodyStream, Empty};
    ///
    /// let frames = BodyStream::new(Empty::<Bytes>::new());
    /// # let _ = frames;
    /// ```
    pub fn new(body: B) -> Self {
        Self { body }
    }

    /// Returns a reference to the body.
    pub fn get_ref(&self) -> &B {
        &self.body
    }

    /// Returns a mutable reference to the body.
    pub fn get_mut(&mut self) -> &mut B {
        &mut self.body
    }

    /// Returns a pinned mutable reference to the body.
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut B> {
        self.project().body
    }

    /// Returns the body.
    pub fn into_inner(self) -> B {
        self.body
    }
}

impl<B: Body> Stream for BodyStream<B> {
    type Item = Result<Frame<B::Data>, B::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.project().body.poll_frame(cx)
    }
}

pin_project! {
    /// A `Stream` of a body's data buffers; trailers are skipped.
    ///
    /// Made by [`BodyExt::into_data_stream`](crate::BodyExt::into_data_stream), for code that
    /// wants the bytes and nothing else (writing to a file, hashing). A trailers frame is
    /// dropped and the stream goes on to the end of the body; an error is yielded as an item.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    /// use futures_util::TryStreamExt;
    /// use spire_body::{BodyExt, Full};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let chunks: Vec<Bytes> = Full::new(Bytes::from_static(b"data"))
    ///     .into_data_stream()
    ///     .try_collect()
    ///     .await
    ///     .unwrap();
    /// assert_eq!(chunks, [Bytes::from_static(b"data")]);
    /// # }
    /// ```
    #[derive(Clone, Copy, Debug)]
    pub struct BodyDataStream<B> {
        #[pin]
        body: B,
    }
}

impl<B> BodyDataStream<B> {
    /// Wraps a body as a stream of its data.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    /// use spire_body::{BodyDataStream, Full};
    ///
    /// let data = BodyDataStream::new(Full::new(Bytes::from_static(b"x")));
    /// # let _ = data;
    /// ```
    pub fn new(body: B) -> Self {
        Self { body }
    }

    /// Returns a reference to the body.
    pub fn get_ref(&self) -> &B {
        &self.body
    }

    /// Returns a mutable reference to the body.
    pub fn get_mut(&mut self) -> &mut B {
        &mut self.body
    }

    /// Returns a pinned mutable reference to the body.
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut B> {
        self.project().body
    }

    /// Returns the body.
    pub fn into_inner(self) -> B {
        self.body
    }
}

impl<B: Body> Stream for BodyDataStream<B> {
    type Item = Result<B::Data, B::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut body = self.project().body;
        loop {
            match ready!(body.as_mut().poll_frame(cx)) {
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        return Poll::Ready(Some(Ok(data)));
                    }
                    // Trailers are not data: drop them and poll on; the body ends next.
                }
                Some(Err(err)) => return Poll::Ready(Some(Err(err))),
                None => return Poll::Ready(None),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;
    use std::task::Waker;

    use bytes::Bytes;
    use futures_util::stream;
    use http::HeaderMap;

    use super::*;

    fn frames() -> Vec<Result<Frame<Bytes>, Infallible>> {
        vec![
            Ok(Frame::data(Bytes::from_static(b"a"))),
            Ok(Frame::data(Bytes::from_static(b"b"))),
            Ok(Frame::trailers(HeaderMap::new())),
        ]
    }

    #[test]
    fn body_data_stream_skips_trailers() {
        let mut data = BodyDataStream::new(StreamBody::new(stream::iter(frames())));
        let mut cx = Context::from_waker(Waker::noop());
        let mut seen = Vec::new();
        while let Poll::Ready(Some(item)) = Pin::new(&mut data).poll_next(&mut cx) {
            seen.push(item.unwrap());
        }
        assert_eq!(seen, [Bytes::from_static(b"a"), Bytes::from_static(b"b")]);
    }

    #[test]
    fn body_stream_yields_every_frame() {
        let mut all = BodyStream::new(StreamBody::new(stream::iter(frames())));
        let mut cx = Context::from_waker(Waker::noop());
        let mut kinds = Vec::new();
        while let Poll::Ready(Some(item)) = Pin::new(&mut all).poll_next(&mut cx) {
            kinds.push(item.unwrap().is_data());
        }
        assert_eq!(kinds, [true, true, false]);
    }

    #[test]
    fn stream_body_has_unknown_size() {
        let body = StreamBody::new(stream::iter(frames()));
        assert_eq!(body.size_hint(), crate::SizeHint::new());
        assert!(!body.is_end_stream());
    }
}

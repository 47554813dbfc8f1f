//! [`Collected`]: a whole body, buffered in memory.

use std::convert::Infallible;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Buf, Bytes};
use http::HeaderMap;
use pin_project_lite::pin_project;

use crate::buf_list::BufList;
use crate::{Body, Frame, SizeHint};

pin_project! {
    /// Every data frame and the trailers of a body, kept in memory.
    ///
    /// Returned by [`BodyExt::collect`](crate::BodyExt::collect). The data buffers are kept as
    /// they arrived, not copied together: [`aggregate`](Self::aggregate) reads them in place as
    /// one [`Buf`], and [`to_bytes`](Self::to_bytes) copies only when there was more than one.
    /// A `Collected` is itself a [`Body`], which replays the frames it holds.
    ///
    /// Collecting reads until the end of the body, so wrap a body whose size a peer controls in
    /// [`Limited`](crate::Limited) first.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::convert::Infallible;
    ///
    /// use bytes::Bytes;
    /// use futures_util::stream;
    /// use http::HeaderMap;
    /// use spire_body::{BodyExt, Frame, StreamBody};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut trailers = HeaderMap::new();
    /// trailers.insert("x-crc32", "3610a686".parse().unwrap());
    /// let frames = vec![
    ///     Ok::<_, Infallible>(Frame::data(Bytes::from_static(b"hello "))),
    ///     Ok(Frame::data(Bytes::from_static(b"world"))),
    ///     Ok(Frame::trailers(trailers)),
    /// ];
    ///
    /// let collected = StreamBody::new(stream::iter(frames)).collect().await.unwrap();
    /// assert_eq!(collected.trailers().unwrap()["x-crc32"], "3610a686");
    /// assert_eq!(collected.to_bytes(), "hello world");
    /// # }
    /// ```
    pub struct Collected<B> {
        bufs: BufList<B>,
        trailers: Option<HeaderMap>,
    }
}

impl<B: Buf> Collected<B> {
    /// Returns the trailers, if the body had any.
    pub fn trailers(&self) -> Option<&HeaderMap> {
        self.trailers.as_ref()
    }

    /// Returns the data as one [`Buf`] over the collected buffers, without copying them.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::{Buf, Bytes};
    /// use spire_body::{BodyExt, Full};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let collected = Full::new(Bytes::from_static(b"\x00\x2a")).collect().await.unwrap();
    /// let mut buf = collected.aggregate();
    /// assert_eq!(buf.get_u16(), 42);
    /// # }
    /// ```
    pub fn aggregate(self) -> impl Buf {
        self.bufs
    }

    /// Returns the data as one contiguous [`Bytes`].
    ///
    /// A body that arrived as one `Bytes` frame is returned as that same `Bytes`, with no
    /// copy; several frames are copied into one new buffer.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    /// use spire_body::{BodyExt, Full};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let collected = Full::new(Bytes::from_static(b"abc")).collect().await.unwrap();
    /// assert_eq!(collected.to_bytes(), "abc");
    /// # }
    /// ```
    pub fn to_bytes(mut self) -> Bytes {
        let len = self.bufs.remaining();
        self.bufs.copy_to_bytes(len)
    }

    /// Adds one frame: data is queued, trailers are merged into those already held.
    ///
    /// A body has at most one trailers frame, but if one breaks that rule nothing is lost:
    /// later values are appended after earlier ones.
    pub(crate) fn push_frame(&mut self, frame: Frame<B>) {
        match frame.into_data() {
            Ok(data) => self.bufs.push(data),
            Err(frame) => {
                if let Ok(trailers) = frame.into_trailers() {
                    match &mut self.trailers {
                        Some(existing) => append_headers(existing, trailers),
                        None => self.trailers = Some(trailers),
                    }
                }
            }
        }
    }
}

/// Appends every value of `extra` to `map`, keeping the values already there.
pub(crate) fn append_headers(map: &mut HeaderMap, extra: HeaderMap) {
    // A HeaderMap iterates as (Some(name), first value), then (None, next value of that name).
    let mut name = None;
    for (next_name, value) in extra {
        if next_name.is_some() {
            name = next_name;
        }
        if let Some(name) = &name {
            map.append(name, value);
        }
    }
}

impl<B: Buf> Body for Collected<B> {
    type Data = B;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<B>, Infallible>>> {
        let this = self.project();
        let frame = match this.bufs.pop() {
            Some(data) => Some(Frame::data(data)),
            None => this.trailers.take().map(Frame::trailers),
        };
        Poll::Ready(frame.map(Ok))
    }

    fn is_end_stream(&self) -> bool {
        self.bufs.is_empty() && self.trailers.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(crate::len_u64(self.bufs.remaining()))
    }
}

impl<B> Default for Collected<B> {
    fn default() -> Self {
        Self {
            bufs: BufList::default(),
            trailers: None,
        }
    }
}

impl<B: Buf> fmt::Debug for Collected<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Collected")
            .field("data_len", &self.bufs.remaining())
            .field("trailers", &self.trailers)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::task::Waker;

    use super::*;

    fn trailers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn collected_merges_repeated_trailers() {
        let mut collected = Collected::<Bytes>::default();
        collected.push_frame(Frame::trailers(trailers(&[("a", "1"), ("b", "2")])));
        collected.push_frame(Frame::trailers(trailers(&[("a", "3"), ("a", "4")])));
        let got = collected.trailers().unwrap();
        let a: Vec<_> = got.get_all("a").iter().collect();
        assert_eq!(a, ["1", "3", "4"]);
        assert_eq!(got["b"], "2");
    }

    #[test]
    fn collected_replays_as_a_body() {
        let mut collected = Collected::default();
        collected.push_frame(Frame::data(Bytes::from_static(b"ab")));
        collected.push_frame(Frame::data(Bytes::new()));
        collected.push_frame(Frame::data(Bytes::from_static(b"c")));
        collected.push_frame(Frame::trailers(trailers(&[("t", "v")])));
        assert_eq!(collected.size_hint().exact(), Some(3));

        let mut cx = Context::from_waker(Waker::noop());
        let mut kinds = Vec::new();
        while let Poll::Ready(Some(Ok(frame))) = Pin::new(&mut collected).poll_frame(&mut cx) {
            kinds.push(frame.is_data());
        }
        // the empty buffer was not kept
        assert_eq!(kinds, [true, true, false]);
        assert!(collected.is_end_stream());
    }

    #[test]
    fn collected_to_bytes_joins_frames() {
        let mut collected = Collected::default();
        collected.push_frame(Frame::data(Bytes::from_static(b"ab")));
        collected.push_frame(Frame::data(Bytes::from_static(b"cd")));
        assert_eq!(collected.to_bytes(), "abcd");
        assert_eq!(Collected::<Bytes>::default().to_bytes(), "");
    }
}

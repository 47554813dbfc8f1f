//! [`WithTrailers`]: the body behind [`BodyExt::with_trailers`](crate::BodyExt::with_trailers).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use http::HeaderMap;
use pin_project_lite::pin_project;

use crate::collected::append_headers;
use crate::{Body, Frame, SizeHint};

pin_project! {
    /// A body followed by trailers from a future; returned by
    /// [`BodyExt::with_trailers`](crate::BodyExt::with_trailers).
    ///
    /// It yields the inner body's data frames; when the inner body ends it awaits the future
    /// and yields one trailers frame: the inner body's own trailers, if any, with the
    /// future's values appended.
    ///
    /// ```text
    ///  inner: data … data [trailers A] end ──► data … data, then poll the future
    ///  future: Some(Ok(B)) ──► trailers A+B      None ──► trailers A (if any)
    ///          Some(Err(e)) ──► error
    /// ```
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
    /// let mut own = HeaderMap::new();
    /// own.insert("x-own", "1".parse().unwrap());
    /// let inner = StreamBody::new(stream::iter(vec![
    ///     Ok::<_, Infallible>(Frame::data(Bytes::from_static(b"data"))),
    ///     Ok(Frame::trailers(own)),
    /// ]));
    ///
    /// let body = inner.with_trailers(async {
    ///     let mut extra = HeaderMap::new();
    ///     extra.insert("x-extra", "2".parse().unwrap());
    ///     Some(Ok(extra))
    /// });
    /// let collected = body.collect().await.unwrap();
    /// let trailers = collected.trailers().unwrap();
    /// assert_eq!(trailers["x-own"], "1");
    /// assert_eq!(trailers["x-extra"], "2");
    /// # }
    /// ```
    pub struct WithTrailers<B, F> {
        #[pin]
        inner: B,
        #[pin]
        trailers: F,
        own_trailers: Option<HeaderMap>,
        stage: Stage,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// Streaming the inner body.
    Body,
    /// The inner body has ended; awaiting the trailers future.
    Trailers,
    /// Trailers yielded, or the body failed.
    Done,
}

impl<B, F> WithTrailers<B, F> {
    pub(crate) fn new(inner: B, trailers: F) -> Self {
        Self {
            inner,
            trailers,
            own_trailers: None,
            stage: Stage::Body,
        }
    }
}

impl<B, F> Body for WithTrailers<B, F>
where
    B: Body,
    F: Future<Output = Option<Result<HeaderMap, B::Error>>>,
{
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<B::Data>, B::Error>>> {
        let mut this = self.project();
        loop {
            match this.stage {
                Stage::Body => match ready!(this.inner.as_mut().poll_frame(cx)) {
                    Some(Ok(frame)) => match frame.into_trailers() {
                        // Hold the inner trailers back until the future's are known.
                        Ok(own) => match this.own_trailers {
                            Some(existing) => append_headers(existing, own),
                            None => *this.own_trailers = Some(own),
                        },
                        Err(data) => return Poll::Ready(Some(Ok(data))),
                    },
                    Some(Err(err)) => {
                        *this.stage = Stage::Done;
                        return Poll::Ready(Some(Err(err)));
                    }
                    None => *this.stage = Stage::Trailers,
                },
                Stage::Trailers => {
                    let extra = ready!(this.trailers.as_mut().poll(cx));
                    *this.stage = Stage::Done;
                    let own = this.own_trailers.take();
                    let merged = match (own, extra) {
                        (_, Some(Err(err))) => return Poll::Ready(Some(Err(err))),
                        (Some(mut own), Some(Ok(extra))) => {
                            append_headers(&mut own, extra);
                            Some(own)
                        }
                        (None, Some(Ok(extra))) => Some(extra),
                        (own, None) => own,
                    };
                    return Poll::Ready(merged.map(|trailers| Ok(Frame::trailers(trailers))));
                }
                Stage::Done => return Poll::Ready(None),
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.stage == Stage::Done
    }

    fn size_hint(&self) -> SizeHint {
        match self.stage {
            Stage::Body => self.inner.size_hint(),
            Stage::Trailers | Stage::Done => SizeHint::with_exact(0),
        }
    }
}

impl<B: fmt::Debug, F> fmt::Debug for WithTrailers<B, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WithTrailers")
            .field("inner", &self.inner)
            .field("stage", &self.stage)
            .finish_non_exhaustive()
    }
}

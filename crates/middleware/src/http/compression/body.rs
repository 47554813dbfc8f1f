//! [`CompressionBody`]: the inner body, compressed frame by frame, or passed through.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::{Buf, Bytes};
use http::HeaderMap;
use pin_project_lite::pin_project;
use spire_body::{Body, BoxError, Frame, SizeHint};

use super::Level;
use super::coding::{Coding, pass_through};
use super::encoder::Encoder;

/// The most compressed bytes one output frame holds, and the size of the scratch buffer
/// each compressing body allocates.
const MAX_FRAME: usize = 32 * 1024;

pin_project! {
    /// The response body of [`Compression`](super::Compression): the inner body,
    /// compressed, or unchanged when the response is not compressed.
    ///
    /// When compressing, each data frame of the inner body is compressed and
    /// sync-flushed at once, so the client can decode everything received so far: a
    /// streamed response keeps streaming. A large frame comes out as several frames of at
    /// most 32 KiB; nothing else is buffered. At the end of the inner body the stream is
    /// finished (the last deflate block and the gzip or zlib trailer), and then the inner
    /// trailers, if any, are passed on. The size is unknown while compressing.
    ///
    /// Data is [`Bytes`] (taken from the inner data without a copy when it is `Bytes`);
    /// errors are the inner body's, boxed, or a compressor failure.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    /// use http::{Request, Response, header};
    /// use spire_body::{BodyExt, Full};
    /// use spire_middleware::http::compression::{Compression, CompressionBody};
    /// use spire_service::{ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let inner = service_fn(|_: Request<()>| async {
    ///     Ok::<_, std::convert::Infallible>(Response::new(Full::new(Bytes::from("hello ".repeat(100)))))
    /// });
    /// let request = Request::builder().header(header::ACCEPT_ENCODING, "gzip").body(()).unwrap();
    /// let response = Compression::new(inner).oneshot(request).await.unwrap();
    /// let body: CompressionBody<Full<Bytes>> = response.into_body();
    /// let compressed = body.collect().await.unwrap().to_bytes();
    /// assert!(compressed.len() < 600);
    /// assert_eq!(compressed[..2], [0x1f, 0x8b]); // the gzip magic
    /// # }
    /// ```
    pub struct CompressionBody<B> {
        #[pin]
        inner: B,
        // `None`: pass the inner body through.
        state: Option<State>,
    }
}

/// The compressing side of a [`CompressionBody`].
struct State {
    encoder: Encoder,
    /// Inner data taken but not compressed yet.
    input: Bytes,
    /// All input was given with a flush, but the flush's output did not fit yet.
    flushing: bool,
    scratch: Vec<u8>,
    phase: Phase,
}

enum Phase {
    /// Reading the inner body.
    Reading,
    /// The inner body ended: finishing the stream, then these trailers.
    Finishing(Option<HeaderMap>),
    /// Finished: the trailers, if any, are left.
    Trailers(Option<HeaderMap>),
    Done,
}

impl<B> CompressionBody<B> {
    pub(super) fn passthrough(inner: B) -> Self {
        Self { inner, state: None }
    }

    pub(super) fn compressed(inner: B, coding: Coding, level: Level) -> Self {
        Self {
            inner,
            state: Some(State {
                encoder: Encoder::new(coding, level),
                input: Bytes::new(),
                flushing: false,
                scratch: Vec::new(),
                phase: Phase::Reading,
            }),
        }
    }
}

/// The scratch buffer, allocated on first use.
fn scratch(buf: &mut Vec<u8>) -> &mut [u8] {
    if buf.is_empty() {
        buf.resize(MAX_FRAME, 0);
    }
    buf
}

impl State {
    /// Compresses (and flushes) some of the pending input; returns the output, if any.
    fn encode(&mut self) -> Result<Option<Bytes>, BoxError> {
        let out = scratch(&mut self.scratch);
        let progress = self.encoder.encode(&self.input, out, true)?;
        self.input.advance(progress.consumed);
        self.flushing = !progress.done;
        Ok((progress.written > 0).then(|| Bytes::copy_from_slice(&out[..progress.written])))
    }

    /// Finishes the stream; returns the output, if any, and whether it is complete.
    fn finish(&mut self) -> Result<(Option<Bytes>, bool), BoxError> {
        let out = scratch(&mut self.scratch);
        let progress = self.encoder.finish(out)?;
        let bytes =
            (progress.written > 0).then(|| Bytes::copy_from_slice(&out[..progress.written]));
        Ok((bytes, progress.done))
    }
}

impl<B> Body for CompressionBody<B>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.project();
        let Some(state) = this.state else {
            return Poll::Ready(pass_through(ready!(this.inner.poll_frame(cx))));
        };
        let mut inner = this.inner;
        loop {
            match &mut state.phase {
                Phase::Reading if !state.input.is_empty() || state.flushing => {
                    let out = state.encode().inspect_err(|_| state.phase = Phase::Done)?;
                    if let Some(out) = out {
                        return Poll::Ready(Some(Ok(Frame::data(out))));
                    }
                }
                Phase::Reading => match ready!(inner.as_mut().poll_frame(cx)) {
                    Some(Ok(frame)) => match frame.into_data() {
                        Ok(mut data) => state.input = data.copy_to_bytes(data.remaining()),
                        Err(frame) => state.phase = Phase::Finishing(frame.into_trailers().ok()),
                    },
                    Some(Err(err)) => {
                        state.phase = Phase::Done;
                        return Poll::Ready(Some(Err(err.into())));
                    }
                    None => state.phase = Phase::Finishing(None),
                },
                Phase::Finishing(trailers) => {
                    let trailers = trailers.take();
                    let (out, done) = match state.finish() {
                        Ok(step) => step,
                        Err(err) => {
                            state.phase = Phase::Done;
                            return Poll::Ready(Some(Err(err)));
                        }
                    };
                    state.phase = if done {
                        Phase::Trailers(trailers)
                    } else {
                        Phase::Finishing(trailers)
                    };
                    if let Some(out) = out {
                        return Poll::Ready(Some(Ok(Frame::data(out))));
                    }
                }
                Phase::Trailers(trailers) => {
                    let trailers = trailers.take();
                    state.phase = Phase::Done;
                    if let Some(trailers) = trailers {
                        return Poll::Ready(Some(Ok(Frame::trailers(trailers))));
                    }
                }
                Phase::Done => return Poll::Ready(None),
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.state {
            None => self.inner.is_end_stream(),
            Some(state) => matches!(state.phase, Phase::Done),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.state {
            None => self.inner.size_hint(),
            Some(state) if matches!(state.phase, Phase::Done) => SizeHint::with_exact(0),
            Some(_) => SizeHint::default(),
        }
    }
}

impl<B: fmt::Debug> fmt::Debug for CompressionBody<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CompressionBody")
            .field("inner", &self.inner)
            .field("compressing", &self.state.is_some())
            .finish()
    }
}

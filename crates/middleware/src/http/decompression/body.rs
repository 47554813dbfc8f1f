//! [`DecompressionBody`]: the inner body, decompressed within limits, or passed through.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::{Buf, Bytes};
use http::HeaderMap;
use pin_project_lite::pin_project;
use spire_body::{Body, BoxError, Frame, SizeHint};

use super::decoder::Decoder;
use super::limits::Limits;
use crate::http::compression::coding::{Coding, pass_through};

/// The most decompressed bytes one output frame holds, and the size of the scratch
/// buffer each decompressing body allocates (less when the size limit is closer).
const MAX_FRAME: usize = 32 * 1024;

pin_project! {
    /// The body [`Decompression`](super::Decompression) gives for responses and
    /// [`RequestDecompression`](super::RequestDecompression) for requests: the inner
    /// body decoded, or unchanged when it was not encoded.
    ///
    /// Decoding reads the inner body one frame at a time and yields decoded frames of at
    /// most 32 KiB; it never holds more than one inner frame and one output frame. It
    /// ends with an error, boxed, when
    /// - the decoded size or the expansion ratio crosses a limit:
    ///   [`DecompressionLimitError`](super::DecompressionLimitError), before any byte
    ///   past the size limit is yielded;
    /// - the input is not valid: [`CorruptBody`](super::CorruptBody);
    /// - the inner body fails: its error.
    ///
    /// Trailers pass through. The decoded size is unknown.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::Write;
    ///
    /// use bytes::Bytes;
    /// use http::{Request, header};
    /// use spire_body::{BodyExt, Full};
    /// use spire_middleware::http::decompression::{DecompressionBody, RequestDecompression};
    /// use spire_service::{ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let inner = service_fn(|request: Request<DecompressionBody<Full<Bytes>>>| async move {
    ///     let bytes = request.into_body().collect().await.unwrap().to_bytes();
    ///     Ok::<_, std::convert::Infallible>(http::Response::new(Full::new(bytes)))
    /// });
    /// let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    /// zlib.write_all(b"hello, spire").unwrap();
    /// let request = Request::builder()
    ///     .header(header::CONTENT_ENCODING, "deflate")
    ///     .body(Full::new(Bytes::from(zlib.finish().unwrap())))
    ///     .unwrap();
    /// let response = RequestDecompression::new(inner).oneshot(request).await.unwrap();
    /// assert_eq!(response.into_body().collect().await.unwrap().to_bytes(), "hello, spire");
    /// # }
    /// ```
    pub struct DecompressionBody<B> {
        #[pin]
        inner: B,
        // `None`: pass the inner body through.
        state: Option<State>,
    }
}

/// The decoding side of a [`DecompressionBody`].
struct State {
    decoder: Decoder,
    limits: Limits,
    /// Inner data taken but not decoded yet.
    input: Bytes,
    /// The last step filled its output: the decoder may hold more.
    draining: bool,
    decompressed: u64,
    compressed: u64,
    scratch: Vec<u8>,
    phase: Phase,
}

enum Phase {
    Reading,
    /// The inner body ended (with these trailers): drain the decoder, check it is
    /// complete, then pass the trailers on.
    Ending(Option<HeaderMap>),
    Done,
}

impl<B> DecompressionBody<B> {
    pub(super) fn passthrough(inner: B) -> Self {
        Self { inner, state: None }
    }

    pub(super) fn decoded(inner: B, coding: Coding, limits: Limits) -> Self {
        Self {
            inner,
            state: Some(State {
                decoder: Decoder::new(coding),
                limits,
                input: Bytes::new(),
                draining: false,
                decompressed: 0,
                compressed: 0,
                scratch: Vec::new(),
                phase: Phase::Reading,
            }),
        }
    }
}

impl State {
    /// One decoding step over the pending input; returns the output, if any.
    fn decode(&mut self) -> Result<Option<Bytes>, BoxError> {
        let room = usize::try_from(self.limits.room(self.decompressed)).unwrap_or(usize::MAX);
        let size = room.min(MAX_FRAME);
        if self.scratch.len() < size {
            self.scratch.resize(size, 0);
        }
        let out = &mut self.scratch[..size];
        let step = self.decoder.decode(&self.input, out)?;
        self.input.advance(step.consumed);
        self.draining = step.written == out.len();
        self.compressed += step.consumed as u64;
        self.decompressed += step.written as u64;
        self.limits.check(self.decompressed, self.compressed)?;
        Ok((step.written > 0).then(|| Bytes::copy_from_slice(&out[..step.written])))
    }
}

impl<B> Body for DecompressionBody<B>
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
            let pending = !state.input.is_empty() || state.draining;
            match &mut state.phase {
                Phase::Done => return Poll::Ready(None),
                Phase::Reading | Phase::Ending(_) if pending => {
                    let out = state.decode().inspect_err(|_| state.phase = Phase::Done)?;
                    if let Some(out) = out {
                        return Poll::Ready(Some(Ok(Frame::data(out))));
                    }
                    if !state.input.is_empty() && !state.draining {
                        // The decoder stopped without taking input or giving output; it
                        // only does so on a bug, so end rather than spin.
                        state.phase = Phase::Done;
                        return Poll::Ready(Some(Err("decompression made no progress".into())));
                    }
                }
                Phase::Reading => match ready!(inner.as_mut().poll_frame(cx)) {
                    Some(Ok(frame)) => match frame.into_data() {
                        Ok(mut data) => state.input = data.copy_to_bytes(data.remaining()),
                        Err(frame) => state.phase = Phase::Ending(frame.into_trailers().ok()),
                    },
                    Some(Err(err)) => {
                        state.phase = Phase::Done;
                        return Poll::Ready(Some(Err(err.into())));
                    }
                    None => state.phase = Phase::Ending(None),
                },
                Phase::Ending(trailers) => {
                    let trailers = trailers.take();
                    state.phase = Phase::Done;
                    state.decoder.finish()?;
                    if let Some(trailers) = trailers {
                        return Poll::Ready(Some(Ok(Frame::trailers(trailers))));
                    }
                }
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

impl<B: fmt::Debug> fmt::Debug for DecompressionBody<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecompressionBody")
            .field("inner", &self.inner)
            .field("decoding", &self.state.is_some())
            .finish()
    }
}

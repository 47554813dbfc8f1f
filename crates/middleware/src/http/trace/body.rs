//! [`ResponseBody`]: the inner body, reported chunk by chunk to the hooks.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use tokio::time::Instant;

use http::HeaderMap;
use pin_project_lite::pin_project;
use spire_body::{Body, Frame, SizeHint};
use tracing::Span;

use super::{Classify, DefaultHooks, ServerErrorsAsFailures, TraceHooks};

/// What [`ResponseFuture`](super::ResponseFuture) hands to the body.
pub(super) struct Parts<H, C> {
    pub(super) span: Span,
    pub(super) start: Instant,
    pub(super) hooks: H,
    pub(super) classifier: C,
    /// The head was classified [`AtEndOfStream`](super::Classification::AtEndOfStream).
    pub(super) classify_at_eos: bool,
}

pin_project! {
    /// The response body of [`Trace`](super::Trace): the inner body, unchanged, polled
    /// inside the request's span. Each data frame goes to
    /// [`on_body_chunk`](TraceHooks::on_body_chunk); the end of the body (the trailers
    /// frame, or the end without one) to [`on_eos`](TraceHooks::on_eos), and to the
    /// classifier if the head left the decision to the end; an error to the classifier and
    /// [`on_failure`](TraceHooks::on_failure). The span closes when the body is dropped.
    ///
    /// `on_eos` needs the body to be polled to its end: a body that is dropped first, or
    /// never polled because its consumer trusted `is_end_stream`, reports no end.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    /// use http::{Request, Response};
    /// use spire_body::{BodyExt, Full};
    /// use spire_middleware::http::trace::{ResponseBody, TraceLayer};
    /// use spire_service::{Layer, ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let inner = service_fn(|_: Request<()>| async { Ok::<_, std::convert::Infallible>(Response::new(Full::new(Bytes::from("hi")))) });
    /// let body: ResponseBody<Full<Bytes>> = TraceLayer::for_http().layer(inner).oneshot(Request::new(())).await.unwrap().into_body();
    /// assert_eq!(body.collect().await.unwrap().to_bytes(), "hi");
    /// # }
    /// ```
    pub struct ResponseBody<B, H = DefaultHooks, C = ServerErrorsAsFailures> {
        #[pin]
        inner: B,
        span: Span,
        start: Instant,
        hooks: H,
        classifier: C,
        classify_at_eos: bool,
        // The end, or an error, has been reported: report nothing more.
        done: bool,
    }
}

impl<B, H, C> ResponseBody<B, H, C> {
    pub(super) fn new(inner: B, parts: Parts<H, C>) -> Self {
        Self {
            inner,
            span: parts.span,
            start: parts.start,
            hooks: parts.hooks,
            classifier: parts.classifier,
            classify_at_eos: parts.classify_at_eos,
            done: false,
        }
    }

    /// The request's span.
    pub const fn span(&self) -> &Span {
        &self.span
    }

    /// Returns a reference to the inner body.
    pub const fn get_ref(&self) -> &B {
        &self.inner
    }

    /// Returns a mutable reference to the inner body.
    pub const fn get_mut(&mut self) -> &mut B {
        &mut self.inner
    }

    /// Consumes `self`, returning the inner body. The span closes, and nothing more is
    /// reported.
    pub fn into_inner(self) -> B {
        self.inner
    }
}

impl<B, H, C> Body for ResponseBody<B, H, C>
where
    B: Body,
    B::Error: fmt::Display,
    H: TraceHooks<C::Failure>,
    C: Classify,
{
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<B::Data>, B::Error>>> {
        let this = self.project();
        let _entered = this.span.enter();
        let polled = ready!(this.inner.poll_frame(cx));
        if *this.done {
            return Poll::Ready(polled);
        }
        let latency = this.start.elapsed();
        let end = |trailers: Option<&HeaderMap>| {
            this.hooks.on_eos(trailers, latency, this.span);
            if *this.classify_at_eos
                && let Err(failure) = this.classifier.classify_eos(trailers)
            {
                this.hooks.on_failure(&failure, latency, this.span);
            }
        };
        match &polled {
            Some(Ok(frame)) => {
                if let Some(chunk) = frame.data_ref() {
                    this.hooks.on_body_chunk(chunk, latency, this.span);
                } else if let Some(trailers) = frame.trailers_ref() {
                    *this.done = true;
                    end(Some(trailers));
                }
            }
            Some(Err(error)) => {
                *this.done = true;
                let failure = this.classifier.classify_error(error);
                this.hooks.on_failure(&failure, latency, this.span);
            }
            None => {
                *this.done = true;
                end(None);
            }
        }
        Poll::Ready(polled)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl<B: fmt::Debug, H: fmt::Debug, C: fmt::Debug> fmt::Debug for ResponseBody<B, H, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseBody")
            .field("inner", &self.inner)
            .field("span", &self.span)
            .field("hooks", &self.hooks)
            .field("classifier", &self.classifier)
            .finish_non_exhaustive()
    }
}

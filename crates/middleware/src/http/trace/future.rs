//! The response future of [`Trace`](super::Trace).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use tokio::time::Instant;

use http::Response;
use pin_project_lite::pin_project;
use tracing::Span;
use tracing::field::debug;

use super::body::Parts;
use super::{
    Classification, Classify, DefaultHooks, ResponseBody, ServerErrorsAsFailures, TraceHooks,
};

pin_project! {
    /// The response future of [`Trace`](super::Trace): the inner future, polled inside the
    /// request's span; its response reported to the hooks and classified, its body wrapped
    /// in a [`ResponseBody`].
    ///
    /// # Examples
    ///
    /// ```
    /// use http::{Request, Response};
    /// use spire_middleware::http::trace::{ResponseFuture, TraceLayer};
    /// use spire_service::{Layer, Service, ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let inner = service_fn(|_: Request<()>| async { Ok::<_, std::convert::Infallible>(Response::new(())) });
    /// let mut svc = TraceLayer::for_http().layer(inner);
    /// let future: ResponseFuture<_> = svc.ready().await.unwrap().call(Request::new(()));
    /// assert!(future.await.is_ok());
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Polling it again after it has returned `Ready` panics.
    ///
    /// # Cancel safety
    ///
    /// Dropping it drops the inner future and closes the span (unless a hook kept a
    /// clone); no hook is called.
    #[derive(Debug)]
    pub struct ResponseFuture<F, H = DefaultHooks, C = ServerErrorsAsFailures> {
        #[pin]
        future: F,
        state: Option<State<H, C>>,
    }
}

/// What the future hands on to the body: taken when the response arrives.
#[derive(Debug)]
struct State<H, C> {
    span: Span,
    start: Instant,
    hooks: H,
    classifier: C,
}

impl<F, H, C> ResponseFuture<F, H, C> {
    pub(super) fn new(future: F, span: Span, start: Instant, hooks: H, classifier: C) -> Self {
        Self {
            future,
            state: Some(State {
                span,
                start,
                hooks,
                classifier,
            }),
        }
    }
}

impl<F, H, C, B, E> Future for ResponseFuture<F, H, C>
where
    F: Future<Output = Result<Response<B>, E>>,
    E: fmt::Display,
    H: TraceHooks<C::Failure>,
    C: Classify,
{
    type Output = Result<Response<ResponseBody<B, H, C>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let state = this
            .state
            .as_ref()
            .expect("ResponseFuture polled after completion");
        // One entry covers the inner poll and the hooks that follow it.
        let entered = state.span.enter();
        let result = ready!(this.future.poll(cx));
        let latency = state.start.elapsed();
        state.span.record("latency", debug(latency));
        let result = match result {
            Ok(response) => {
                state.span.record("status", response.status().as_u16());
                state.hooks.on_response(&response, latency, &state.span);
                let classify_at_eos = match state.classifier.classify_response(&response) {
                    Classification::Success => false,
                    Classification::Failure(failure) => {
                        state.hooks.on_failure(&failure, latency, &state.span);
                        false
                    }
                    Classification::AtEndOfStream => true,
                };
                Ok((response, classify_at_eos))
            }
            Err(error) => {
                let failure = state.classifier.classify_error(&error);
                state.hooks.on_failure(&failure, latency, &state.span);
                Err(error)
            }
        };
        drop(entered);
        let State {
            span,
            start,
            hooks,
            classifier,
        } = this.state.take().expect("checked above");
        Poll::Ready(result.map(|(response, classify_at_eos)| {
            let parts = Parts {
                span,
                start,
                hooks,
                classifier,
                classify_at_eos,
            };
            response.map(|body| ResponseBody::new(body, parts))
        }))
    }
}

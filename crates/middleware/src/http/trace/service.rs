//! [`Trace`].

use std::fmt;
use std::task::{Context, Poll};
use tokio::time::Instant;

use http::{Request, Response};
use spire_service::Service;

use super::{
    Classify, DefaultHooks, ResponseBody, ResponseFuture, ServerErrorsAsFailures, TraceHooks,
};

/// A service that gives each request a `tracing` span and reports its life through
/// [`TraceHooks`], with failures decided by a [`Classify`].
///
/// See [the module docs](super) for the span, the order of the hooks, and what the layer
/// costs.
///
/// # Examples
///
/// ```
/// use http::{Request, Response};
/// use spire_middleware::http::trace::{DefaultHooks, ServerErrorsAsFailures, Trace};
/// use spire_service::{Service, ServiceExt};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let (mock, mut handle) = spire_test::mock::pair::<Request<()>, Response<String>>();
/// let mut svc = Trace::new(mock, DefaultHooks::new(), ServerErrorsAsFailures::new());
/// let response = svc.ready().await.unwrap().call(Request::new(()));
/// let (_, send) = handle.next_request().await.unwrap();
/// send.send_response(Response::new(String::from("hi")));
/// assert_eq!(response.await.unwrap().into_body().into_inner(), "hi");
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Trace<S, H = DefaultHooks, C = ServerErrorsAsFailures> {
    inner: S,
    hooks: H,
    classifier: C,
}

impl<S, H, C> Trace<S, H, C> {
    /// Wraps `inner` so that its requests are traced with `hooks`, failures decided by
    /// `classifier`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::trace::{DefaultHooks, StatusInRangeAsFailures, Trace};
    /// # let inner = spire_service::service_fn(|_: http::Request<()>| async { Ok::<_, std::convert::Infallible>(http::Response::new(())) });
    ///
    /// let _svc = Trace::new(inner, DefaultHooks::new(), StatusInRangeAsFailures::for_client());
    /// ```
    pub const fn new(inner: S, hooks: H, classifier: C) -> Self {
        Self {
            inner,
            hooks,
            classifier,
        }
    }

    /// The hooks.
    pub const fn hooks(&self) -> &H {
        &self.hooks
    }

    /// The classifier.
    pub const fn classifier(&self) -> &C {
        &self.classifier
    }

    /// Returns a reference to the inner service.
    pub const fn get_ref(&self) -> &S {
        &self.inner
    }

    /// Returns a mutable reference to the inner service.
    pub const fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Consumes `self`, returning the inner service.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

/// # Readiness
/// Ready exactly when the inner service is; reserves nothing of its own. Readiness is not
/// traced: the span starts in `call`.
impl<S, H, C, ReqB, ResB> Service<Request<ReqB>> for Trace<S, H, C>
where
    S: Service<Request<ReqB>, Response = Response<ResB>>,
    S::Error: fmt::Display,
    H: TraceHooks<C::Failure> + Clone,
    C: Classify + Clone,
{
    type Response = Response<ResponseBody<ResB, H, C>>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future, H, C>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqB>) -> Self::Future {
        let start = Instant::now();
        let span = self.hooks.make_span(&request);
        let future = {
            // Entered so that the inner service's own events in `call` land in the span.
            let _entered = span.enter();
            self.hooks.on_request(&request, &span);
            self.inner.call(request)
        };
        ResponseFuture::new(
            future,
            span,
            start,
            self.hooks.clone(),
            self.classifier.clone(),
        )
    }
}

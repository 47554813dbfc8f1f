//! [`Retry`].

use std::task::{Context, Poll};

use http::Request;
use spire_service::Service;

use super::ResponseFuture;
use crate::http::replay::{DEFAULT_CAP, ReplayBody};
use crate::retry::Policy;

/// A service that retries HTTP requests as its policy decides, replaying their bodies.
///
/// It takes `Request<B>`, wraps the body in a [`ReplayBody`] that records up to
/// [`replay_cap`](Self::replay_cap) bytes (64 KiB by default), and calls the generic
/// [`retry::Retry`](crate::retry::Retry) with the policy `P`, a
/// [`Policy`] for `Request<ReplayBody<B>>`: [`RetryPolicy`](super::RetryPolicy) unless
/// you write your own. See [the module docs](super).
///
/// # Examples
///
/// ```
/// use bytes::Bytes;
/// use http::{Request, Response, StatusCode};
/// use spire_body::Full;
/// use spire_middleware::http::replay::ReplayBody;
/// use spire_middleware::http::retry::{Retry, RetryPolicy};
/// use spire_service::{Service, ServiceExt};
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let (mock, mut handle) =
///     spire_test::mock::pair::<Request<ReplayBody<Full<Bytes>>>, Response<()>>();
/// let mut svc = Retry::new(mock, RetryPolicy::new());
/// let response = tokio::spawn(svc.ready().await.unwrap().call(Request::new(Full::new(Bytes::new()))));
/// handle.next_request().await.unwrap().1.send_error("connection reset");
/// let (_again, send) = handle.next_request().await.unwrap(); // a GET is retried
/// send.send_response(Response::new(()));
/// assert_eq!(response.await.unwrap().unwrap().status(), StatusCode::OK);
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Retry<S, P = super::RetryPolicy> {
    inner: crate::retry::Retry<P, S>,
    cap: usize,
}

impl<S, P> Retry<S, P> {
    /// Wraps `inner` so that its requests are retried as `policy` decides.
    ///
    /// # Examples
    ///
    /// See [`Retry`].
    pub const fn new(inner: S, policy: P) -> Self {
        Self {
            inner: crate::retry::Retry::new(policy, inner),
            cap: DEFAULT_CAP,
        }
    }

    /// Records up to `cap` bytes of each request body for the retries; a longer body is
    /// sent once and not retried.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::retry::{Retry, RetryPolicy};
    /// # let inner = ();
    ///
    /// let svc = Retry::new(inner, RetryPolicy::new()).replay_cap(1024);
    /// assert_eq!(svc.cap(), 1024);
    /// ```
    #[must_use]
    pub const fn replay_cap(mut self, cap: usize) -> Self {
        self.cap = cap;
        self
    }

    /// The most bytes of a request body recorded for retries.
    pub const fn cap(&self) -> usize {
        self.cap
    }

    /// The policy, as each call's future starts with it.
    pub const fn policy(&self) -> &P {
        self.inner.policy()
    }

    /// Returns a reference to the inner service.
    pub const fn get_ref(&self) -> &S {
        self.inner.get_ref()
    }

    /// Returns a mutable reference to the inner service.
    pub const fn get_mut(&mut self) -> &mut S {
        self.inner.get_mut()
    }

    /// Consumes `self`, returning the inner service.
    pub fn into_inner(self) -> S {
        self.inner.into_inner()
    }
}

/// # Readiness
/// Ready exactly when the inner service is, reserving what it reserves for the first
/// attempt. Retries wait for the readiness of a clone of the inner service, inside the
/// response future.
impl<S, P, B> Service<Request<B>> for Retry<S, P>
where
    S: Service<Request<ReplayBody<B>>> + Clone,
    P: Policy<Request<ReplayBody<B>>, S::Response, S::Error> + Clone,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = ResponseFuture<P, S, B>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let cap = self.cap;
        self.inner
            .call(request.map(|body| ReplayBody::with_cap(body, cap)))
    }
}

//! [`FollowRedirect`].

use std::task::{Context, Poll};

use http::{Request, Response};
use spire_service::Service;

use super::{Policy, ResponseFuture, Standard};
use crate::http::replay::{DEFAULT_CAP, ReplayBody};

/// A client service that follows redirects as its [`Policy`] decides.
///
/// It takes `Request<B>`, wraps the body in a [`ReplayBody`] (recording up to
/// [`replay_cap`](Self::replay_cap) bytes, 64 KiB by default, so that a 307 or 308 can
/// send it again), and calls the inner service with `Request<ReplayBody<B>>`. See
/// [the module docs](super) for the rules on methods, bodies and headers.
///
/// # Examples
///
/// ```
/// use bytes::Bytes;
/// use http::{Request, Response, StatusCode, header};
/// use spire_body::Full;
/// use spire_middleware::http::follow_redirect::{FollowRedirect, RequestUri};
/// use spire_middleware::http::replay::ReplayBody;
/// use spire_service::{ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let inner = service_fn(|request: Request<ReplayBody<Full<Bytes>>>| async move {
///     let mut response = Response::new(());
///     if request.uri().path() == "/docs/old" {
///         *response.status_mut() = StatusCode::MOVED_PERMANENTLY;
///         response.headers_mut().insert(header::LOCATION, "new".parse().unwrap());
///     }
///     Ok::<_, std::convert::Infallible>(response)
/// });
/// let request = Request::get("http://example.com/docs/old").body(Full::new(Bytes::new())).unwrap();
/// let response = FollowRedirect::new(inner).oneshot(request).await.unwrap();
/// assert_eq!(response.status(), StatusCode::OK);
/// let uri = &response.extensions().get::<RequestUri>().unwrap().0;
/// assert_eq!(uri, "http://example.com/docs/new");
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct FollowRedirect<S, P = Standard> {
    inner: S,
    policy: P,
    cap: usize,
}

impl<S> FollowRedirect<S> {
    /// Follows redirects with the [`Standard`] policy: at most 20 hops, credentials
    /// dropped across origins.
    ///
    /// # Examples
    ///
    /// See [`FollowRedirect`].
    pub fn new(inner: S) -> Self {
        Self::with_policy(inner, Standard::default())
    }
}

impl<S, P> FollowRedirect<S, P> {
    /// Follows redirects as `policy` decides.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::follow_redirect::{FollowRedirect, SameOrigin};
    /// # let inner = ();
    ///
    /// let svc = FollowRedirect::with_policy(inner, SameOrigin::new());
    /// assert_eq!(svc.cap(), 64 * 1024);
    /// ```
    pub const fn with_policy(inner: S, policy: P) -> Self {
        Self {
            inner,
            policy,
            cap: DEFAULT_CAP,
        }
    }

    /// Records up to `cap` bytes of each request body, for 307 and 308; a longer body is
    /// sent once, and a 307 or 308 for it is returned instead of followed.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::follow_redirect::FollowRedirect;
    /// # let inner = ();
    ///
    /// let svc = FollowRedirect::new(inner).replay_cap(1024);
    /// assert_eq!(svc.cap(), 1024);
    /// ```
    #[must_use]
    pub const fn replay_cap(mut self, cap: usize) -> Self {
        self.cap = cap;
        self
    }

    /// The most bytes of a request body recorded for 307 and 308.
    pub const fn cap(&self) -> usize {
        self.cap
    }

    /// The policy, as each call's future starts with it.
    pub const fn policy(&self) -> &P {
        &self.policy
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
/// Ready exactly when the inner service is, reserving what it reserves for the first
/// request. Each redirect is sent through a clone of the inner service, after waiting for
/// the clone's readiness inside the response future.
impl<S, P, B, ResB> Service<Request<B>> for FollowRedirect<S, P>
where
    S: Service<Request<ReplayBody<B>>, Response = Response<ResB>> + Clone,
    P: Policy + Clone,
{
    type Response = Response<ResB>;
    type Error = S::Error;
    type Future = ResponseFuture<S, P, B>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let (head, body) = request.into_parts();
        let body = ReplayBody::with_cap(body, self.cap);
        // A copy kept back for a 307 or 308; a new one never fails.
        let kept = body.try_clone();
        let next = head.clone();
        // The reserved service makes this call; the clone, not yet ready, makes the next.
        let fresh = self.inner.clone();
        let response = self.inner.call(Request::from_parts(head, body));
        ResponseFuture::new(response, fresh, self.policy.clone(), next, kept)
    }
}

//! The response future of [`FollowRedirect`](super::FollowRedirect).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use http::{HeaderMap, Method, Request, Response, StatusCode, header, request};
use pin_project_lite::pin_project;
use spire_service::Service;

use super::{Action, Attempt, Policy, RequestUri, uri};
use crate::http::replay::ReplayBody;

pin_project! {
    /// The response future of [`FollowRedirect`](super::FollowRedirect): a request, then,
    /// as long as the policy follows, the next request to each `Location`.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    /// use http::{Request, Response};
    /// use spire_body::Full;
    /// use spire_middleware::http::follow_redirect::{FollowRedirect, ResponseFuture, Standard};
    /// use spire_middleware::http::replay::ReplayBody;
    /// use spire_service::{Service, ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let inner = service_fn(|_: Request<ReplayBody<Full<Bytes>>>| async {
    ///     Ok::<_, std::convert::Infallible>(Response::new(()))
    /// });
    /// let mut svc = FollowRedirect::new(inner);
    /// let future: ResponseFuture<_, Standard, Full<Bytes>> =
    ///     svc.ready().await.unwrap().call(Request::new(Full::new(Bytes::new())));
    /// assert!(future.await.is_ok());
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// The inner service's error, from a request or from `poll_ready` before a redirect.
    ///
    /// # Cancel safety
    ///
    /// Dropping it drops the request in flight (cancelling it as the inner service
    /// defines); no further request is made.
    pub struct ResponseFuture<S, P, B>
    where
        S: Service<Request<ReplayBody<B>>>,
    {
        #[pin]
        state: State<S::Future, Request<ReplayBody<B>>>,
        // A clone of the inner service, for the redirects.
        service: S,
        policy: P,
        // The head of the request in flight.
        head: request::Parts,
        // A copy of the body kept back for 307 and 308; `None` once a redirect dropped the body.
        body: Option<ReplayBody<B>>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<F, R> {
        Request { #[pin] response: F },
        Ready { next: Option<R> },
    }
}

impl<S, P, B> ResponseFuture<S, P, B>
where
    S: Service<Request<ReplayBody<B>>>,
{
    pub(super) const fn new(
        response: S::Future,
        service: S,
        policy: P,
        head: request::Parts,
        body: Option<ReplayBody<B>>,
    ) -> Self {
        Self {
            state: State::Request { response },
            service,
            policy,
            head,
            body,
        }
    }
}

impl<S, P, B, ResB> Future for ResponseFuture<S, P, B>
where
    S: Service<Request<ReplayBody<B>>, Response = Response<ResB>>,
    P: Policy,
{
    type Output = Result<Response<ResB>, S::Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        loop {
            match this.state.as_mut().project() {
                StateProj::Request { response } => {
                    let mut response = ready!(response.poll(cx))?;
                    let next = next_request(
                        response.status(),
                        response.headers(),
                        this.policy,
                        this.head,
                        this.body,
                    );
                    match next {
                        Some(next) => this.state.set(State::Ready { next: Some(next) }),
                        None => {
                            let uri = RequestUri(this.head.uri.clone());
                            response.extensions_mut().insert(uri);
                            return Poll::Ready(Ok(response));
                        }
                    }
                }
                StateProj::Ready { next } => {
                    ready!(this.service.poll_ready(cx))?;
                    let next = next
                        .take()
                        .expect("the next request is only taken once the service is ready");
                    let response = this.service.call(next);
                    this.state.set(State::Request { response });
                }
            }
        }
    }
}

/// The headers that describe a request body, dropped when a redirect drops the body.
const BODY_HEADERS: [header::HeaderName; 6] = [
    header::CONTENT_TYPE,
    header::CONTENT_LENGTH,
    header::CONTENT_ENCODING,
    header::CONTENT_LANGUAGE,
    header::CONTENT_LOCATION,
    header::TRANSFER_ENCODING,
];

/// The request that follows a response, if it is a redirect to follow; updates `head`
/// (and `body`, if the body is dropped) to describe it.
fn next_request<P: Policy, B>(
    status: StatusCode,
    headers: &HeaderMap,
    policy: &mut P,
    head: &mut request::Parts,
    body: &mut Option<ReplayBody<B>>,
) -> Option<Request<ReplayBody<B>>> {
    // RFC 9110 §15.4: which redirects drop the body, and turn the request into a GET.
    let drops_body = match status {
        StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND => head.method == Method::POST,
        StatusCode::SEE_OTHER => true,
        StatusCode::TEMPORARY_REDIRECT | StatusCode::PERMANENT_REDIRECT => false,
        _ => return None,
    };
    let location = uri::resolve(&head.uri, headers.get(header::LOCATION)?)?;
    let next_body = match (&*body, drops_body) {
        (Some(kept), false) => kept.try_clone()?,
        _ => ReplayBody::empty(),
    };
    let attempt = Attempt::new(status, &head.method, &head.uri, &location);
    if policy.redirect(&attempt) == Action::Stop {
        return None;
    }

    let mut next = head.clone();
    if drops_body {
        if next.method != Method::HEAD {
            next.method = Method::GET;
        }
        for name in &BODY_HEADERS {
            next.headers.remove(name);
        }
        *body = None;
    }
    if location.authority() != head.uri.authority() {
        // The client sets Host from the new URI.
        next.headers.remove(header::HOST);
    }
    next.uri = location;
    let mut request = Request::from_parts(next, next_body);
    policy.on_request(&mut request);
    let (next, next_body) = request.into_parts();
    *head = next.clone();
    Some(Request::from_parts(next, next_body))
}

impl<S, P, B> fmt::Debug for ResponseFuture<S, P, B>
where
    S: Service<Request<ReplayBody<B>>>,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            State::Request { .. } => "request",
            State::Ready { .. } => "waiting for readiness",
        };
        f.debug_struct("ResponseFuture")
            .field("state", &state)
            .field("uri", &self.head.uri)
            .finish_non_exhaustive()
    }
}

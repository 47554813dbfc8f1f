//! The response future of [`Retry`](super::Retry).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use pin_project_lite::pin_project;
use spire_service::Service;

use super::{Policy, Retry};

pin_project! {
    /// The response future of [`Retry`](super::Retry): an attempt, then, as long as the
    /// policy asks for it, a wait and another attempt.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::Ready;
    ///
    /// use spire_middleware::retry::{Policy, ResponseFuture, Retry};
    /// use spire_service::{Service, ServiceExt, service_fn};
    ///
    /// #[derive(Clone)]
    /// struct Never;
    /// impl<E> Policy<u8, u8, E> for Never {
    ///     type Future = Ready<()>;
    ///     fn retry(&mut self, _: &mut u8, _: &mut Result<u8, E>) -> Option<Ready<()>> { None }
    ///     fn clone_request(&mut self, _: &u8) -> Option<u8> { None }
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut svc = Retry::new(Never, service_fn(|x: u8| async move { Ok::<_, ()>(x) }));
    /// let future: ResponseFuture<_, _, u8> = svc.ready().await.unwrap().call(3);
    /// assert_eq!(future.await, Ok(3));
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// The inner service's error from the last attempt, or from `poll_ready` before a
    /// retry.
    ///
    /// # Cancel safety
    ///
    /// Dropping it drops the current attempt (cancelling it as the inner service defines)
    /// or the wait before the next one; no further attempt is made.
    pub struct ResponseFuture<P, S, Request>
    where
        P: Policy<Request, S::Response, S::Error>,
        S: Service<Request>,
    {
        // The request for the next attempt, if the policy could clone it.
        request: Option<Request>,
        retry: Retry<P, S>,
        #[pin]
        state: State<S::Future, P::Future>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<F, W> {
        Attempt { #[pin] response: F },
        Waiting { #[pin] wait: W },
        Retrying,
    }
}

impl<P, S, Request> ResponseFuture<P, S, Request>
where
    P: Policy<Request, S::Response, S::Error>,
    S: Service<Request>,
{
    pub(super) const fn new(
        request: Option<Request>,
        retry: Retry<P, S>,
        response: S::Future,
    ) -> Self {
        Self {
            request,
            retry,
            state: State::Attempt { response },
        }
    }
}

impl<P, S, Request> Future for ResponseFuture<P, S, Request>
where
    P: Policy<Request, S::Response, S::Error>,
    S: Service<Request>,
{
    type Output = Result<S::Response, S::Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        loop {
            match this.state.as_mut().project() {
                StateProj::Attempt { response } => {
                    let mut result = ready!(response.poll(cx));
                    let Some(request) = this.request.as_mut() else {
                        return Poll::Ready(result);
                    };
                    let (policy, _) = this.retry.parts_mut();
                    match policy.retry(request, &mut result) {
                        Some(wait) => this.state.set(State::Waiting { wait }),
                        None => return Poll::Ready(result),
                    }
                }
                StateProj::Waiting { wait } => {
                    ready!(wait.poll(cx));
                    this.state.set(State::Retrying);
                }
                StateProj::Retrying => {
                    let (policy, service) = this.retry.parts_mut();
                    if let Err(error) = ready!(service.poll_ready(cx)) {
                        return Poll::Ready(Err(error));
                    }
                    let request = this
                        .request
                        .take()
                        .expect("a retry is only started with a request in hand");
                    *this.request = policy.clone_request(&request);
                    let response = service.call(request);
                    this.state.set(State::Attempt { response });
                }
            }
        }
    }
}

impl<P, S, Request> fmt::Debug for ResponseFuture<P, S, Request>
where
    P: Policy<Request, S::Response, S::Error>,
    S: Service<Request>,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            State::Attempt { .. } => "attempt",
            State::Waiting { .. } => "waiting",
            State::Retrying => "retrying",
        };
        f.debug_struct("ResponseFuture")
            .field("state", &state)
            .field("can_retry", &self.request.is_some())
            .finish_non_exhaustive()
    }
}

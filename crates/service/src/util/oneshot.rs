//! [`Oneshot`]: wait for readiness, call once, await the response.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use pin_project_lite::pin_project;

use crate::Service;

pin_project! {
    /// A future that drives a service through one whole call: `poll_ready` until ready,
    /// `call`, then the response.
    ///
    /// Use it when a service value is used for a single request, typically a fresh clone
    /// inside a spawned task or a middleware's future: the clone waits for its own
    /// readiness, which is exactly what the contract asks. Returned by
    /// [`ServiceExt::oneshot`](crate::ServiceExt::oneshot).
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{ServiceExt, service_fn};
    /// use spire_service::util::Oneshot;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc = service_fn(|x: u8| async move { Ok::<_, ()>(x * 2) });
    /// let future: Oneshot<_, u8> = svc.oneshot(4);
    /// assert_eq!(future.await, Ok(8));
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// Resolves to the `poll_ready` error if the service fails before the call (the request
    /// is then dropped, never sent), or to the response future's error.
    ///
    /// # Panics
    ///
    /// Panics if polled again after it returned `Poll::Ready`.
    ///
    /// # Cancel safety
    ///
    /// Dropping it before the call drops the service and the unsent request; after the call
    /// it drops the response future, which cancels the request as the service defines.
    pub struct Oneshot<S, Req>
    where
        S: Service<Req>,
    {
        #[pin]
        state: State<S, Req>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<S, Req>
    where
        S: Service<Req>,
    {
        // Waiting for `poll_ready`; `req` is taken when the call is made.
        NotReady { service: S, req: Option<Req> },
        // Called; waiting for the response.
        Called { #[pin] future: S::Future },
        Done,
    }
}

impl<S, Req> Oneshot<S, Req>
where
    S: Service<Req>,
{
    /// Creates a future that calls `service` once with `req`, after waiting for readiness.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::service_fn;
    /// use spire_service::util::Oneshot;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc = service_fn(|s: &'static str| async move { Ok::<_, ()>(s.len()) });
    /// assert_eq!(Oneshot::new(svc, "four").await, Ok(4));
    /// # }
    /// ```
    pub const fn new(service: S, req: Req) -> Self {
        Self {
            state: State::NotReady {
                service,
                req: Some(req),
            },
        }
    }
}

impl<S, Req> Future for Oneshot<S, Req>
where
    S: Service<Req>,
{
    type Output = Result<S::Response, S::Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut state = self.project().state;
        loop {
            match state.as_mut().project() {
                StateProj::NotReady { service, req } => {
                    if let Err(error) = ready!(service.poll_ready(cx)) {
                        state.set(State::Done);
                        return Poll::Ready(Err(error));
                    }
                    let req = req.take().expect("the request is only taken here");
                    let future = service.call(req);
                    state.set(State::Called { future });
                }
                StateProj::Called { future } => {
                    let output = ready!(future.poll(cx));
                    state.set(State::Done);
                    return Poll::Ready(output);
                }
                StateProj::Done => panic!("Oneshot polled after completion"),
            }
        }
    }
}

impl<S, Req> fmt::Debug for Oneshot<S, Req>
where
    S: Service<Req> + fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Oneshot");
        match &self.state {
            State::NotReady { service, .. } => debug
                .field("state", &"waiting for readiness")
                .field("service", service),
            State::Called { .. } => debug.field("state", &"called"),
            State::Done => debug.field("state", &"done"),
        };
        debug.finish()
    }
}

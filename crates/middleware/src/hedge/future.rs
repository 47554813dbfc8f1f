//! The response future of [`Hedge`](super::Hedge).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use pin_project_lite::pin_project;
use spire_service::Service;
use tokio::time::{Instant, Sleep};

use super::Policy;
use super::latencies::Latencies;
use crate::sync::lock;

pin_project! {
    /// The response future of [`Hedge`](super::Hedge): the primary call, and, if it is
    /// slow, a hedge; it resolves with whichever finishes first.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use spire_middleware::hedge::{Hedge, Policy, ResponseFuture};
    /// use spire_service::{Service, ServiceExt, service_fn};
    ///
    /// #[derive(Clone)]
    /// struct Never;
    /// impl Policy<u8> for Never {
    ///     fn clone_request(&self, _: &u8) -> Option<u8> { None }
    ///     fn can_retry(&self, _: &u8) -> bool { false }
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let echo = service_fn(|x: u8| async move { Ok::<_, ()>(x) });
    /// let mut svc = Hedge::new(echo, Never, 1, 0.9, Duration::from_secs(1));
    /// let future: ResponseFuture<_, _, u8> = svc.ready().await.unwrap().call(4);
    /// assert_eq!(future.await, Ok(4));
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// The inner service's error, from the call that finished first.
    ///
    /// # Cancel safety
    ///
    /// Dropping it drops both calls (cancelling them as the inner service defines) and the
    /// timer; a call dropped unfinished adds nothing to the latency histogram.
    pub struct ResponseFuture<S, P, Request>
    where
        S: Service<Request>,
    {
        #[pin]
        primary: S::Future,
        primary_start: Instant,
        #[pin]
        hedge: Option<S::Future>,
        hedge_start: Option<Instant>,
        #[pin]
        delay: Option<Sleep>,
        // The clone of the service, the copy of the request and the policy, until the
        // hedge is sent (or given up).
        spare: Option<(S, Request, P)>,
        latencies: Arc<Mutex<Latencies>>,
    }
}

impl<S, P, Request> ResponseFuture<S, P, Request>
where
    S: Service<Request>,
{
    pub(super) fn new(
        primary: S::Future,
        hedge: Option<(Duration, Request, S, P)>,
        latencies: Arc<Mutex<Latencies>>,
    ) -> Self {
        let (delay, spare) = match hedge {
            Some((delay, request, service, policy)) => (
                Some(tokio::time::sleep(delay)),
                Some((service, request, policy)),
            ),
            None => (None, None),
        };
        Self {
            primary,
            primary_start: Instant::now(),
            hedge: None,
            hedge_start: None,
            delay,
            spare,
            latencies,
        }
    }
}

fn record(latencies: &Mutex<Latencies>, start: Instant) {
    lock(latencies).record(start.elapsed());
}

impl<S, P, Request> Future for ResponseFuture<S, P, Request>
where
    S: Service<Request>,
    P: Policy<Request>,
{
    type Output = Result<S::Response, S::Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        if let Poll::Ready(result) = this.primary.poll(cx) {
            record(this.latencies, *this.primary_start);
            return Poll::Ready(result);
        }
        if let Some(hedge) = this.hedge.as_mut().as_pin_mut()
            && let Poll::Ready(result) = hedge.poll(cx)
        {
            if let Some(start) = *this.hedge_start {
                record(this.latencies, start);
            }
            return Poll::Ready(result);
        }
        let Some(delay) = this.delay.as_mut().as_pin_mut() else {
            return Poll::Pending;
        };
        if delay.poll(cx).is_pending() {
            return Poll::Pending;
        }
        let Some((service, request, policy)) = this.spare.as_mut() else {
            return Poll::Pending;
        };
        if !policy.can_retry(request) {
            *this.spare = None;
            this.delay.set(None);
            return Poll::Pending;
        }
        match service.poll_ready(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(_)) => {
                // No spare service, no hedge: the primary call goes on alone.
                *this.spare = None;
                this.delay.set(None);
                Poll::Pending
            }
            Poll::Ready(Ok(())) => {
                let (mut service, request, _) = this.spare.take().expect("matched Some above");
                this.delay.set(None);
                *this.hedge_start = Some(Instant::now());
                this.hedge.set(Some(service.call(request)));
                // Poll it once, so that it registers for wake-ups.
                let hedge = this.hedge.as_pin_mut().expect("just set");
                if let Poll::Ready(result) = hedge.poll(cx) {
                    if let Some(start) = *this.hedge_start {
                        record(this.latencies, start);
                    }
                    return Poll::Ready(result);
                }
                Poll::Pending
            }
        }
    }
}

impl<S, P, Request> fmt::Debug for ResponseFuture<S, P, Request>
where
    S: Service<Request>,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture")
            .field("hedged", &self.hedge.is_some())
            .field("waiting_to_hedge", &self.spare.is_some())
            .finish_non_exhaustive()
    }
}

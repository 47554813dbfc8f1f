//! The response future of [`CircuitBreaker`](super::CircuitBreaker).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use pin_project_lite::pin_project;
use spire_service::BoxError;

use super::CircuitOpen;
use super::state::Ticket;

pin_project! {
    /// The response future of [`CircuitBreaker`](super::CircuitBreaker): the inner
    /// future, whose outcome it reports to the circuit, or [`CircuitOpen`] at once.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use spire_middleware::circuit_breaker::{CircuitBreaker, ResponseFuture};
    /// use spire_service::{Service, ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let echo = service_fn(|x: u8| async move { Ok::<_, std::io::Error>(x) });
    /// let mut svc = CircuitBreaker::new(echo, 5, Duration::from_secs(1));
    /// let future: ResponseFuture<_> = svc.ready().await.unwrap().call(6);
    /// assert_eq!(future.await.unwrap(), 6);
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// [`CircuitOpen`] if the call was turned away; otherwise the inner error, boxed.
    ///
    /// # Cancel safety
    ///
    /// Dropping it drops the inner future (cancelling the request as the inner service
    /// defines) and reports nothing: a cancelled call is neither a success nor a failure.
    /// A cancelled probe lets the next caller probe.
    pub struct ResponseFuture<F> {
        #[pin]
        inner: Option<F>,
        ticket: Option<Ticket>,
    }
}

impl<F> ResponseFuture<F> {
    pub(super) const fn new(inner: F, ticket: Ticket) -> Self {
        Self {
            inner: Some(inner),
            ticket: Some(ticket),
        }
    }

    pub(super) const fn rejected() -> Self {
        Self {
            inner: None,
            ticket: None,
        }
    }
}

impl<F, T, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<T, E>>,
    E: Into<BoxError>,
{
    type Output = Result<T, BoxError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let Some(inner) = this.inner.as_pin_mut() else {
            return Poll::Ready(Err(Box::new(CircuitOpen::new())));
        };
        let result = ready!(inner.poll(cx));
        if let Some(ticket) = this.ticket.take() {
            ticket.record(result.is_ok());
        }
        Poll::Ready(result.map_err(Into::into))
    }
}

impl<F: fmt::Debug> fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture")
            .field("inner", &self.inner)
            .field("ticket", &self.ticket)
            .finish()
    }
}

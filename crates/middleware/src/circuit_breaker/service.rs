//! [`CircuitBreaker`].

use std::fmt;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use spire_service::{BoxError, Service};

use super::ResponseFuture;
use super::state::{Admission, Circuit, Ticket};

/// A service that stops calling its inner service after repeated failures, for a while.
///
/// See the [module](super) docs for the states. Errors are boxed: the inner service's
/// errors and [`CircuitOpen`](super::CircuitOpen). Clones share the circuit; each holds
/// its own reservation.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// use spire_middleware::circuit_breaker::{CircuitBreaker, CircuitOpen};
/// use spire_service::{Service, ServiceExt};
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let (mock, mut handle) = spire_test::mock::pair::<u8, u8>();
/// let mut svc = CircuitBreaker::new(mock, 1, Duration::from_secs(10));
///
/// let response = svc.ready().await.unwrap().call(1);
/// handle.next_request().await.unwrap().1.send_error("timeout");
/// assert!(response.await.is_err());
/// assert!(svc.is_open());
///
/// let err = svc.ready().await.unwrap().call(2).await.unwrap_err();
/// assert!(err.is::<CircuitOpen>());
/// assert!(handle.try_next_request().is_none()); // the inner service was spared
/// # }
/// ```
pub struct CircuitBreaker<S> {
    inner: S,
    circuit: Arc<Circuit>,
    /// What the last `poll_ready` decided for the next call; `None` before it.
    reserved: Option<Reserved>,
}

#[derive(Debug)]
enum Reserved {
    Call(Ticket),
    Reject,
}

impl<S> CircuitBreaker<S> {
    /// Wraps `inner`: the circuit opens after `failure_threshold` failures in a row and
    /// stays open for `open_for` before a probe.
    ///
    /// # Examples
    ///
    /// See [`CircuitBreaker`].
    ///
    /// # Panics
    ///
    /// Panics if `failure_threshold` is zero.
    pub fn new(inner: S, failure_threshold: u32, open_for: Duration) -> Self {
        assert!(
            failure_threshold > 0,
            "a circuit breaker opens after at least one failure"
        );
        Self {
            inner,
            circuit: Arc::new(Circuit::new(failure_threshold, open_for)),
            reserved: None,
        }
    }

    /// Whether calls are turned away right now: the circuit is open, or half-open with a
    /// probe in flight.
    #[must_use]
    pub fn is_open(&self) -> bool {
        self.circuit.is_open()
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

/// A clone shares the circuit; it starts without a reservation.
impl<S: Clone> Clone for CircuitBreaker<S> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            circuit: Arc::clone(&self.circuit),
            reserved: None,
        }
    }
}

/// # Readiness
/// First asks the circuit. Closed: reserves a call, then polls the inner service for its
/// readiness. Half-open with no probe yet: reserves the probe (no other caller can get it
/// until this one's call ends or this service is dropped), then polls the inner service.
/// Open, or a probe already in flight: `Ready` at once, reserving a rejection with
/// [`CircuitOpen`](super::CircuitOpen) for the next call; the inner service is not
/// polled. The decision holds until `call`. A `poll_ready` error of the inner service is
/// passed on.
impl<S, Request> Service<Request> for CircuitBreaker<S>
where
    S: Service<Request>,
    S::Error: Into<BoxError>,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        let reserved = self
            .reserved
            .get_or_insert_with(|| match self.circuit.admit() {
                Admission::Reject => Reserved::Reject,
                admission => Reserved::Call(Ticket::new(Arc::clone(&self.circuit), admission)),
            });
        match reserved {
            Reserved::Reject => Poll::Ready(Ok(())),
            Reserved::Call(_) => self.inner.poll_ready(cx).map_err(Into::into),
        }
    }

    fn call(&mut self, request: Request) -> Self::Future {
        match self.reserved.take() {
            Some(Reserved::Call(ticket)) => ResponseFuture::new(self.inner.call(request), ticket),
            Some(Reserved::Reject) => ResponseFuture::rejected(),
            None => {
                panic!("CircuitBreaker called without poll_ready returning Ready(Ok(())) first")
            }
        }
    }
}

impl<S: fmt::Debug> fmt::Debug for CircuitBreaker<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CircuitBreaker")
            .field("inner", &self.inner)
            .field("circuit", &self.circuit)
            .field("reserved", &self.reserved)
            .finish()
    }
}

//! [`Hedge`].

use std::fmt;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use spire_service::Service;

use super::latencies::Latencies;
use super::{Policy, ResponseFuture};
use crate::sync::lock;

/// A service that sends a second copy of a request when the first is slower than a
/// percentile of recent calls, and answers with whichever finishes first.
///
/// See the [module](super) docs. Responses and errors are the inner service's, from the
/// call that finished first. The inner service must be `Clone`: the hedge goes to a clone.
/// Clones of a `Hedge` share its latency histogram.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// use spire_middleware::hedge::{Hedge, Policy};
/// use spire_service::{Service, ServiceExt};
///
/// #[derive(Clone)]
/// struct Always;
/// impl Policy<u8> for Always {
///     fn clone_request(&self, req: &u8) -> Option<u8> { Some(*req) }
///     fn can_retry(&self, _: &u8) -> bool { true }
/// }
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let (mock, mut handle) = spire_test::mock::pair::<u8, u8>();
/// // hedge after the median latency, once a period has seen one call
/// let mut svc = Hedge::new(mock, Always, 1, 0.5, Duration::from_secs(1));
///
/// // a first, fast call fills the histogram
/// let response = svc.ready().await.unwrap().call(1);
/// tokio::time::advance(Duration::from_millis(3)).await;
/// handle.next_request().await.unwrap().1.send_response(1);
/// response.await.unwrap();
/// tokio::time::advance(Duration::from_secs(1)).await; // that period is now the reference
///
/// // a slow call: after about 4 ms (the median's bucket) a hedge is sent
/// let response = tokio::spawn(svc.ready().await.unwrap().call(2));
/// let (_, _slow) = handle.next_request().await.unwrap();
/// let (hedged, send) = handle.next_request().await.unwrap();
/// assert_eq!(hedged, 2);
/// send.send_response(20);
/// assert_eq!(response.await.unwrap().unwrap(), 20);
/// # }
/// ```
pub struct Hedge<S, P> {
    service: S,
    policy: P,
    latencies: Arc<Mutex<Latencies>>,
    min_data_points: u64,
    percentile: f64,
}

impl<S, P> Hedge<S, P> {
    /// Wraps `service`: a call slower than the `percentile` (0 to 1) of the last
    /// `period`'s latencies is hedged, once that period counted `min_data_points` calls.
    ///
    /// # Examples
    ///
    /// See [`Hedge`].
    ///
    /// # Panics
    ///
    /// Panics if `percentile` is not within `0.0..=1.0` or `period` is zero.
    pub fn new(
        service: S,
        policy: P,
        min_data_points: u64,
        percentile: f64,
        period: Duration,
    ) -> Self {
        assert!(
            (0.0..=1.0).contains(&percentile),
            "the hedge percentile must be between 0 and 1"
        );
        assert!(!period.is_zero(), "the hedge period must not be zero");
        Self {
            service,
            policy,
            latencies: Arc::new(Mutex::new(Latencies::new(period))),
            min_data_points,
            percentile,
        }
    }

    /// How long a call may take now before it is hedged; `None` while there is too little
    /// data.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use spire_middleware::hedge::{Hedge, Policy};
    /// use spire_service::service_fn;
    ///
    /// # #[derive(Clone)] struct Never;
    /// # impl Policy<u8> for Never {
    /// #     fn clone_request(&self, _: &u8) -> Option<u8> { None }
    /// #     fn can_retry(&self, _: &u8) -> bool { false }
    /// # }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc = Hedge::new(service_fn(|x: u8| async move { Ok::<_, ()>(x) }), Never, 10, 0.9, Duration::from_secs(1));
    /// assert_eq!(svc.hedge_delay(), None); // nothing measured yet
    /// # }
    /// ```
    #[must_use]
    pub fn hedge_delay(&self) -> Option<Duration> {
        lock(&self.latencies).percentile(self.percentile, self.min_data_points)
    }

    /// Returns a reference to the inner service.
    pub const fn get_ref(&self) -> &S {
        &self.service
    }

    /// Returns a mutable reference to the inner service.
    pub const fn get_mut(&mut self) -> &mut S {
        &mut self.service
    }

    /// Consumes `self`, returning the inner service.
    pub fn into_inner(self) -> S {
        self.service
    }
}

/// A clone shares the latency histogram.
impl<S: Clone, P: Clone> Clone for Hedge<S, P> {
    fn clone(&self) -> Self {
        Self {
            service: self.service.clone(),
            policy: self.policy.clone(),
            latencies: Arc::clone(&self.latencies),
            min_data_points: self.min_data_points,
            percentile: self.percentile,
        }
    }
}

/// # Readiness
/// Ready exactly when the inner service is, reserving what it reserves, for the first
/// copy of the request. The hedge goes to a clone of the inner service and waits for that
/// clone's readiness inside the response future; if the clone fails `poll_ready`, there
/// is no hedge.
///
/// # Panics
///
/// `call` panics outside a tokio runtime with the time driver enabled when it has to
/// start a hedge timer.
impl<S, P, Request> Service<Request> for Hedge<S, P>
where
    S: Service<Request> + Clone,
    P: Policy<Request> + Clone,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = ResponseFuture<S, P, Request>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.service.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let hedge = self.hedge_delay().and_then(|delay| {
            let copy = self.policy.clone_request(&request)?;
            Some((delay, copy, self.service.clone(), self.policy.clone()))
        });
        let primary = self.service.call(request);
        ResponseFuture::new(primary, hedge, Arc::clone(&self.latencies))
    }
}

impl<S: fmt::Debug, P> fmt::Debug for Hedge<S, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hedge")
            .field("service", &self.service)
            .field("percentile", &self.percentile)
            .field("min_data_points", &self.min_data_points)
            .finish_non_exhaustive()
    }
}

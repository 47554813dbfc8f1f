//! Load as latency × requests in flight: [`PeakEwma`].
//!
//! Each endpoint keeps an estimate of its round-trip time (RTT). A response slower than
//! the estimate **replaces** it at once (the peak), so an endpoint that turns slow is
//! avoided from its first slow response; a faster one pulls it down gradually, by an
//! exponentially weighted moving average whose weight depends on the time since the last
//! update (the `decay` time: after one `decay` the old estimate counts for about 37%).
//! While no response arrives, the estimate decays towards zero on the same schedule, so an
//! endpoint that was slow once gets tried again. The load, a [`Cost`], is the estimate
//! times (requests in flight + 1).
//!
//! ```text
//!   response rtt > estimate : estimate = rtt                       (react at once)
//!   otherwise               : estimate = estimate·w + rtt·(1 - w)   w = e^(-elapsed / decay)
//!   load                    = estimate (decayed to now) × (in flight + 1)
//! ```
//!
//! Time comes from `tokio::time::Instant`, so tests can use tokio's paused clock.
//!
//! # Examples
//!
//! ```
//! use std::time::Duration;
//!
//! use spire_middleware::load::{CompleteOnResponse, Load};
//! use spire_middleware::load::peak_ewma::PeakEwma;
//! use spire_service::{Service, ServiceExt};
//!
//! # #[tokio::main(flavor = "current_thread", start_paused = true)]
//! # async fn main() {
//! let (mock, mut handle) = spire_test::mock::pair::<u8, u8>();
//! let mut svc = PeakEwma::new(mock, Duration::from_millis(10), Duration::from_secs(1), CompleteOnResponse::default());
//! let response = svc.ready().await.unwrap().call(1);
//! tokio::time::sleep(Duration::from_millis(500)).await; // a slow answer
//! handle.next_request().await.unwrap().1.send_response(1);
//! response.await.unwrap();
//! assert!(svc.load().get() > 0.4); // seconds: the peak is taken at once
//! # }
//! ```

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use futures_util::Stream;
use pin_project_lite::pin_project;
use spire_service::Service;
use tokio::time::Instant;

use super::{Load, TrackCompletion, TrackCompletionFuture};
use crate::discover::{Change, Discover};
use crate::sync::lock;

/// The load of a [`PeakEwma`] service: estimated RTT × (requests in flight + 1), in
/// seconds.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// use spire_middleware::load::{CompleteOnResponse, Load};
/// use spire_middleware::load::peak_ewma::PeakEwma;
/// use spire_service::service_fn;
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let inner = service_fn(|x: u8| async move { Ok::<_, std::io::Error>(x) });
/// let svc = PeakEwma::new(inner, Duration::from_millis(100), Duration::from_secs(10), CompleteOnResponse::default());
/// assert!((svc.load().get() - 0.1).abs() < 1e-9); // the default RTT, nothing in flight
/// # }
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, PartialOrd)]
pub struct Cost(f64);

impl Cost {
    /// The cost, in seconds of estimated latency.
    #[must_use]
    pub const fn get(self) -> f64 {
        self.0
    }
}

/// The shared estimate, updated by each [`Handle`] as it is dropped.
#[derive(Debug)]
struct RttEstimate {
    /// Nanoseconds.
    rtt: f64,
    updated_at: Instant,
}

impl RttEstimate {
    /// Folds in one sample taken at `now`; a sample of zero just decays the estimate.
    fn update(&mut self, now: Instant, sample: f64, decay: f64) {
        if sample > self.rtt {
            self.rtt = sample;
        } else {
            let elapsed = now.saturating_duration_since(self.updated_at).as_nanos() as f64;
            let weight = (-elapsed / decay).exp();
            self.rtt = self.rtt * weight + sample * (1.0 - weight);
        }
        // A sample from a request sent long ago must not move the clock backwards.
        self.updated_at = self.updated_at.max(now);
    }
}

/// Counts one request as in flight, and records its RTT when dropped.
///
/// # Examples
///
/// See the [module docs](self).
#[derive(Debug)]
pub struct Handle {
    sent_at: Instant,
    decay: f64,
    estimate: Arc<Mutex<RttEstimate>>,
}

impl Drop for Handle {
    fn drop(&mut self) {
        let now = Instant::now();
        let sample = now.saturating_duration_since(self.sent_at).as_nanos() as f64;
        lock(&self.estimate).update(now, sample, self.decay);
    }
}

/// A service whose [`Load`] is a peak-sensitive EWMA of its latency, times its requests in
/// flight plus one (see the [module docs](self)).
///
/// # Examples
///
/// See the [module docs](self).
///
/// # Readiness
///
/// The inner service's readiness; reserves nothing of its own.
#[derive(Debug)]
pub struct PeakEwma<S, C> {
    service: S,
    decay: f64,
    estimate: Arc<Mutex<RttEstimate>>,
    completion: C,
}

fn decay_nanos(decay: Duration) -> f64 {
    assert!(!decay.is_zero(), "the PeakEwma decay time must not be zero");
    decay.as_nanos() as f64
}

impl<S, C> PeakEwma<S, C> {
    /// Measures `service`, starting from an estimate of `default_rtt`; `decay` is how fast
    /// old latencies are forgotten, `completion` says when a request is done.
    ///
    /// # Examples
    ///
    /// See the [module docs](self).
    ///
    /// # Panics
    ///
    /// Panics if `decay` is zero.
    pub fn new(service: S, default_rtt: Duration, decay: Duration, completion: C) -> Self {
        Self {
            service,
            decay: decay_nanos(decay),
            estimate: Arc::new(Mutex::new(RttEstimate {
                rtt: default_rtt.as_nanos() as f64,
                updated_at: Instant::now(),
            })),
            completion,
        }
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

impl<S, C> Load for PeakEwma<S, C> {
    type Metric = Cost;

    fn load(&self) -> Cost {
        // Every Handle holds a clone of the Arc: that is the count of requests in flight.
        let in_flight = Arc::strong_count(&self.estimate) - 1;
        let mut estimate = lock(&self.estimate);
        estimate.update(Instant::now(), 0.0, self.decay);
        Cost(estimate.rtt * (in_flight + 1) as f64 / 1e9)
    }
}

/// # Readiness
/// The inner service's readiness; reserves nothing of its own.
impl<S, C, Req> Service<Req> for PeakEwma<S, C>
where
    S: Service<Req>,
    C: TrackCompletion<Handle, S::Response>,
{
    type Response = C::Output;
    type Error = S::Error;
    type Future = TrackCompletionFuture<S::Future, C, Handle>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.service.poll_ready(cx)
    }

    fn call(&mut self, req: Req) -> Self::Future {
        let handle = Handle {
            sent_at: Instant::now(),
            decay: self.decay,
            estimate: Arc::clone(&self.estimate),
        };
        TrackCompletionFuture::new(self.completion.clone(), handle, self.service.call(req))
    }
}

pin_project! {
    /// A [`Discover`] that wraps every endpoint inserted in a [`PeakEwma`] with the same
    /// settings.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use spire_middleware::discover::ServiceList;
    /// use spire_middleware::load::CompleteOnResponse;
    /// use spire_middleware::load::peak_ewma::PeakEwmaDiscover;
    /// use spire_service::service_fn;
    ///
    /// let endpoints = ServiceList::new([service_fn(|x: u8| async move { Ok::<_, std::io::Error>(x) })]);
    /// let _discover = PeakEwmaDiscover::new(
    ///     endpoints,
    ///     Duration::from_millis(30),
    ///     Duration::from_secs(10),
    ///     CompleteOnResponse::default(),
    /// );
    /// ```
    #[derive(Debug)]
    pub struct PeakEwmaDiscover<D, C> {
        #[pin]
        discover: D,
        default_rtt: Duration,
        decay: Duration,
        completion: C,
    }
}

impl<D, C> PeakEwmaDiscover<D, C> {
    /// Wraps the endpoints of `discover`, each as [`PeakEwma::new`] would.
    ///
    /// # Examples
    ///
    /// See [`PeakEwmaDiscover`].
    ///
    /// # Panics
    ///
    /// Panics if `decay` is zero.
    pub fn new(discover: D, default_rtt: Duration, decay: Duration, completion: C) -> Self {
        decay_nanos(decay);
        Self {
            discover,
            default_rtt,
            decay,
            completion,
        }
    }
}

impl<D, C> Stream for PeakEwmaDiscover<D, C>
where
    D: Discover,
    C: Clone,
{
    type Item = Result<Change<D::Key, PeakEwma<D::Service, C>>, D::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.project();
        let change = match ready!(this.discover.poll_discover(cx)) {
            None => return Poll::Ready(None),
            Some(Err(e)) => return Poll::Ready(Some(Err(e))),
            Some(Ok(Change::Insert(key, svc))) => Change::Insert(
                key,
                PeakEwma::new(svc, *this.default_rtt, *this.decay, this.completion.clone()),
            ),
            Some(Ok(Change::Remove(key))) => Change::Remove(key),
        };
        Poll::Ready(Some(Ok(change)))
    }
}

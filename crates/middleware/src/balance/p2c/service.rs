//! [`Balance`].

use std::fmt;
use std::hash::Hash;
use std::pin::Pin;
use std::task::{Context, Poll};

use spire_service::{BoxError, Service};

use super::{DiscoverFailed, ResponseFuture};
use crate::discover::{Change, Discover};
use crate::load::Load;
use crate::ready_cache::ReadyCache;
use crate::rng::Rng;

/// Power-of-two-choices load balancer over the endpoints of a [`Discover`] (see the
/// [module docs](super)).
///
/// Endpoints are services with a [`Load`]; they come and go as `D` reports
/// [`Change`]s. An endpoint whose `poll_ready` fails is dropped from the set (it comes
/// back only if `D` inserts it again); that is not an error of the balancer. `D` must be
/// `Unpin`: pin-box one that is not (`Box::pin(discover)` is a `Discover` too). When `D`
/// ends, the endpoints it gave are kept.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// use spire_middleware::balance::p2c::Balance;
/// use spire_middleware::discover::ServiceList;
/// use spire_middleware::load::CompleteOnResponse;
/// use spire_middleware::load::peak_ewma::PeakEwmaDiscover;
/// use spire_service::{Service, ServiceExt};
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let (a, mut ha) = spire_test::mock::pair::<&str, &str>();
/// let (b, mut hb) = spire_test::mock::pair::<&str, &str>();
/// hb.allow(0); // `b` is not ready: every request goes to `a`
/// let endpoints = PeakEwmaDiscover::new(
///     ServiceList::new([a, b]),
///     Duration::from_millis(10),
///     Duration::from_secs(5),
///     CompleteOnResponse::default(),
/// );
/// let mut svc = Balance::new(endpoints);
///
/// let response = svc.ready().await.unwrap().call("hi");
/// let (request, send) = ha.next_request().await.unwrap();
/// send.send_response(request);
/// assert_eq!(response.await.unwrap(), "hi");
/// assert_eq!(svc.len(), 2);
/// # }
/// ```
///
/// # Errors
///
/// `poll_ready` fails with [`DiscoverFailed`] when `D` fails; the response future fails
/// with the endpoint's error. Both are boxed.
///
/// # Readiness
///
/// Reserves **one ready endpoint**: the less loaded of two picked at random, holding its
/// own reservation. With no ready endpoint, including when there is none at all,
/// `poll_ready` returns `Pending` (woken when `D` changes or an endpoint becomes ready),
/// as tower's balancer does: put a [`Timeout`](crate::timeout::Timeout) in front to bound
/// the wait. `Balance` is not `Clone`; share it through a
/// [`Buffer`](crate::buffer::Buffer).
pub struct Balance<D: Discover, Req> {
    discover: D,
    discover_ended: bool,
    services: ReadyCache<D::Key, D::Service, Req>,
    /// The ready endpoint `poll_ready` reserved for the next call.
    ready_index: Option<usize>,
    rng: Rng,
}

impl<D: Discover, Req> Balance<D, Req> {
    /// Balances over the endpoints of `discover`, with a randomly seeded generator.
    ///
    /// # Examples
    ///
    /// See [`Balance`].
    pub fn new(discover: D) -> Self {
        Self::with_rng(discover, Rng::from_entropy())
    }

    /// Balances over the endpoints of `discover`, picking endpoints from a generator seeded
    /// with `seed`: the same seed and the same events give the same choices.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::balance::p2c::Balance;
    /// use spire_middleware::discover::ServiceList;
    /// use spire_middleware::load::Constant;
    /// use spire_test::mock::Mock;
    ///
    /// let endpoints: ServiceList<Constant<Mock<u8, u8>, u8>> = ServiceList::new([]);
    /// let svc = Balance::<_, u8>::with_seed(endpoints, 42);
    /// assert!(svc.is_empty());
    /// ```
    pub fn with_seed(discover: D, seed: u64) -> Self {
        Self::with_rng(discover, Rng::with_seed(seed))
    }

    fn with_rng(discover: D, rng: Rng) -> Self {
        Self {
            discover,
            discover_ended: false,
            services: ReadyCache::default(),
            ready_index: None,
            rng,
        }
    }

    /// The number of endpoints, ready or not, as of the last `poll_ready`.
    pub fn len(&self) -> usize
    where
        D::Key: Hash + Clone,
    {
        self.services.len()
    }

    /// Whether there are no endpoints, as of the last `poll_ready`.
    pub fn is_empty(&self) -> bool
    where
        D::Key: Hash + Clone,
    {
        self.services.is_empty()
    }

    /// Returns a reference to the discover.
    pub const fn get_ref(&self) -> &D {
        &self.discover
    }

    /// Returns a mutable reference to the discover.
    pub const fn get_mut(&mut self) -> &mut D {
        &mut self.discover
    }
}

impl<D, Req> Balance<D, Req>
where
    D: Discover + Unpin,
    D::Key: Hash + Clone,
    D::Error: Into<BoxError>,
    D::Service: Service<Req> + Load,
    <D::Service as Service<Req>>::Error: Into<BoxError>,
{
    /// Applies every change `D` has ready.
    fn update_from_discover(&mut self, cx: &mut Context<'_>) -> Result<(), BoxError> {
        while !self.discover_ended {
            match Pin::new(&mut self.discover).poll_discover(cx) {
                Poll::Pending => break,
                Poll::Ready(None) => self.discover_ended = true,
                Poll::Ready(Some(Err(e))) => return Err(Box::new(DiscoverFailed::new(e.into()))),
                Poll::Ready(Some(Ok(change))) => {
                    // Inserting or evicting may move ready endpoints around.
                    self.ready_index = None;
                    match change {
                        Change::Insert(key, service) => self.services.push(key, service),
                        Change::Remove(key) => {
                            self.services.evict(&key);
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Moves every endpoint that became ready into the ready set; drops failed ones.
    fn promote_pending_to_ready(&mut self, cx: &mut Context<'_>) {
        // A failed endpoint was dropped by the cache; the others are still there to poll.
        while let Poll::Ready(Err(_failed)) = self.services.poll_pending(cx) {}
    }

    /// The less loaded of two distinct random ready endpoints.
    fn p2c_ready_index(&mut self) -> Option<usize> {
        match self.services.ready_len() {
            0 => None,
            1 => Some(0),
            len => {
                let (a, b) = self.rng.pick_two(len);
                let load = |index| {
                    self.services
                        .get_ready_index(index)
                        .map(|(_, service)| service.load())
                        .expect("picked index is below ready_len")
                };
                Some(if load(b) < load(a) { b } else { a })
            }
        }
    }
}

impl<D: Discover, Req> fmt::Debug for Balance<D, Req>
where
    D: fmt::Debug,
    D::Key: Hash + Clone,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Balance")
            .field("discover", &self.discover)
            .field("services", &self.services)
            .field("ready_index", &self.ready_index)
            .finish_non_exhaustive()
    }
}

/// # Readiness
/// Reserves one ready endpoint, the less loaded of two picked at random; `Pending` while
/// no endpoint is ready (including while there is none). Fails with [`DiscoverFailed`]
/// if the discover fails.
impl<D, Req> Service<Req> for Balance<D, Req>
where
    D: Discover + Unpin,
    D::Key: Hash + Clone,
    D::Error: Into<BoxError>,
    D::Service: Service<Req> + Load,
    <D::Service as Service<Req>>::Error: Into<BoxError>,
{
    type Response = <D::Service as Service<Req>>::Response;
    type Error = BoxError;
    type Future = ResponseFuture<<D::Service as Service<Req>>::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.update_from_discover(cx)?;
        self.promote_pending_to_ready(cx);
        loop {
            if let Some(index) = self.ready_index.take() {
                // Anything but "still ready" moved the endpoint out of the ready set (back
                // to pending, or dropped when it failed): pick again.
                if let Ok(true) = self.services.check_ready_index(cx, index) {
                    self.ready_index = Some(index);
                    return Poll::Ready(Ok(()));
                }
            }
            self.ready_index = self.p2c_ready_index();
            if self.ready_index.is_none() {
                // Every wake-up source was polled with `cx`: the discover, the pending
                // endpoints, and any endpoint found not ready just now.
                return Poll::Pending;
            }
        }
    }

    fn call(&mut self, req: Req) -> Self::Future {
        let index = self
            .ready_index
            .take()
            .expect("Balance called without poll_ready returning Ready(Ok(())) first");
        ResponseFuture::new(self.services.call_ready_index(index, req))
    }
}

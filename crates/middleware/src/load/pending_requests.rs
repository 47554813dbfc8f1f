//! Load as the number of requests in flight: [`PendingRequests`].
//!
//! Each call creates a [`Handle`]; the request counts until the handle is dropped, which
//! the [`TrackCompletion`] hook decides ([`CompleteOnResponse`](super::CompleteOnResponse):
//! when the response arrives). The load is a [`Count`].
//!
//! # Examples
//!
//! ```
//! use spire_middleware::discover::ServiceList;
//! use spire_middleware::load::CompleteOnResponse;
//! use spire_middleware::load::pending_requests::PendingRequestsDiscover;
//!
//! let (a, _a) = spire_test::mock::pair::<u8, u8>();
//! let (b, _b) = spire_test::mock::pair::<u8, u8>();
//! let endpoints = ServiceList::new([a, b]);
//! let _discover = PendingRequestsDiscover::new(endpoints, CompleteOnResponse::default());
//! ```

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use futures_util::Stream;
use pin_project_lite::pin_project;
use spire_service::Service;

use super::{Load, TrackCompletion, TrackCompletionFuture};
use crate::discover::{Change, Discover};

/// The number of requests in flight on a [`PendingRequests`] service.
///
/// # Examples
///
/// ```
/// use spire_middleware::load::{CompleteOnResponse, Load};
/// use spire_middleware::load::pending_requests::PendingRequests;
/// use spire_service::service_fn;
///
/// let svc = PendingRequests::new(service_fn(|x: u8| async move { Ok::<_, std::io::Error>(x) }), CompleteOnResponse::default());
/// assert_eq!(svc.load().get(), 0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Count(usize);

impl Count {
    /// The number of requests.
    #[must_use]
    pub const fn get(self) -> usize {
        self.0
    }
}

/// Counts one request as in flight for as long as it lives.
///
/// # Examples
///
/// See the [module docs](self).
#[derive(Debug)]
pub struct Handle {
    // Requests in flight = the strong count of this Arc, minus the service's own reference.
    _count: Arc<()>,
}

/// A service whose [`Load`] is the number of its requests in flight.
///
/// # Examples
///
/// See the [module docs](super).
///
/// # Readiness
///
/// The inner service's readiness; reserves nothing of its own.
#[derive(Debug)]
pub struct PendingRequests<S, C> {
    service: S,
    count: Arc<()>,
    completion: C,
}

impl<S, C> PendingRequests<S, C> {
    /// Counts the requests in flight on `service`; `completion` says when one is done.
    ///
    /// # Examples
    ///
    /// See [`Count`].
    pub fn new(service: S, completion: C) -> Self {
        Self {
            service,
            count: Arc::new(()),
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

impl<S, C> Load for PendingRequests<S, C> {
    type Metric = Count;

    fn load(&self) -> Count {
        Count(Arc::strong_count(&self.count) - 1)
    }
}

/// # Readiness
/// The inner service's readiness; reserves nothing of its own.
impl<S, C, Req> Service<Req> for PendingRequests<S, C>
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
            _count: Arc::clone(&self.count),
        };
        TrackCompletionFuture::new(self.completion.clone(), handle, self.service.call(req))
    }
}

pin_project! {
    /// A [`Discover`] that wraps every endpoint inserted in a [`PendingRequests`].
    ///
    /// # Examples
    ///
    /// See the [module docs](self).
    #[derive(Debug)]
    pub struct PendingRequestsDiscover<D, C> {
        #[pin]
        discover: D,
        completion: C,
    }
}

impl<D, C> PendingRequestsDiscover<D, C> {
    /// Wraps the endpoints of `discover`; `completion` says when a request is done.
    ///
    /// # Examples
    ///
    /// See the [module docs](self).
    pub const fn new(discover: D, completion: C) -> Self {
        Self {
            discover,
            completion,
        }
    }
}

impl<D, C> Stream for PendingRequestsDiscover<D, C>
where
    D: Discover,
    C: Clone,
{
    type Item = Result<Change<D::Key, PendingRequests<D::Service, C>>, D::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.project();
        let change = match ready!(this.discover.poll_discover(cx)) {
            None => return Poll::Ready(None),
            Some(Err(e)) => return Poll::Ready(Some(Err(e))),
            Some(Ok(Change::Insert(key, svc))) => {
                Change::Insert(key, PendingRequests::new(svc, this.completion.clone()))
            }
            Some(Ok(Change::Remove(key))) => Change::Remove(key),
        };
        Poll::Ready(Some(Ok(change)))
    }
}

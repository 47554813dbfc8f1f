//! [`MakeBalance`] and its [`MakeFuture`].

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use pin_project_lite::pin_project;
use spire_service::Service;

use super::Balance;
use crate::discover::Discover;

/// A service that makes a [`Balance`] per target, from a service that makes a
/// [`Discover`] per target (one balancer per upstream cluster, say).
///
/// # Examples
///
/// ```
/// use spire_middleware::balance::p2c::MakeBalance;
/// use spire_middleware::discover::ServiceList;
/// use spire_middleware::load::Constant;
/// use spire_service::{BoxError, Service, ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), BoxError> {
/// // the target is how many replicas the cluster has; replica `i` adds `i`
/// let discover_cluster = service_fn(|replicas: u32| async move {
///     let endpoints = (0..replicas).map(|i| {
///         Constant::new(service_fn(move |x: u32| async move { Ok::<_, BoxError>(x + i) }), 1)
///     });
///     Ok::<_, BoxError>(ServiceList::new(endpoints))
/// });
/// let mut make = MakeBalance::<_, u32>::new(discover_cluster);
/// let mut svc = make.ready().await?.call(2).await?;
/// let answer = svc.ready().await?.call(10).await?;
/// assert!(answer == 10 || answer == 11);
/// # Ok(())
/// # }
/// ```
///
/// # Readiness
///
/// The inner service's readiness; reserves nothing of its own.
pub struct MakeBalance<S, Req> {
    inner: S,
    _request: PhantomData<fn(Req)>,
}

impl<S, Req> MakeBalance<S, Req> {
    /// Makes a balancer over each [`Discover`] that `make_discover` makes.
    ///
    /// # Examples
    ///
    /// See [`MakeBalance`].
    pub const fn new(make_discover: S) -> Self {
        Self {
            inner: make_discover,
            _request: PhantomData,
        }
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

impl<S: Clone, Req> Clone for MakeBalance<S, Req> {
    fn clone(&self) -> Self {
        Self::new(self.inner.clone())
    }
}

impl<S: fmt::Debug, Req> fmt::Debug for MakeBalance<S, Req> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MakeBalance")
            .field("inner", &self.inner)
            .finish()
    }
}

/// # Readiness
/// The inner service's readiness; reserves nothing of its own.
impl<S, Target, Req> Service<Target> for MakeBalance<S, Req>
where
    S: Service<Target>,
    S::Response: Discover,
{
    type Response = Balance<S::Response, Req>;
    type Error = S::Error;
    type Future = MakeFuture<S::Future, Req>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, target: Target) -> Self::Future {
        MakeFuture {
            inner: self.inner.call(target),
            _request: PhantomData,
        }
    }
}

pin_project! {
    /// The future of [`MakeBalance`]: makes the discover, then wraps it in a [`Balance`].
    ///
    /// # Examples
    ///
    /// See [`MakeBalance`].
    ///
    /// # Errors
    ///
    /// The error of the service that makes the discover.
    ///
    /// # Cancel safety
    ///
    /// Dropping it drops the inner future.
    pub struct MakeFuture<F, Req> {
        #[pin]
        inner: F,
        _request: PhantomData<fn(Req)>,
    }
}

impl<F: fmt::Debug, Req> fmt::Debug for MakeFuture<F, Req> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MakeFuture")
            .field("inner", &self.inner)
            .finish()
    }
}

impl<F, D, E, Req> Future for MakeFuture<F, Req>
where
    F: Future<Output = Result<D, E>>,
    D: Discover,
{
    type Output = Result<Balance<D, Req>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let discover = ready!(self.project().inner.poll(cx));
        Poll::Ready(discover.map(Balance::new))
    }
}

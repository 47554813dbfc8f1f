//! [`Constant`].

use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_util::Stream;
use pin_project_lite::pin_project;
use spire_service::Service;

use super::Load;
use crate::discover::{Change, Discover};

pin_project! {
    /// A service, or a [`Discover`] of services, with a load fixed by hand.
    ///
    /// Useful for weights that do not change (a bigger machine gets a lower number) and for
    /// tests. As a `Discover`, it wraps every endpoint inserted in a `Constant` with the
    /// same load.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::load::{Constant, Load};
    /// use spire_service::service_fn;
    ///
    /// let svc = Constant::new(service_fn(|x: u8| async move { Ok::<_, std::io::Error>(x) }), 3);
    /// assert_eq!(svc.load(), 3);
    /// ```
    ///
    /// # Readiness
    ///
    /// The inner service's readiness; reserves nothing of its own.
    #[derive(Clone, Debug)]
    pub struct Constant<T, M> {
        #[pin]
        inner: T,
        load: M,
    }
}

impl<T, M> Constant<T, M> {
    /// Wraps `inner` (a service or a discover) with the load `load`.
    ///
    /// # Examples
    ///
    /// See [`Constant`].
    pub const fn new(inner: T, load: M) -> Self {
        Self { inner, load }
    }

    /// Returns a reference to the inner value.
    pub const fn get_ref(&self) -> &T {
        &self.inner
    }

    /// Returns a mutable reference to the inner value.
    pub const fn get_mut(&mut self) -> &mut T {
        &mut self.inner
    }

    /// Consumes `self`, returning the inner value.
    pub fn into_inner(self) -> T {
        self.inner
    }
}

impl<T, M: Copy + PartialOrd> Load for Constant<T, M> {
    type Metric = M;

    fn load(&self) -> M {
        self.load
    }
}

/// # Readiness
/// The inner service's readiness; reserves nothing of its own.
impl<S, M, Req> Service<Req> for Constant<S, M>
where
    S: Service<Req>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Req) -> S::Future {
        self.inner.call(req)
    }
}

impl<D, M> Stream for Constant<D, M>
where
    D: Discover,
    M: Copy,
{
    type Item = Result<Change<D::Key, Constant<D::Service, M>>, D::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.project();
        let change = match ready!(this.inner.poll_discover(cx)) {
            None => return Poll::Ready(None),
            Some(Err(e)) => return Poll::Ready(Some(Err(e))),
            Some(Ok(Change::Insert(key, svc))) => {
                Change::Insert(key, Constant::new(svc, *this.load))
            }
            Some(Ok(Change::Remove(key))) => Change::Remove(key),
        };
        Poll::Ready(Some(Ok(change)))
    }
}

//! [`ConcurrencyLimit`] and [`WhenFull`].

use std::sync::Arc;
use std::task::{Context, Poll, ready};

use spire_service::{BoxError, Service};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::ResponseFuture;
use crate::error::Closed;
use crate::semaphore::PollSemaphore;

/// What a [`ConcurrencyLimit`] does when every permit is taken.
///
/// # Examples
///
/// ```
/// use spire_middleware::limit::concurrency::{ConcurrencyLimitLayer, WhenFull};
///
/// let _fail_fast = ConcurrencyLimitLayer::new(8).when_full(WhenFull::Reject);
/// assert_eq!(WhenFull::default(), WhenFull::Wait);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum WhenFull {
    /// `poll_ready` returns `Pending` until a permit is released: backpressure.
    #[default]
    Wait,
    /// `poll_ready` returns `Ready` at once, and the call fails with
    /// [`Overloaded`](crate::error::Overloaded) without reaching the inner service.
    Reject,
}

/// A service that lets at most N calls be in flight at once.
///
/// A call is in flight from the `poll_ready` that reserved its permit until its response
/// future completes or is dropped. Clones share the semaphore (and so the limit); each
/// clone holds its own reservation.
///
/// Errors are boxed: the inner service's error (with `Into<BoxError>`),
/// [`Overloaded`](crate::error::Overloaded) in [`WhenFull::Reject`] mode, and
/// [`Closed`] if a shared semaphore is closed.
///
/// # Examples
///
/// ```
/// use std::task::{Context, Waker};
///
/// use spire_middleware::limit::concurrency::ConcurrencyLimit;
/// use spire_service::{Service, ServiceExt};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let (mock, mut handle) = spire_test::mock::pair::<u8, u8>();
/// let mut a = ConcurrencyLimit::new(mock, 1);
/// let mut b = a.clone(); // shares the limit of one
///
/// let response = a.ready().await.unwrap().call(1);
/// let mut cx = Context::from_waker(Waker::noop());
/// assert!(b.poll_ready(&mut cx).is_pending()); // the only permit is in `response`
///
/// handle.next_request().await.unwrap().1.send_response(10);
/// assert_eq!(response.await.unwrap(), 10); // done: the permit is back
/// assert!(b.poll_ready(&mut cx).is_ready());
/// # }
/// ```
#[derive(Debug)]
pub struct ConcurrencyLimit<S> {
    inner: S,
    semaphore: PollSemaphore,
    /// The reservation `poll_ready` made for the next call.
    reserved: Reserved,
    when_full: WhenFull,
}

#[derive(Debug)]
enum Reserved {
    Nothing,
    Permit(OwnedSemaphorePermit),
    /// [`WhenFull::Reject`]: the next call is turned away.
    Rejection,
}

impl<S> ConcurrencyLimit<S> {
    /// Wraps `inner` with a limit of `max` calls in flight, on a semaphore of its own.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::limit::concurrency::ConcurrencyLimit;
    /// use spire_service::service_fn;
    ///
    /// let svc = ConcurrencyLimit::new(service_fn(|x: u8| async move { Ok::<_, std::io::Error>(x) }), 4);
    /// assert_eq!(svc.available_permits(), 4);
    /// ```
    pub fn new(inner: S, max: usize) -> Self {
        Self::with_semaphore(inner, Arc::new(Semaphore::new(max)))
    }

    /// Wraps `inner` with a limit enforced by `semaphore`, which other services may share:
    /// then its number of permits is the limit of all of them together.
    ///
    /// Closing the semaphore makes every service that uses it fail `poll_ready` with
    /// [`Closed`].
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// use spire_middleware::limit::concurrency::ConcurrencyLimit;
    /// use spire_service::service_fn;
    /// use tokio::sync::Semaphore;
    ///
    /// let database_calls = Arc::new(Semaphore::new(10));
    /// let users = ConcurrencyLimit::with_semaphore(
    ///     service_fn(|id: u64| async move { Ok::<_, std::io::Error>(id) }),
    ///     Arc::clone(&database_calls),
    /// );
    /// let orders = ConcurrencyLimit::with_semaphore(
    ///     service_fn(|id: u64| async move { Ok::<_, std::io::Error>(id) }),
    ///     database_calls,
    /// );
    /// # let _ = (users, orders);
    /// ```
    pub const fn with_semaphore(inner: S, semaphore: Arc<Semaphore>) -> Self {
        Self {
            inner,
            semaphore: PollSemaphore::new(semaphore),
            reserved: Reserved::Nothing,
            when_full: WhenFull::Wait,
        }
    }

    /// Sets what happens when every permit is taken; [`WhenFull::Wait`] by default.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::error::Overloaded;
    /// use spire_middleware::limit::concurrency::{ConcurrencyLimit, WhenFull};
    /// use spire_service::{Service, ServiceExt};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (mock, _handle) = spire_test::mock::pair::<(), ()>();
    /// let mut a = ConcurrencyLimit::new(mock, 1).when_full(WhenFull::Reject);
    /// let mut b = a.clone();
    /// let _in_flight = a.ready().await.unwrap().call(());
    /// // `b` is ready at once, and its call is turned away
    /// let err = b.ready().await.unwrap().call(()).await.unwrap_err();
    /// assert!(err.is::<Overloaded>());
    /// # }
    /// ```
    #[must_use]
    pub const fn when_full(mut self, when_full: WhenFull) -> Self {
        self.when_full = when_full;
        self
    }

    /// How many permits of the semaphore are free right now.
    #[must_use]
    pub fn available_permits(&self) -> usize {
        self.semaphore.semaphore().available_permits()
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

/// A clone shares the semaphore; it starts without a reservation.
impl<S: Clone> Clone for ConcurrencyLimit<S> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            semaphore: self.semaphore.clone(),
            reserved: Reserved::Nothing,
            when_full: self.when_full,
        }
    }
}

/// # Readiness
/// Reserves one permit of the semaphore, then polls the inner service; the permit is
/// held while the inner service is not ready, and until `call` moves it into the response
/// future (or the service is dropped). With [`WhenFull::Wait`], `Pending` until a permit
/// is free, in FIFO order. With [`WhenFull::Reject`], `Ready` at once when none is free,
/// reserving a rejection for the next call. Fails with [`Closed`] if the semaphore is
/// closed, or with the inner service's error.
impl<S, Request> Service<Request> for ConcurrencyLimit<S>
where
    S: Service<Request>,
    S::Error: Into<BoxError>,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = ResponseFuture<S::Future>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        if let Reserved::Nothing = self.reserved {
            let permit = match self.when_full {
                WhenFull::Wait => ready!(self.semaphore.poll_acquire(cx)),
                WhenFull::Reject => match self.semaphore.try_acquire() {
                    Ok(permit) => Some(permit),
                    Err(false) => {
                        self.reserved = Reserved::Rejection;
                        return Poll::Ready(Ok(()));
                    }
                    Err(true) => None,
                },
            };
            let Some(permit) = permit else {
                return Poll::Ready(Err(Box::new(Closed::new())));
            };
            self.reserved = Reserved::Permit(permit);
        }
        match self.reserved {
            Reserved::Rejection => Poll::Ready(Ok(())),
            _ => self.inner.poll_ready(cx).map_err(Into::into),
        }
    }

    fn call(&mut self, request: Request) -> Self::Future {
        match std::mem::replace(&mut self.reserved, Reserved::Nothing) {
            Reserved::Permit(permit) => ResponseFuture::new(self.inner.call(request), permit),
            Reserved::Rejection => ResponseFuture::rejected(),
            Reserved::Nothing => {
                panic!("ConcurrencyLimit called without poll_ready returning Ready(Ok(())) first")
            }
        }
    }
}

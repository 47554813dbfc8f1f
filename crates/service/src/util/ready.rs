//! [`Ready`] and [`ReadyOneshot`]: futures that wait until a service can take a call.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use crate::Service;

/// A future that resolves to the service, by value, once it is ready for a call.
///
/// It drives [`poll_ready`](Service::poll_ready) until it returns `Ready`; the service it
/// yields holds the reservation, so call it next. Returned by
/// [`ServiceExt::ready_oneshot`](crate::ServiceExt::ready_oneshot); [`Ready`] is the
/// borrowing form.
///
/// # Examples
///
/// ```
/// use spire_service::{Service, ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let svc = service_fn(|x: u8| async move { Ok::<_, ()>(x) });
/// let mut ready = svc.ready_oneshot().await.unwrap();
/// assert_eq!(ready.call(9).await, Ok(9));
/// # }
/// ```
///
/// # Errors
///
/// Resolves to the service's `poll_ready` error, dropping the service, if it fails.
///
/// # Panics
///
/// Panics if polled again after it returned `Poll::Ready`.
///
/// # Cancel safety
///
/// Dropping it drops the service. A reservation made by a `poll_ready` that was
/// already `Ready` is released with it.
pub struct ReadyOneshot<S, Request> {
    inner: Option<S>,
    _request: PhantomData<fn(Request)>,
}

// The service is never pinned: `poll_ready` takes `&mut S`. So this future can move freely
// whatever `S` is, which lets callers poll it without boxing.
impl<S, Request> Unpin for ReadyOneshot<S, Request> {}

impl<S, Request> ReadyOneshot<S, Request>
where
    S: Service<Request>,
{
    /// Creates a future that waits until `service` is ready and then yields it.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::service_fn;
    /// use spire_service::util::ReadyOneshot;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc = service_fn(|x: u8| async move { Ok::<_, ()>(x) });
    /// assert!(ReadyOneshot::new(svc).await.is_ok());
    /// # }
    /// ```
    pub const fn new(service: S) -> Self {
        Self {
            inner: Some(service),
            _request: PhantomData,
        }
    }
}

impl<S, Request> Future for ReadyOneshot<S, Request>
where
    S: Service<Request>,
{
    type Output = Result<S, S::Error>;

    #[inline]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let service = self
            .inner
            .as_mut()
            .expect("ReadyOneshot polled after completion");
        let readiness = ready!(service.poll_ready(cx));
        let service = self
            .inner
            .take()
            .expect("the service was present a moment ago");
        Poll::Ready(readiness.map(|()| service))
    }
}

impl<S: fmt::Debug, Request> fmt::Debug for ReadyOneshot<S, Request> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadyOneshot")
            .field("service", &self.inner)
            .finish()
    }
}

/// A future that resolves to `&mut S` once the service is ready for a call.
///
/// The usual way to call a service you keep: `svc.ready().await?.call(req)`. It drives
/// [`poll_ready`](Service::poll_ready) until it returns `Ready`, then hands back the borrow
/// so the very next thing is the `call`. Returned by
/// [`ServiceExt::ready`](crate::ServiceExt::ready).
///
/// # Examples
///
/// ```
/// use spire_service::{Service, ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let mut svc = service_fn(|x: u8| async move { Ok::<_, ()>(x + 1) });
/// for x in 0..3 {
///     let y = svc.ready().await.unwrap().call(x).await.unwrap();
///     assert_eq!(y, x + 1);
/// }
/// # }
/// ```
///
/// # Errors
///
/// Resolves to the service's `poll_ready` error if it fails; the service is then finished
/// and should be dropped.
///
/// # Panics
///
/// Panics if polled again after it returned `Poll::Ready`.
///
/// # Cancel safety
///
/// Cancel safe: dropping it only ends the wait. If the service was already ready, the
/// reservation stays with the service and the next `poll_ready` returns `Ready` at once.
pub struct Ready<'a, S, Request>(ReadyOneshot<&'a mut S, Request>);

impl<'a, S, Request> Ready<'a, S, Request>
where
    S: Service<Request>,
{
    /// Creates a future that waits until `service` is ready and then yields the borrow.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::service_fn;
    /// use spire_service::util::Ready;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut svc = service_fn(|x: u8| async move { Ok::<_, ()>(x) });
    /// assert!(Ready::new(&mut svc).await.is_ok());
    /// # }
    /// ```
    pub const fn new(service: &'a mut S) -> Self {
        Self(ReadyOneshot::new(service))
    }
}

impl<'a, S, Request> Future for Ready<'a, S, Request>
where
    S: Service<Request>,
{
    type Output = Result<&'a mut S, S::Error>;

    #[inline]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx)
    }
}

impl<S: fmt::Debug, Request> fmt::Debug for Ready<'_, S, Request> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Ready").field(&self.0.inner).finish()
    }
}

//! [`Timeout`].

use std::task::{Context, Poll};
use std::time::Duration;

use spire_service::{BoxError, Service};

use super::ResponseFuture;

/// A service that fails any call taking longer than a fixed duration with
/// [`Elapsed`](super::Elapsed).
///
/// Errors are boxed: the inner service's error (converted with `Into<BoxError>`) or
/// `Elapsed`. The timer starts when `call` is made and is created inside the response
/// future, so it needs no allocation.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// use spire_middleware::timeout::{Elapsed, Timeout};
/// use spire_service::{Service, ServiceExt};
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let (mock, mut handle) = spire_test::mock::pair::<&str, &str>();
/// let mut svc = Timeout::new(mock, Duration::from_secs(2));
///
/// let response = svc.ready().await.unwrap().call("slow");
/// let (_request, _send) = handle.next_request().await.unwrap(); // never answered
/// assert!(response.await.unwrap_err().is::<Elapsed>());
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Timeout<S> {
    inner: S,
    timeout: Duration,
}

impl<S> Timeout<S> {
    /// Wraps `inner` so that every call fails with [`Elapsed`](super::Elapsed) after
    /// `timeout`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use spire_middleware::timeout::Timeout;
    /// use spire_service::service_fn;
    ///
    /// let svc = Timeout::new(service_fn(|x: u8| async move { Ok::<_, std::io::Error>(x) }), Duration::from_secs(1));
    /// assert_eq!(svc.timeout(), Duration::from_secs(1));
    /// ```
    pub const fn new(inner: S, timeout: Duration) -> Self {
        Self { inner, timeout }
    }

    /// The duration after which a call fails.
    #[must_use]
    pub const fn timeout(&self) -> Duration {
        self.timeout
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

/// # Readiness
/// Ready exactly when the inner service is; reserves nothing of its own. Readiness is not
/// timed: only the call is.
///
/// # Panics
///
/// `call` panics outside a tokio runtime with the time driver enabled, since it starts
/// the timer.
impl<S, Request> Service<Request> for Timeout<S>
where
    S: Service<Request>,
    S::Error: Into<BoxError>,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = ResponseFuture<S::Future>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    #[inline]
    fn call(&mut self, request: Request) -> Self::Future {
        ResponseFuture::new(self.inner.call(request), self.timeout)
    }
}

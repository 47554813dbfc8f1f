//! [`LoadShed`].

use std::task::{Context, Poll};

use spire_service::{BoxError, Service};

use super::ResponseFuture;

/// A service that is always ready, and fails a call with
/// [`Overloaded`](crate::error::Overloaded) when its inner service was not ready.
///
/// Errors are boxed: the inner service's error (with `Into<BoxError>`) or `Overloaded`.
///
/// # Examples
///
/// ```
/// use std::task::{Context, Waker};
///
/// use spire_middleware::error::Overloaded;
/// use spire_middleware::load_shed::LoadShed;
/// use spire_service::Service;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let (mock, mut handle) = spire_test::mock::pair::<u8, u8>();
/// let mut svc = LoadShed::new(mock);
/// let mut cx = Context::from_waker(Waker::noop());
///
/// handle.allow(0); // the inner service is busy
/// assert!(svc.poll_ready(&mut cx).is_ready()); // LoadShed never waits
/// assert!(svc.call(1).await.unwrap_err().is::<Overloaded>());
/// # }
/// ```
#[derive(Debug)]
pub struct LoadShed<S> {
    inner: S,
    /// The inner service answered `Ready(Ok)` to the last `poll_ready`.
    inner_ready: bool,
}

impl<S> LoadShed<S> {
    /// Wraps `inner`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::load_shed::LoadShed;
    /// use spire_service::service_fn;
    ///
    /// let _svc = LoadShed::new(service_fn(|x: u8| async move { Ok::<_, std::io::Error>(x) }));
    /// ```
    pub const fn new(inner: S) -> Self {
        Self {
            inner,
            inner_ready: false,
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

/// A clone starts without its original's readiness.
impl<S: Clone> Clone for LoadShed<S> {
    fn clone(&self) -> Self {
        Self::new(self.inner.clone())
    }
}

/// # Readiness
/// Always `Ready`, unless the inner service's `poll_ready` fails, which is passed on.
/// Reserves whatever the inner service's readiness reserves, when it is ready; when it
/// is not, the next call is reserved to fail with
/// [`Overloaded`](crate::error::Overloaded). The inner service is polled again (and the
/// decision remade) on every `poll_ready`.
impl<S, Request> Service<Request> for LoadShed<S>
where
    S: Service<Request>,
    S::Error: Into<BoxError>,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner_ready = match self.inner.poll_ready(cx) {
            Poll::Ready(Ok(())) => true,
            Poll::Ready(Err(e)) => return Poll::Ready(Err(e.into())),
            Poll::Pending => false,
        };
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        if std::mem::take(&mut self.inner_ready) {
            ResponseFuture::called(self.inner.call(request))
        } else {
            ResponseFuture::overloaded()
        }
    }
}

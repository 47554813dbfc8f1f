//! [`service_fn`]: a service from an `async` function or closure.

use std::fmt;
use std::future::Future;
use std::task::{Context, Poll};

use crate::Service;

/// Makes a [`Service`] from a function that takes a request and returns a future of a
/// `Result`.
///
/// The quickest way to write the innermost service of a stack (the application's handler)
/// or a test double. The service is always ready; the closure is called once per request
/// and may be `FnMut`. The closure's future is the response future, with no wrapper.
///
/// # Examples
///
/// ```
/// use spire_service::{ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// async fn double(x: u64) -> Result<u64, std::convert::Infallible> {
///     Ok(x * 2)
/// }
///
/// let svc = service_fn(double);
/// assert_eq!(svc.oneshot(21).await, Ok(42));
/// # }
/// ```
pub const fn service_fn<T>(f: T) -> ServiceFn<T> {
    ServiceFn { f }
}

/// The [`Service`] returned by [`service_fn`].
///
/// # Examples
///
/// ```
/// use spire_service::{ServiceExt, service_fn};
/// use spire_service::util::ServiceFn;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let svc: ServiceFn<_> = service_fn(|s: &'static str| async move { Ok::<_, ()>(s.len()) });
/// assert_eq!(svc.oneshot("abc").await, Ok(3));
/// # }
/// ```
#[derive(Clone, Copy)]
pub struct ServiceFn<T> {
    f: T,
}

/// # Readiness
/// Always ready: `poll_ready` returns `Poll::Ready(Ok(()))` at once and reserves nothing.
impl<T, F, Request, R, E> Service<Request> for ServiceFn<T>
where
    T: FnMut(Request) -> F,
    F: Future<Output = Result<R, E>>,
{
    type Response = R;
    type Error = E;
    type Future = F;

    #[inline]
    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), E>> {
        Poll::Ready(Ok(()))
    }

    #[inline]
    fn call(&mut self, req: Request) -> F {
        (self.f)(req)
    }
}

impl<T> fmt::Debug for ServiceFn<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceFn")
            .field("f", &format_args!("{}", std::any::type_name::<T>()))
            .finish()
    }
}

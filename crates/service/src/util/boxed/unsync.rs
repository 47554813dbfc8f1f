//! [`UnsyncBoxService`]: the boxed service with no thread-safety requirement.

use std::fmt;
use std::task::{Context, Poll};

use futures_util::future::LocalBoxFuture;

use crate::layer::{LayerFn, layer_fn};
use crate::{Service, ServiceExt};

/// The boxed trait object behind [`UnsyncBoxService`].
type DynLocalService<T, U, E> =
    dyn Service<T, Response = U, Error = E, Future = LocalBoxFuture<'static, Result<U, E>>>;

/// A boxed service and future with no thread-safety requirement at all.
///
/// For single-threaded code (a `current_thread` runtime with `spawn_local`), where the
/// service or its future holds an `Rc` or a `RefCell`. It is neither `Send` nor `Sync`, and
/// the compiler keeps it on its thread:
///
/// ```compile_fail,E0277
/// use spire_service::UnsyncBoxService;
///
/// fn assert_send<T: Send>() {}
/// assert_send::<UnsyncBoxService<(), (), ()>>(); // error: cannot be sent between threads
/// ```
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
///
/// use spire_service::{ServiceExt, UnsyncBoxService, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let greeting = Rc::new("hello".to_owned()); // `Rc` is not `Send`
/// let svc: UnsyncBoxService<&str, String, ()> = UnsyncBoxService::new(service_fn(move |name| {
///     let greeting = Rc::clone(&greeting);
///     async move { Ok(format!("{greeting}, {name}")) }
/// }));
/// assert_eq!(svc.oneshot("ana").await, Ok("hello, ana".to_owned()));
/// # }
/// ```
pub struct UnsyncBoxService<T, U, E> {
    inner: Box<DynLocalService<T, U, E>>,
}

impl<T, U, E> UnsyncBoxService<T, U, E> {
    /// Boxes `inner`, and each future it returns.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{UnsyncBoxService, service_fn};
    ///
    /// let svc: UnsyncBoxService<u8, u8, ()> =
    ///     UnsyncBoxService::new(service_fn(|x: u8| async move { Ok(x) }));
    /// # drop(svc);
    /// ```
    pub fn new<S>(inner: S) -> Self
    where
        S: Service<T, Response = U, Error = E> + 'static,
        S::Future: 'static,
    {
        Self {
            inner: Box::new(
                inner.map_future(|future| Box::pin(future) as LocalBoxFuture<'static, _>),
            ),
        }
    }

    /// Returns a [`Layer`](crate::Layer) that boxes the service it wraps.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{Layer, ServiceExt, UnsyncBoxService, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc: UnsyncBoxService<u8, u8, ()> =
    ///     UnsyncBoxService::layer().layer(service_fn(|x: u8| async move { Ok(x) }));
    /// assert_eq!(svc.oneshot(2).await, Ok(2));
    /// # }
    /// ```
    pub fn layer<S>() -> LayerFn<fn(S) -> Self>
    where
        S: Service<T, Response = U, Error = E> + 'static,
        S::Future: 'static,
    {
        layer_fn(Self::new)
    }
}

/// # Readiness
/// Exactly the boxed service's readiness.
impl<T, U, E> Service<T> for UnsyncBoxService<T, U, E> {
    type Response = U;
    type Error = E;
    type Future = LocalBoxFuture<'static, Result<U, E>>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), E>> {
        self.inner.poll_ready(cx)
    }

    #[inline]
    fn call(&mut self, request: T) -> Self::Future {
        self.inner.call(request)
    }
}

impl<T, U, E> fmt::Debug for UnsyncBoxService<T, U, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnsyncBoxService").finish_non_exhaustive()
    }
}

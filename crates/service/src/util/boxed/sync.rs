//! [`BoxService`]: the `Send + Sync` boxed service.

use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::task::{Context, Poll};

use futures_util::future::BoxFuture;

use crate::layer::{LayerFn, layer_fn};
use crate::{Service, ServiceExt};

/// The boxed trait object behind [`BoxService`]: any service with these types whose future
/// is already boxed.
type DynSendService<T, U, E> =
    dyn Service<T, Response = U, Error = E, Future = BoxFuture<'static, Result<U, E>>> + Send;

/// A boxed `Service + Send + Sync` with a boxed `Send` future: the type-erased service.
///
/// Any `Send + 'static` service with a `Send + 'static` future can be boxed into one. It is
/// not `Clone`; see [`BoxCloneService`](super::BoxCloneService) for that.
///
/// # Examples
///
/// ```
/// use spire_service::{BoxError, BoxService, ServiceExt, service_fn};
///
/// fn make_service(shout: bool) -> BoxService<String, String, BoxError> {
///     let echo = service_fn(|s: String| async move { Ok::<_, BoxError>(s) });
///     if shout {
///         BoxService::new(echo.map_response(|s: String| s.to_uppercase()))
///     } else {
///         BoxService::new(echo)
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), BoxError> {
/// assert_eq!(make_service(true).oneshot("hi".to_owned()).await?, "HI");
/// # Ok(())
/// # }
/// ```
pub struct BoxService<T, U, E> {
    // A `Mutex` that is never locked: `&mut self` already proves exclusive access, and
    // `Mutex::get_mut` costs no lock. It is here because `Mutex<X>` is `Sync` whenever `X` is
    // `Send`, so the box is `Sync` without requiring `Sync` of the service inside (which
    // nothing ever shares by reference) and without unsafe code.
    inner: Mutex<Box<DynSendService<T, U, E>>>,
}

impl<T, U, E> BoxService<T, U, E> {
    /// Boxes `inner`, and each future it returns.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{BoxService, service_fn};
    ///
    /// let svc: BoxService<u8, u8, ()> = BoxService::new(service_fn(|x: u8| async move { Ok(x) }));
    /// # drop(svc);
    /// ```
    pub fn new<S>(inner: S) -> Self
    where
        S: Service<T, Response = U, Error = E> + Send + 'static,
        S::Future: Send + 'static,
    {
        let inner: Box<DynSendService<T, U, E>> =
            Box::new(inner.map_future(|future| Box::pin(future) as BoxFuture<'static, _>));
        Self {
            inner: Mutex::new(inner),
        }
    }

    /// Returns a [`Layer`](crate::Layer) that boxes the service it wraps.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{BoxService, ServiceBuilder, ServiceExt};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc: BoxService<u8, u8, ()> = ServiceBuilder::new()
    ///     .layer(BoxService::layer())
    ///     .service_fn(|x: u8| async move { Ok(x) });
    /// assert_eq!(svc.oneshot(1).await, Ok(1));
    /// # }
    /// ```
    pub fn layer<S>() -> LayerFn<fn(S) -> Self>
    where
        S: Service<T, Response = U, Error = E> + Send + 'static,
        S::Future: Send + 'static,
    {
        layer_fn(Self::new)
    }

    fn get_mut(&mut self) -> &mut DynSendService<T, U, E> {
        // Never locked, so never poisoned; recovering keeps this free of panics regardless.
        &mut **self.inner.get_mut().unwrap_or_else(PoisonError::into_inner)
    }
}

/// # Readiness
/// Exactly the boxed service's readiness.
impl<T, U, E> Service<T> for BoxService<T, U, E> {
    type Response = U;
    type Error = E;
    type Future = BoxFuture<'static, Result<U, E>>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), E>> {
        self.get_mut().poll_ready(cx)
    }

    #[inline]
    fn call(&mut self, request: T) -> Self::Future {
        self.get_mut().call(request)
    }
}

impl<T, U, E> fmt::Debug for BoxService<T, U, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BoxService").finish_non_exhaustive()
    }
}

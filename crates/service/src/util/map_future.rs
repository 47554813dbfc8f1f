//! [`MapFuture`]: replace the response future with one built from it.

use std::fmt;
use std::future::Future;
use std::task::{Context, Poll};

use crate::{Layer, Service};

/// A service that hands each response future to a closure and returns what it builds.
///
/// The most general of the combinators: the closure receives the inner future itself and
/// may wrap it in anything (a timeout, a box, an `async` block that inspects the result).
/// Boxing is built on it: [`BoxService::new`](crate::BoxService::new) is
/// `map_future(|f| Box::pin(f))` plus a box around the service. A `poll_ready` error is
/// converted with `From` into the new error type. Built by
/// [`ServiceExt::map_future`](crate::ServiceExt::map_future),
/// [`ServiceBuilder::map_future`](crate::ServiceBuilder::map_future) or
/// [`MapFutureLayer`].
///
/// # Examples
///
/// ```
/// use spire_service::{ServiceExt, service_fn};
/// use spire_service::util::MapFuture;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let svc = service_fn(|x: u32| async move { Ok::<_, ()>(x) });
/// let svc = MapFuture::new(svc, |fut| async move {
///     let x = fut.await?;
///     Ok::<_, ()>(x + 1)
/// });
/// assert_eq!(svc.oneshot(1).await, Ok(2));
/// # }
/// ```
#[derive(Clone, Copy)]
pub struct MapFuture<S, F> {
    inner: S,
    f: F,
}

impl<S, F> MapFuture<S, F> {
    /// Wraps `inner` so that every response future goes through `f`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::Future;
    /// use std::pin::Pin;
    ///
    /// use spire_service::{ServiceExt, service_fn};
    /// use spire_service::util::MapFuture;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// type Boxed = Pin<Box<dyn Future<Output = Result<u8, ()>> + Send>>;
    /// let svc = service_fn(|x: u8| async move { Ok::<_, ()>(x) });
    /// let svc = MapFuture::new(svc, |fut| Box::pin(fut) as Boxed);
    /// assert_eq!(svc.oneshot(3).await, Ok(3));
    /// # }
    /// ```
    pub const fn new(inner: S, f: F) -> Self {
        Self { inner, f }
    }

    /// Returns a [`Layer`] that wraps services in `MapFuture` with a clone of `f`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{Layer, ServiceExt, service_fn};
    /// use spire_service::util::MapFuture;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use std::future::{Ready, ready};
    ///
    /// // The service parameter plays no part here; `MapFutureLayer::new` is the same.
    /// let layer = MapFuture::<(), _>::layer(|fut: Ready<Result<u8, ()>>| async move {
    ///     fut.await.map(|x| x * 2)
    /// });
    /// let svc = layer.layer(service_fn(|x: u8| ready(Ok::<_, ()>(x))));
    /// assert_eq!(svc.oneshot(4).await, Ok(8));
    /// # }
    /// ```
    pub const fn layer(f: F) -> MapFutureLayer<F> {
        MapFutureLayer { f }
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
/// Ready exactly when the inner service is; a `poll_ready` error is converted with `E::from`.
impl<R, S, F, T, E, Fut> Service<R> for MapFuture<S, F>
where
    S: Service<R>,
    F: FnMut(S::Future) -> Fut,
    E: From<S::Error>,
    Fut: Future<Output = Result<T, E>>,
{
    type Response = T;
    type Error = E;
    type Future = Fut;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), E>> {
        self.inner.poll_ready(cx).map_err(E::from)
    }

    #[inline]
    fn call(&mut self, req: R) -> Fut {
        (self.f)(self.inner.call(req))
    }
}

impl<S: fmt::Debug, F> fmt::Debug for MapFuture<S, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MapFuture")
            .field("inner", &self.inner)
            .field("f", &format_args!("{}", std::any::type_name::<F>()))
            .finish()
    }
}

/// A [`Layer`] that wraps services in [`MapFuture`].
///
/// # Examples
///
/// ```
/// use spire_service::{ServiceBuilder, ServiceExt};
/// use spire_service::util::MapFutureLayer;
/// use std::future::{Ready, ready};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let svc = ServiceBuilder::new()
///     .layer(MapFutureLayer::new(|fut: Ready<Result<String, ()>>| async move {
///         fut.await.map(|s| s + "!")
///     }))
///     .service_fn(|s: &str| ready(Ok::<_, ()>(s.to_owned())));
/// assert_eq!(svc.oneshot("hey").await, Ok("hey!".to_owned()));
/// # }
/// ```
#[derive(Clone, Copy)]
pub struct MapFutureLayer<F> {
    f: F,
}

impl<F> MapFutureLayer<F> {
    /// Creates a layer that maps every response future with `f`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::util::MapFutureLayer;
    ///
    /// let _layer = MapFutureLayer::new(|fut: std::future::Ready<Result<u8, ()>>| fut);
    /// ```
    pub const fn new(f: F) -> Self {
        Self { f }
    }
}

impl<S, F: Clone> Layer<S> for MapFutureLayer<F> {
    type Service = MapFuture<S, F>;

    #[inline]
    fn layer(&self, inner: S) -> Self::Service {
        MapFuture::new(inner, self.f.clone())
    }
}

impl<F> fmt::Debug for MapFutureLayer<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MapFutureLayer")
            .field("f", &format_args!("{}", std::any::type_name::<F>()))
            .finish()
    }
}

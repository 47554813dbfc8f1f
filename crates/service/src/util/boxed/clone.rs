//! [`BoxCloneService`] and [`BoxCloneSyncService`]: boxed services that can be cloned.

use std::fmt;
use std::task::{Context, Poll};

use futures_util::future::BoxFuture;

use crate::layer::{LayerFn, layer_fn};
use crate::{Service, ServiceExt};

/// A service that can clone itself into a box: what makes [`BoxCloneService`] `Clone`.
trait CloneService<R>: Service<R> {
    #[expect(
        clippy::type_complexity,
        reason = "the associated types must be spelled out; an alias cannot take an unsized `Self`"
    )]
    fn clone_box(&self) -> Box<DynClone<R, Self::Response, Self::Error, Self::Future>>;
}

type DynClone<R, U, E, F> = dyn CloneService<R, Response = U, Error = E, Future = F> + Send;

impl<R, S> CloneService<R> for S
where
    S: Service<R> + Clone + Send + 'static,
{
    fn clone_box(&self) -> Box<DynClone<R, S::Response, S::Error, S::Future>> {
        Box::new(self.clone())
    }
}

/// The `Sync` twin of [`CloneService`], behind [`BoxCloneSyncService`].
trait CloneSyncService<R>: Service<R> {
    #[expect(
        clippy::type_complexity,
        reason = "the associated types must be spelled out; an alias cannot take an unsized `Self`"
    )]
    fn clone_box(&self) -> Box<DynCloneSync<R, Self::Response, Self::Error, Self::Future>>;
}

type DynCloneSync<R, U, E, F> =
    dyn CloneSyncService<R, Response = U, Error = E, Future = F> + Send + Sync;

impl<R, S> CloneSyncService<R> for S
where
    S: Service<R> + Clone + Send + Sync + 'static,
{
    fn clone_box(&self) -> Box<DynCloneSync<R, S::Response, S::Error, S::Future>> {
        Box::new(self.clone())
    }
}

/// The boxed trait object behind [`BoxCloneService`].
type DynCloneService<T, U, E> = DynClone<T, U, E, BoxFuture<'static, Result<U, E>>>;

/// The boxed trait object behind [`BoxCloneSyncService`].
type DynCloneSyncService<T, U, E> = DynCloneSync<T, U, E, BoxFuture<'static, Result<U, E>>>;

/// A boxed `Service + Send + Clone` with a boxed `Send` future.
///
/// The usual type for a server's application service: the server clones it once per
/// connection. Cloning clones the service inside into a new box; each clone has its own
/// readiness (see the [`Service`] contract). It is not `Sync`: share clones, not references
/// (or use [`BoxCloneSyncService`]):
///
/// ```compile_fail,E0277
/// use spire_service::BoxCloneService;
///
/// fn assert_sync<T: Sync>() {}
/// assert_sync::<BoxCloneService<(), (), ()>>(); // error: cannot be shared between threads
/// ```
///
/// # Examples
///
/// ```
/// use spire_service::{BoxCloneService, ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let svc: BoxCloneService<u32, u32, ()> =
///     service_fn(|x: u32| async move { Ok(x + 1) }).boxed_clone();
/// let per_connection = svc.clone();
/// assert_eq!(per_connection.oneshot(1).await, Ok(2));
/// assert_eq!(svc.oneshot(2).await, Ok(3));
/// # }
/// ```
pub struct BoxCloneService<T, U, E> {
    inner: Box<DynCloneService<T, U, E>>,
}

impl<T, U, E> BoxCloneService<T, U, E> {
    /// Boxes `inner`, and each future it returns.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{BoxCloneService, service_fn};
    ///
    /// let svc = BoxCloneService::<u8, u8, ()>::new(service_fn(|x: u8| async move { Ok(x) }));
    /// let _clone = svc.clone();
    /// ```
    pub fn new<S>(inner: S) -> Self
    where
        S: Service<T, Response = U, Error = E> + Clone + Send + 'static,
        S::Future: Send + 'static,
    {
        Self {
            inner: Box::new(inner.map_future(|future| Box::pin(future) as BoxFuture<'static, _>)),
        }
    }

    /// Returns a [`Layer`](crate::Layer) that boxes the service it wraps.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{BoxCloneService, ServiceBuilder, ServiceExt};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc: BoxCloneService<u8, u8, ()> = ServiceBuilder::new()
    ///     .layer(BoxCloneService::layer())
    ///     .service_fn(|x: u8| async move { Ok(x) });
    /// assert_eq!(svc.clone().oneshot(4).await, Ok(4));
    /// # }
    /// ```
    pub fn layer<S>() -> LayerFn<fn(S) -> Self>
    where
        S: Service<T, Response = U, Error = E> + Clone + Send + 'static,
        S::Future: Send + 'static,
    {
        layer_fn(Self::new)
    }
}

/// # Readiness
/// Exactly the boxed service's readiness; a clone starts with none reserved.
impl<T, U, E> Service<T> for BoxCloneService<T, U, E> {
    type Response = U;
    type Error = E;
    type Future = BoxFuture<'static, Result<U, E>>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), E>> {
        self.inner.poll_ready(cx)
    }

    #[inline]
    fn call(&mut self, request: T) -> Self::Future {
        self.inner.call(request)
    }
}

impl<T, U, E> Clone for BoxCloneService<T, U, E> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone_box(),
        }
    }
}

impl<T, U, E> fmt::Debug for BoxCloneService<T, U, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BoxCloneService").finish_non_exhaustive()
    }
}

/// A boxed `Service + Send + Sync + Clone` with a boxed `Send` future.
///
/// Like [`BoxCloneService`], and also `Sync`, so it can sit in shared state (an `Arc`, a
/// `static`) that several threads read. The service inside must be `Sync` too.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
///
/// use spire_service::{BoxCloneSyncService, ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let shared: Arc<BoxCloneSyncService<u8, u8, ()>> =
///     Arc::new(service_fn(|x: u8| async move { Ok(x) }).boxed_clone_sync());
/// let mine = (*shared).clone();
/// assert_eq!(mine.oneshot(5).await, Ok(5));
/// # }
/// ```
pub struct BoxCloneSyncService<T, U, E> {
    inner: Box<DynCloneSyncService<T, U, E>>,
}

impl<T, U, E> BoxCloneSyncService<T, U, E> {
    /// Boxes `inner`, and each future it returns.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{BoxCloneSyncService, service_fn};
    ///
    /// let svc = BoxCloneSyncService::<u8, u8, ()>::new(service_fn(|x: u8| async move { Ok(x) }));
    /// let _clone = svc.clone();
    /// ```
    pub fn new<S>(inner: S) -> Self
    where
        S: Service<T, Response = U, Error = E> + Clone + Send + Sync + 'static,
        S::Future: Send + 'static,
    {
        Self {
            inner: Box::new(inner.map_future(|future| Box::pin(future) as BoxFuture<'static, _>)),
        }
    }

    /// Returns a [`Layer`](crate::Layer) that boxes the service it wraps.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{BoxCloneSyncService, Layer, ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc: BoxCloneSyncService<u8, u8, ()> =
    ///     BoxCloneSyncService::layer().layer(service_fn(|x: u8| async move { Ok(x) }));
    /// assert_eq!(svc.oneshot(6).await, Ok(6));
    /// # }
    /// ```
    pub fn layer<S>() -> LayerFn<fn(S) -> Self>
    where
        S: Service<T, Response = U, Error = E> + Clone + Send + Sync + 'static,
        S::Future: Send + 'static,
    {
        layer_fn(Self::new)
    }
}

/// # Readiness
/// Exactly the boxed service's readiness; a clone starts with none reserved.
impl<T, U, E> Service<T> for BoxCloneSyncService<T, U, E> {
    type Response = U;
    type Error = E;
    type Future = BoxFuture<'static, Result<U, E>>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), E>> {
        self.inner.poll_ready(cx)
    }

    #[inline]
    fn call(&mut self, request: T) -> Self::Future {
        self.inner.call(request)
    }
}

impl<T, U, E> Clone for BoxCloneSyncService<T, U, E> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone_box(),
        }
    }
}

impl<T, U, E> fmt::Debug for BoxCloneSyncService<T, U, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BoxCloneSyncService")
            .finish_non_exhaustive()
    }
}

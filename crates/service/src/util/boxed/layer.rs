//! [`BoxLayer`], [`BoxCloneServiceLayer`] and [`BoxCloneSyncServiceLayer`]: type-erased
//! layers.

use std::fmt;
use std::sync::Arc;

use super::{BoxCloneService, BoxCloneSyncService, BoxService};
use crate::layer::layer_fn;
use crate::{Layer, Service};

/// A layer that builds [`BoxService`]s, shared behind an `Arc`.
type DynLayer<In, S> = dyn Layer<In, Service = S> + Send + Sync;

/// A type-erased [`Layer`] that wraps an `In` service and returns a [`BoxService`].
///
/// For returning a stack of layers from a function, or choosing one at run time, without
/// naming its type. Cloning it is cheap (an `Arc`).
///
/// # Examples
///
/// ```
/// use spire_service::{BoxError, Layer, ServiceBuilder, ServiceExt, service_fn};
/// use spire_service::util::{BoxLayer, BoxService};
///
/// fn common_layers<S>() -> BoxLayer<S, String, String, BoxError>
/// where
///     S: spire_service::Service<String, Response = String, Error = BoxError> + Send + 'static,
///     S::Future: Send + 'static,
/// {
///     BoxLayer::new(ServiceBuilder::new().map_response(|s: String| format!("[{s}]")))
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), BoxError> {
/// let svc: BoxService<String, String, BoxError> = common_layers()
///     .layer(service_fn(|s: String| async move { Ok::<_, BoxError>(s) }));
/// assert_eq!(svc.oneshot("x".to_owned()).await?, "[x]");
/// # Ok(())
/// # }
/// ```
pub struct BoxLayer<In, T, U, E> {
    boxed: Arc<DynLayer<In, BoxService<T, U, E>>>,
}

impl<In, T, U, E> BoxLayer<In, T, U, E> {
    /// Erases the type of `inner_layer`; the services it builds are boxed.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::layer::Identity;
    /// use spire_service::util::{BoxLayer, ServiceFn};
    ///
    /// type Handler = ServiceFn<fn(u8) -> std::future::Ready<Result<u8, ()>>>;
    /// let _layer: BoxLayer<Handler, u8, u8, ()> = BoxLayer::new(Identity::new());
    /// ```
    pub fn new<L>(inner_layer: L) -> Self
    where
        L: Layer<In> + Send + Sync + 'static,
        L::Service: Service<T, Response = U, Error = E> + Send + 'static,
        <L::Service as Service<T>>::Future: Send + 'static,
    {
        let layer = layer_fn(move |inner: In| BoxService::new(inner_layer.layer(inner)));
        Self {
            boxed: Arc::new(layer),
        }
    }
}

impl<In, T, U, E> Layer<In> for BoxLayer<In, T, U, E> {
    type Service = BoxService<T, U, E>;

    fn layer(&self, inner: In) -> Self::Service {
        self.boxed.layer(inner)
    }
}

impl<In, T, U, E> Clone for BoxLayer<In, T, U, E> {
    fn clone(&self) -> Self {
        Self {
            boxed: Arc::clone(&self.boxed),
        }
    }
}

impl<In, T, U, E> fmt::Debug for BoxLayer<In, T, U, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BoxLayer").finish_non_exhaustive()
    }
}

/// A type-erased [`Layer`] that wraps an `In` service and returns a [`BoxCloneService`].
///
/// The `Clone` counterpart of [`BoxLayer`].
///
/// # Examples
///
/// ```
/// use spire_service::{Layer, ServiceExt, service_fn};
/// use spire_service::util::{BoxCloneService, BoxCloneServiceLayer, MapRequestLayer};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let layer = BoxCloneServiceLayer::new(MapRequestLayer::new(|x: u8| x * 2));
/// let svc: BoxCloneService<u8, u8, ()> = layer.layer(service_fn(|x: u8| async move { Ok(x) }));
/// assert_eq!(svc.clone().oneshot(4).await, Ok(8));
/// # }
/// ```
pub struct BoxCloneServiceLayer<In, T, U, E> {
    boxed: Arc<DynLayer<In, BoxCloneService<T, U, E>>>,
}

impl<In, T, U, E> BoxCloneServiceLayer<In, T, U, E> {
    /// Erases the type of `inner_layer`; the services it builds are boxed.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::layer::Identity;
    /// use spire_service::util::{BoxCloneServiceLayer, ServiceFn};
    ///
    /// type Handler = ServiceFn<fn(u8) -> std::future::Ready<Result<u8, ()>>>;
    /// let _layer: BoxCloneServiceLayer<Handler, u8, u8, ()> =
    ///     BoxCloneServiceLayer::new(Identity::new());
    /// ```
    pub fn new<L>(inner_layer: L) -> Self
    where
        L: Layer<In> + Send + Sync + 'static,
        L::Service: Service<T, Response = U, Error = E> + Clone + Send + 'static,
        <L::Service as Service<T>>::Future: Send + 'static,
    {
        let layer = layer_fn(move |inner: In| BoxCloneService::new(inner_layer.layer(inner)));
        Self {
            boxed: Arc::new(layer),
        }
    }
}

impl<In, T, U, E> Layer<In> for BoxCloneServiceLayer<In, T, U, E> {
    type Service = BoxCloneService<T, U, E>;

    fn layer(&self, inner: In) -> Self::Service {
        self.boxed.layer(inner)
    }
}

impl<In, T, U, E> Clone for BoxCloneServiceLayer<In, T, U, E> {
    fn clone(&self) -> Self {
        Self {
            boxed: Arc::clone(&self.boxed),
        }
    }
}

impl<In, T, U, E> fmt::Debug for BoxCloneServiceLayer<In, T, U, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BoxCloneServiceLayer")
            .finish_non_exhaustive()
    }
}

/// A type-erased [`Layer`] that wraps an `In` service and returns a [`BoxCloneSyncService`].
///
/// The `Sync` counterpart of [`BoxCloneServiceLayer`].
///
/// # Examples
///
/// ```
/// use spire_service::{Layer, ServiceExt, service_fn};
/// use spire_service::util::{BoxCloneSyncService, BoxCloneSyncServiceLayer, MapResponseLayer};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let layer = BoxCloneSyncServiceLayer::new(MapResponseLayer::new(|x: u8| x + 1));
/// let svc: BoxCloneSyncService<u8, u8, ()> =
///     layer.layer(service_fn(|x: u8| async move { Ok(x) }));
/// assert_eq!(svc.oneshot(4).await, Ok(5));
/// # }
/// ```
pub struct BoxCloneSyncServiceLayer<In, T, U, E> {
    boxed: Arc<DynLayer<In, BoxCloneSyncService<T, U, E>>>,
}

impl<In, T, U, E> BoxCloneSyncServiceLayer<In, T, U, E> {
    /// Erases the type of `inner_layer`; the services it builds are boxed.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::layer::Identity;
    /// use spire_service::util::{BoxCloneSyncServiceLayer, ServiceFn};
    ///
    /// type Handler = ServiceFn<fn(u8) -> std::future::Ready<Result<u8, ()>>>;
    /// let _layer: BoxCloneSyncServiceLayer<Handler, u8, u8, ()> =
    ///     BoxCloneSyncServiceLayer::new(Identity::new());
    /// ```
    pub fn new<L>(inner_layer: L) -> Self
    where
        L: Layer<In> + Send + Sync + 'static,
        L::Service: Service<T, Response = U, Error = E> + Clone + Send + Sync + 'static,
        <L::Service as Service<T>>::Future: Send + 'static,
    {
        let layer = layer_fn(move |inner: In| BoxCloneSyncService::new(inner_layer.layer(inner)));
        Self {
            boxed: Arc::new(layer),
        }
    }
}

impl<In, T, U, E> Layer<In> for BoxCloneSyncServiceLayer<In, T, U, E> {
    type Service = BoxCloneSyncService<T, U, E>;

    fn layer(&self, inner: In) -> Self::Service {
        self.boxed.layer(inner)
    }
}

impl<In, T, U, E> Clone for BoxCloneSyncServiceLayer<In, T, U, E> {
    fn clone(&self) -> Self {
        Self {
            boxed: Arc::clone(&self.boxed),
        }
    }
}

impl<In, T, U, E> fmt::Debug for BoxCloneSyncServiceLayer<In, T, U, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BoxCloneSyncServiceLayer")
            .finish_non_exhaustive()
    }
}

//! [`ServiceBuilder`]: compose layers in the order requests flow through them.

use std::fmt;

use crate::layer::{Identity, LayerFn, Stack, layer_fn};
use crate::util::{
    AndThenLayer, BoxCloneService, BoxCloneSyncService, BoxService, Either, MapErrLayer,
    MapFutureLayer, MapRequestLayer, MapResponseLayer, MapResultLayer, ServiceFn, ThenLayer,
    option_layer, service_fn,
};
use crate::{Layer, Service};

/// The layer [`ServiceBuilder::boxed`] adds: a function that boxes a `S` into a
/// [`BoxService`].
type BoxServiceFn<S, R> =
    LayerFn<fn(S) -> BoxService<R, <S as Service<R>>::Response, <S as Service<R>>::Error>>;

/// The layer [`ServiceBuilder::boxed_clone`] adds.
type BoxCloneServiceFn<S, R> =
    LayerFn<fn(S) -> BoxCloneService<R, <S as Service<R>>::Response, <S as Service<R>>::Error>>;

/// The layer [`ServiceBuilder::boxed_clone_sync`] adds.
type BoxCloneSyncServiceFn<S, R> =
    LayerFn<fn(S) -> BoxCloneSyncService<R, <S as Service<R>>::Response, <S as Service<R>>::Error>>;

/// Composes layers into one, listed in the order a request passes through them.
///
/// **The first layer added is the outermost.** It sees each request first and each
/// response last:
///
/// ```text
/// ServiceBuilder::new().layer(a).layer(b).service(svc)   is   a.layer(b.layer(svc))
///
///   request  ──► a ──► b ──► svc
///   response ◄── a ◄── b ◄── svc
/// ```
///
/// So the builder reads top to bottom like the path of a request: put the layers that
/// must see everything (tracing, a global timeout) first, and the ones closest to the
/// handler last. Each method adds one layer with [`Stack`]; nothing is built until
/// [`service`](ServiceBuilder::service) is called, and the builder, being a [`Layer`]
/// itself, can be applied to many services.
///
/// # Examples
///
/// ```
/// use spire_service::{ServiceBuilder, ServiceExt};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let svc = ServiceBuilder::new()
///     .map_request(|x: u32| x + 1) // outermost: runs first on the request
///     .map_request(|x: u32| x * 10) // then this one
///     .map_response(|x: u32| format!("<{x}>")) // innermost: first to see the response
///     .service_fn(|x: u32| async move { Ok::<_, ()>(x) });
///
/// assert_eq!(svc.oneshot(1).await, Ok("<20>".to_owned())); // (1 + 1) * 10
/// # }
/// ```
#[derive(Clone)]
pub struct ServiceBuilder<L> {
    layer: L,
}

impl Default for ServiceBuilder<Identity> {
    fn default() -> Self {
        Self::new()
    }
}

impl ServiceBuilder<Identity> {
    /// Creates a builder with no layers.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{ServiceBuilder, ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc = ServiceBuilder::new().service(service_fn(|x: u8| async move { Ok::<_, ()>(x) }));
    /// assert_eq!(svc.oneshot(1).await, Ok(1));
    /// # }
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self {
            layer: Identity::new(),
        }
    }
}

impl<L> ServiceBuilder<L> {
    /// Adds `layer` inside the layers added so far.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{ServiceBuilder, ServiceExt};
    /// use spire_service::util::MapResponseLayer;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc = ServiceBuilder::new()
    ///     .layer(MapResponseLayer::new(|x: u8| x + 1))
    ///     .service_fn(|x: u8| async move { Ok::<_, ()>(x) });
    /// assert_eq!(svc.oneshot(1).await, Ok(2));
    /// # }
    /// ```
    pub fn layer<T>(self, layer: T) -> ServiceBuilder<Stack<T, L>> {
        ServiceBuilder {
            layer: Stack::new(layer, self.layer),
        }
    }

    /// Adds `layer` if it is `Some`, and nothing if it is `None`.
    ///
    /// The resulting service is an [`Either`] of the two shapes, so both branches have one
    /// type.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{ServiceBuilder, ServiceExt};
    /// use spire_service::util::MapRequestLayer;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// for (double, expected) in [(true, 4), (false, 2)] {
    ///     let svc = ServiceBuilder::new()
    ///         .option_layer(double.then(|| MapRequestLayer::new(|x: u8| x * 2)))
    ///         .service_fn(|x: u8| async move { Ok::<_, ()>(x) });
    ///     assert_eq!(svc.oneshot(2).await, Ok(expected));
    /// }
    /// # }
    /// ```
    pub fn option_layer<T>(
        self,
        layer: Option<T>,
    ) -> ServiceBuilder<Stack<Either<T, Identity>, L>> {
        self.layer(option_layer(layer))
    }

    /// Adds a layer made from a closure that wraps a service; see [`layer_fn`].
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{ServiceBuilder, ServiceExt};
    /// use spire_service::util::MapErr;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc = ServiceBuilder::new()
    ///     .layer_fn(|inner| MapErr::new(inner, |e: u8| e.to_string()))
    ///     .service_fn(|x: u8| async move { Err::<(), _>(x) });
    /// assert_eq!(svc.oneshot(3).await, Err("3".to_owned()));
    /// # }
    /// ```
    pub fn layer_fn<F>(self, f: F) -> ServiceBuilder<Stack<LayerFn<F>, L>> {
        self.layer(layer_fn(f))
    }

    /// Adds a [`MapRequestLayer`]: requests go through `f` at this point of the stack.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{ServiceBuilder, ServiceExt};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc = ServiceBuilder::new()
    ///     .map_request(|s: &str| s.len())
    ///     .service_fn(|n: usize| async move { Ok::<_, ()>(n) });
    /// assert_eq!(svc.oneshot("abc").await, Ok(3));
    /// # }
    /// ```
    pub fn map_request<F, R1, R2>(self, f: F) -> ServiceBuilder<Stack<MapRequestLayer<F>, L>>
    where
        F: FnMut(R1) -> R2 + Clone,
    {
        self.layer(MapRequestLayer::new(f))
    }

    /// Adds a [`MapResponseLayer`]: successful responses go through `f` at this point.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{ServiceBuilder, ServiceExt};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc = ServiceBuilder::new()
    ///     .map_response(|n: usize| n * 2)
    ///     .service_fn(|s: &'static str| async move { Ok::<_, ()>(s.len()) });
    /// assert_eq!(svc.oneshot("ab").await, Ok(4));
    /// # }
    /// ```
    pub fn map_response<F>(self, f: F) -> ServiceBuilder<Stack<MapResponseLayer<F>, L>> {
        self.layer(MapResponseLayer::new(f))
    }

    /// Adds a [`MapErrLayer`]: errors go through `f` at this point.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{BoxError, ServiceBuilder, ServiceExt};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc = ServiceBuilder::new()
    ///     .map_err(BoxError::from)
    ///     .service_fn(|_: ()| async move { Err::<(), _>("failed") });
    /// assert_eq!(svc.oneshot(()).await.unwrap_err().to_string(), "failed");
    /// # }
    /// ```
    pub fn map_err<F>(self, f: F) -> ServiceBuilder<Stack<MapErrLayer<F>, L>> {
        self.layer(MapErrLayer::new(f))
    }

    /// Adds a [`MapResultLayer`]: each call's `Result` goes through `f` at this point.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{ServiceBuilder, ServiceExt};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc = ServiceBuilder::new()
    ///     .map_result(|r: Result<u8, u8>| Ok::<_, u8>(r.unwrap_or(0)))
    ///     .service_fn(|x: u8| async move { Err::<u8, _>(x) });
    /// assert_eq!(svc.oneshot(9).await, Ok(0));
    /// # }
    /// ```
    pub fn map_result<F>(self, f: F) -> ServiceBuilder<Stack<MapResultLayer<F>, L>> {
        self.layer(MapResultLayer::new(f))
    }

    /// Adds a [`MapFutureLayer`]: response futures are replaced by what `f` builds.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::{Ready, ready};
    ///
    /// use spire_service::{ServiceBuilder, ServiceExt};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc = ServiceBuilder::new()
    ///     .map_future(|fut: Ready<Result<u8, ()>>| async move { fut.await.map(|x| x + 1) })
    ///     .service_fn(|x: u8| ready(Ok::<_, ()>(x)));
    /// assert_eq!(svc.oneshot(1).await, Ok(2));
    /// # }
    /// ```
    pub fn map_future<F>(self, f: F) -> ServiceBuilder<Stack<MapFutureLayer<F>, L>> {
        self.layer(MapFutureLayer::new(f))
    }

    /// Adds a [`ThenLayer`]: each call's `Result` goes to the asynchronous `f`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{ServiceBuilder, ServiceExt};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc = ServiceBuilder::new()
    ///     .then(|r: Result<u8, ()>| async move { r.map(|x| x * 2) })
    ///     .service_fn(|x: u8| async move { Ok::<_, ()>(x) });
    /// assert_eq!(svc.oneshot(3).await, Ok(6));
    /// # }
    /// ```
    pub fn then<F>(self, f: F) -> ServiceBuilder<Stack<ThenLayer<F>, L>> {
        self.layer(ThenLayer::new(f))
    }

    /// Adds an [`AndThenLayer`]: each successful response goes to the asynchronous `f`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{ServiceBuilder, ServiceExt};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc = ServiceBuilder::new()
    ///     .and_then(|x: u8| async move { Ok::<_, ()>(x + 10) })
    ///     .service_fn(|x: u8| async move { Ok::<_, ()>(x) });
    /// assert_eq!(svc.oneshot(1).await, Ok(11));
    /// # }
    /// ```
    pub fn and_then<F>(self, f: F) -> ServiceBuilder<Stack<AndThenLayer<F>, L>> {
        self.layer(AndThenLayer::new(f))
    }

    /// Returns the composed layer.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{Layer, ServiceBuilder, ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let layer = ServiceBuilder::new().map_request(|x: u8| x + 1).into_inner();
    /// let svc = layer.layer(service_fn(|x: u8| async move { Ok::<_, ()>(x) }));
    /// assert_eq!(svc.oneshot(1).await, Ok(2));
    /// # }
    /// ```
    pub fn into_inner(self) -> L {
        self.layer
    }

    /// Wraps `service` in every layer of the builder.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{ServiceBuilder, ServiceExt, service_fn};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let builder = ServiceBuilder::new().map_response(|x: u8| x * 2);
    /// let a = builder.service(service_fn(|x: u8| async move { Ok::<_, ()>(x) }));
    /// let b = builder.service(service_fn(|x: u8| async move { Ok::<_, ()>(x + 1) }));
    /// assert_eq!(a.oneshot(1).await, Ok(2));
    /// assert_eq!(b.oneshot(1).await, Ok(4));
    /// # }
    /// ```
    pub fn service<S>(&self, service: S) -> L::Service
    where
        L: Layer<S>,
    {
        self.layer.layer(service)
    }

    /// Wraps a [`service_fn`] made from `f` in every layer of the builder.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{ServiceBuilder, ServiceExt};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc = ServiceBuilder::new().service_fn(|x: u8| async move { Ok::<_, ()>(x) });
    /// assert_eq!(svc.oneshot(5).await, Ok(5));
    /// # }
    /// ```
    pub fn service_fn<F>(self, f: F) -> L::Service
    where
        L: Layer<ServiceFn<F>>,
    {
        self.service(service_fn(f))
    }

    /// Fails to compile unless the builder (all its layers) is `Clone`.
    ///
    /// A debugging aid: put it after each layer to find the one that breaks `Clone`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::ServiceBuilder;
    ///
    /// let _builder = ServiceBuilder::new().map_request(|x: u8| x).check_clone();
    /// ```
    #[must_use]
    pub fn check_clone(self) -> Self
    where
        Self: Clone,
    {
        self
    }

    /// Fails to compile unless the service built around an `S` is `Clone`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::ServiceBuilder;
    /// use spire_service::util::ServiceFn;
    ///
    /// type Handler = ServiceFn<fn(u8) -> std::future::Ready<Result<u8, ()>>>;
    /// let _builder = ServiceBuilder::new()
    ///     .map_request(|x: u8| x)
    ///     .check_service_clone::<Handler>();
    /// ```
    #[must_use]
    pub fn check_service_clone<S>(self) -> Self
    where
        L: Layer<S>,
        L::Service: Clone,
    {
        self
    }

    /// Fails to compile unless the service built around an `S` is a
    /// `Service<T, Response = U, Error = E>`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::ServiceBuilder;
    /// use spire_service::util::ServiceFn;
    ///
    /// type Handler = ServiceFn<fn(u8) -> std::future::Ready<Result<u8, ()>>>;
    /// let _builder = ServiceBuilder::new()
    ///     .map_request(|s: &str| s.len() as u8)
    ///     .check_service::<Handler, &str, u8, ()>();
    /// ```
    #[must_use]
    pub fn check_service<S, T, U, E>(self) -> Self
    where
        L: Layer<S>,
        L::Service: Service<T, Response = U, Error = E>,
    {
        self
    }

    /// Adds a layer that boxes the service built so far into a [`BoxService`].
    ///
    /// Like every layer it wraps whatever the later layers build, so it usually comes
    /// first: the builder then returns a plain `BoxService` whatever the layers below it.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{BoxService, ServiceBuilder, ServiceExt};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc: BoxService<u8, u8, ()> = ServiceBuilder::new()
    ///     .boxed()
    ///     .map_request(|x: u8| x + 1)
    ///     .service_fn(|x: u8| async move { Ok(x) });
    /// assert_eq!(svc.oneshot(1).await, Ok(2));
    /// # }
    /// ```
    pub fn boxed<S, R>(self) -> ServiceBuilder<Stack<BoxServiceFn<L::Service, R>, L>>
    where
        L: Layer<S>,
        L::Service: Service<R> + Send + 'static,
        <L::Service as Service<R>>::Future: Send + 'static,
    {
        self.layer(BoxService::layer())
    }

    /// Adds a layer that boxes the service built so far into a [`BoxCloneService`].
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{BoxCloneService, ServiceBuilder, ServiceExt};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc: BoxCloneService<u8, u8, ()> = ServiceBuilder::new()
    ///     .boxed_clone()
    ///     .service_fn(|x: u8| async move { Ok(x) });
    /// assert_eq!(svc.clone().oneshot(3).await, Ok(3));
    /// # }
    /// ```
    pub fn boxed_clone<S, R>(self) -> ServiceBuilder<Stack<BoxCloneServiceFn<L::Service, R>, L>>
    where
        L: Layer<S>,
        L::Service: Service<R> + Clone + Send + 'static,
        <L::Service as Service<R>>::Future: Send + 'static,
    {
        self.layer(BoxCloneService::layer())
    }

    /// Adds a layer that boxes the service built so far into a [`BoxCloneSyncService`].
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{BoxCloneSyncService, ServiceBuilder, ServiceExt};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc: BoxCloneSyncService<u8, u8, ()> = ServiceBuilder::new()
    ///     .boxed_clone_sync()
    ///     .service_fn(|x: u8| async move { Ok(x) });
    /// assert_eq!(svc.oneshot(3).await, Ok(3));
    /// # }
    /// ```
    pub fn boxed_clone_sync<S, R>(
        self,
    ) -> ServiceBuilder<Stack<BoxCloneSyncServiceFn<L::Service, R>, L>>
    where
        L: Layer<S>,
        L::Service: Service<R> + Clone + Send + Sync + 'static,
        <L::Service as Service<R>>::Future: Send + 'static,
    {
        self.layer(BoxCloneSyncService::layer())
    }
}

impl<S, L> Layer<S> for ServiceBuilder<L>
where
    L: Layer<S>,
{
    type Service = L::Service;

    #[inline]
    fn layer(&self, inner: S) -> Self::Service {
        self.layer.layer(inner)
    }
}

impl<L: fmt::Debug> fmt::Debug for ServiceBuilder<L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ServiceBuilder").field(&self.layer).finish()
    }
}

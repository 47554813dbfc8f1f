//! Middleware as values: the [`Layer`] trait, [`Identity`], [`Stack`] and [`layer_fn`].
//!
//! A [`Layer`] takes a service and returns a new service wrapped around it. Writing a
//! middleware means writing two types: the wrapping service (`Timeout<S>`) and the layer that
//! builds it (`TimeoutLayer`), which holds the configuration and can be applied to many
//! services. [`ServiceBuilder`](crate::ServiceBuilder) composes layers; this module holds the
//! pieces it is made of.

use std::fmt;

/// Wraps a service in another service: a middleware factory.
///
/// A layer holds the middleware's configuration (a duration, a limit, a closure) and builds
/// the wrapping service from it each time [`layer`](Layer::layer) is called. It takes
/// `&self`, so one layer value can wrap any number of services: one per connection, for
/// instance.
///
/// Layers are composed with [`ServiceBuilder`](crate::ServiceBuilder) (or by hand with
/// [`Stack`]); `&L` is a layer when `L` is.
///
/// # Examples
///
/// A layer that counts the requests going through its service:
///
/// ```
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use std::task::{Context, Poll};
///
/// use spire_service::{Layer, Service, ServiceExt, service_fn};
///
/// struct CountLayer { count: Arc<AtomicUsize> }
///
/// impl<S> Layer<S> for CountLayer {
///     type Service = Count<S>;
///     fn layer(&self, inner: S) -> Count<S> {
///         Count { inner, count: Arc::clone(&self.count) }
///     }
/// }
///
/// struct Count<S> { inner: S, count: Arc<AtomicUsize> }
///
/// impl<S: Service<R>, R> Service<R> for Count<S> {
///     type Response = S::Response;
///     type Error = S::Error;
///     type Future = S::Future;
///     fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
///         self.inner.poll_ready(cx) // forward readiness: never answer for the inner service
///     }
///     fn call(&mut self, req: R) -> S::Future {
///         self.count.fetch_add(1, Ordering::Relaxed);
///         self.inner.call(req)
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let count = Arc::new(AtomicUsize::new(0));
/// let layer = CountLayer { count: Arc::clone(&count) };
/// let svc = layer.layer(service_fn(|x: u8| async move { Ok::<_, ()>(x) }));
/// assert_eq!(svc.oneshot(7).await, Ok(7));
/// assert_eq!(count.load(Ordering::Relaxed), 1);
/// # }
/// ```
pub trait Layer<S> {
    /// The service this layer builds around an `S`.
    type Service;

    /// Wraps `inner` in this layer's service.
    fn layer(&self, inner: S) -> Self::Service;
}

/// A borrowed layer wraps services as the layer it points to does.
impl<L, S> Layer<S> for &L
where
    L: Layer<S> + ?Sized,
{
    type Service = L::Service;

    #[inline]
    fn layer(&self, inner: S) -> L::Service {
        (**self).layer(inner)
    }
}

/// The layer that does nothing: it returns the service it is given.
///
/// [`ServiceBuilder::new`](crate::ServiceBuilder::new) starts from it, and
/// [`option_layer`](crate::ServiceBuilder::option_layer) uses it for `None`.
///
/// # Examples
///
/// ```
/// use spire_service::Layer;
/// use spire_service::layer::Identity;
///
/// let unchanged: u32 = Identity::new().layer(7);
/// assert_eq!(unchanged, 7);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Identity {
    _private: (),
}

impl Identity {
    /// Creates the identity layer.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::layer::Identity;
    ///
    /// let _identity = Identity::new();
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self { _private: () }
    }
}

impl<S> Layer<S> for Identity {
    type Service = S;

    #[inline]
    fn layer(&self, inner: S) -> S {
        inner
    }
}

/// Two layers applied one after the other: `inner` first, then `outer` around the result.
///
/// `Stack::new(inner, outer).layer(svc)` is `outer.layer(inner.layer(svc))`, so requests
/// reach `outer`'s service first. [`ServiceBuilder`](crate::ServiceBuilder) builds a chain
/// of `Stack`s in which the first layer added is the outermost.
///
/// # Examples
///
/// ```
/// use spire_service::{Layer, ServiceExt, service_fn};
/// use spire_service::layer::Stack;
/// use spire_service::util::MapRequestLayer;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let add_one = MapRequestLayer::new(|x: i32| x + 1);
/// let double = MapRequestLayer::new(|x: i32| x * 2);
/// // `double` is outer: it sees the request first.
/// let stack = Stack::new(add_one, double);
/// let svc = stack.layer(service_fn(|x: i32| async move { Ok::<_, ()>(x) }));
/// assert_eq!(svc.oneshot(5).await, Ok(11)); // (5 * 2) + 1
/// # }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Stack<Inner, Outer> {
    inner: Inner,
    outer: Outer,
}

impl<Inner, Outer> Stack<Inner, Outer> {
    /// Stacks `outer` on top of `inner`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::Layer;
    /// use spire_service::layer::{Identity, Stack};
    ///
    /// let stack = Stack::new(Identity::new(), Identity::new());
    /// assert_eq!(stack.layer("svc"), "svc");
    /// ```
    #[must_use]
    pub const fn new(inner: Inner, outer: Outer) -> Self {
        Self { inner, outer }
    }
}

impl<S, Inner, Outer> Layer<S> for Stack<Inner, Outer>
where
    Inner: Layer<S>,
    Outer: Layer<Inner::Service>,
{
    type Service = Outer::Service;

    #[inline]
    fn layer(&self, service: S) -> Outer::Service {
        self.outer.layer(self.inner.layer(service))
    }
}

/// Makes a [`Layer`] from a closure that wraps a service.
///
/// The closure is called once per [`layer`](Layer::layer) call with the service to wrap.
/// It is the quickest way to apply a middleware whose constructor already exists.
///
/// # Examples
///
/// ```
/// use spire_service::{Layer, ServiceExt, layer_fn, service_fn};
/// use spire_service::util::MapResponse;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let shout = layer_fn(|inner| MapResponse::new(inner, |s: String| s.to_uppercase()));
/// let svc = shout.layer(service_fn(|name: &'static str| async move { Ok::<_, ()>(format!("hi {name}")) }));
/// assert_eq!(svc.oneshot("ana").await, Ok("HI ANA".to_owned()));
/// # }
/// ```
pub const fn layer_fn<F>(f: F) -> LayerFn<F> {
    LayerFn { f }
}

/// The [`Layer`] returned by [`layer_fn`].
///
/// # Examples
///
/// ```
/// use spire_service::Layer;
/// use spire_service::layer::{LayerFn, layer_fn};
///
/// let wrap: LayerFn<_> = layer_fn(|inner: u8| (inner, "wrapped"));
/// assert_eq!(wrap.layer(1), (1, "wrapped"));
/// ```
#[derive(Clone, Copy)]
pub struct LayerFn<F> {
    f: F,
}

impl<F, S, Out> Layer<S> for LayerFn<F>
where
    F: Fn(S) -> Out,
{
    type Service = Out;

    #[inline]
    fn layer(&self, inner: S) -> Out {
        (self.f)(inner)
    }
}

impl<F> fmt::Debug for LayerFn<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LayerFn")
            .field("f", &format_args!("{}", std::any::type_name::<F>()))
            .finish()
    }
}

//! [`MapErr`]: change the error type, from `poll_ready` and from the response future.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_util::TryFuture;
use pin_project_lite::pin_project;

use crate::{Layer, Service};

/// A service that passes every error, from `poll_ready` and from responses, through a closure.
///
/// Successful responses go through untouched. The closure is cloned for each use, so it
/// must be `Clone`. A typical use is converting an inner error into
/// [`BoxError`](crate::BoxError) or into the application's error type. Built by
/// [`ServiceExt::map_err`](crate::ServiceExt::map_err),
/// [`ServiceBuilder::map_err`](crate::ServiceBuilder::map_err) or
/// [`MapErrLayer`].
///
/// # Examples
///
/// ```
/// use spire_service::{ServiceExt, service_fn};
/// use spire_service::util::MapErr;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let fail = service_fn(|s: &'static str| async move { Err::<(), _>(s) });
/// let svc = MapErr::new(fail, |s: &str| s.len());
/// assert_eq!(svc.oneshot("four").await, Err(4));
/// # }
/// ```
#[derive(Clone, Copy)]
pub struct MapErr<S, F> {
    inner: S,
    f: F,
}

impl<S, F> MapErr<S, F> {
    /// Wraps `inner` so that every error goes through `f`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{ServiceExt, service_fn};
    /// use spire_service::util::MapErr;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc = MapErr::new(service_fn(|x: u8| async move { Err::<(), _>(x) }), |x: u8| x * 10);
    /// assert_eq!(svc.oneshot(2).await, Err(20));
    /// # }
    /// ```
    pub const fn new(inner: S, f: F) -> Self {
        Self { inner, f }
    }

    /// Returns a [`Layer`] that wraps services in `MapErr` with a clone of `f`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{Layer, ServiceExt, service_fn};
    /// use spire_service::util::MapErr;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// // The service parameter plays no part here; `MapErrLayer::new` is the same.
    /// let layer = MapErr::<(), _>::layer(|x: u8| x + 1);
    /// let svc = layer.layer(service_fn(|x: u8| async move { Err::<(), _>(x) }));
    /// assert_eq!(svc.oneshot(1).await, Err(2));
    /// # }
    /// ```
    pub const fn layer(f: F) -> MapErrLayer<F> {
        MapErrLayer { f }
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
/// Ready exactly when the inner service is; a `poll_ready` error goes through `f` too.
impl<S, F, Request, Error> Service<Request> for MapErr<S, F>
where
    S: Service<Request>,
    F: FnOnce(S::Error) -> Error + Clone,
{
    type Response = S::Response;
    type Error = Error;
    type Future = MapErrFuture<S::Future, F>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx).map_err(self.f.clone())
    }

    #[inline]
    fn call(&mut self, request: Request) -> Self::Future {
        MapErrFuture::new(self.inner.call(request), self.f.clone())
    }
}

impl<S: fmt::Debug, F> fmt::Debug for MapErr<S, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MapErr")
            .field("inner", &self.inner)
            .field("f", &format_args!("{}", std::any::type_name::<F>()))
            .finish()
    }
}

/// A [`Layer`] that wraps services in [`MapErr`].
///
/// # Examples
///
/// ```
/// use spire_service::{ServiceBuilder, ServiceExt};
/// use spire_service::util::MapErrLayer;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let svc = ServiceBuilder::new()
///     .layer(MapErrLayer::new(|n: usize| format!("error {n}")))
///     .service_fn(|s: &'static str| async move { Err::<(), _>(s.len()) });
/// assert_eq!(svc.oneshot("ab").await, Err("error 2".to_owned()));
/// # }
/// ```
#[derive(Clone, Copy)]
pub struct MapErrLayer<F> {
    f: F,
}

impl<F> MapErrLayer<F> {
    /// Creates a layer that maps every error with `f`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::util::MapErrLayer;
    ///
    /// let _layer = MapErrLayer::new(|x: u32| x.to_string());
    /// ```
    pub const fn new(f: F) -> Self {
        Self { f }
    }
}

impl<S, F: Clone> Layer<S> for MapErrLayer<F> {
    type Service = MapErr<S, F>;

    #[inline]
    fn layer(&self, inner: S) -> Self::Service {
        MapErr::new(inner, self.f.clone())
    }
}

impl<F> fmt::Debug for MapErrLayer<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MapErrLayer")
            .field("f", &format_args!("{}", std::any::type_name::<F>()))
            .finish()
    }
}

pin_project! {
    /// The response future of [`MapErr`]: the inner future, then `f` on its `Err` value.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{Service, ServiceExt, service_fn};
    /// use spire_service::util::future::MapErrFuture;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut svc = service_fn(|x: u8| async move { Err::<(), _>(x) }).map_err(|x| x + 1);
    /// let future: MapErrFuture<_, _> = svc.ready().await.unwrap().call(1);
    /// assert_eq!(future.await, Err(2));
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// May panic if polled again after it returned `Poll::Ready`, as futures may.
    ///
    /// # Cancel safety
    ///
    /// Dropping it drops the inner future, which cancels the request as the inner service
    /// defines; `f` is then never called.
    pub struct MapErrFuture<F, N> {
        #[pin]
        inner: F,
        f: Option<N>,
    }
}

impl<F, N> MapErrFuture<F, N> {
    #[inline]
    pub(crate) const fn new(inner: F, f: N) -> Self {
        Self { inner, f: Some(f) }
    }
}

impl<F, N, E> Future for MapErrFuture<F, N>
where
    F: TryFuture,
    N: FnOnce(F::Error) -> E,
{
    type Output = Result<F::Ok, E>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let result = ready!(this.inner.try_poll(cx));
        let f = this.f.take().expect("MapErrFuture polled after completion");
        Poll::Ready(result.map_err(f))
    }
}

impl<F: fmt::Debug, N> fmt::Debug for MapErrFuture<F, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MapErrFuture")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

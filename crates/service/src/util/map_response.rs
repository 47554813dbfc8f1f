//! [`MapResponse`]: change a successful response after the inner service produced it.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_util::TryFuture;
use pin_project_lite::pin_project;

use crate::{Layer, Service};

/// A service that passes each successful response through a closure.
///
/// Errors go through untouched. The closure is cloned into each response future, so it
/// must be `Clone` (a closure that captures nothing, or only `Clone` values, is). Built by
/// [`ServiceExt::map_response`](crate::ServiceExt::map_response),
/// [`ServiceBuilder::map_response`](crate::ServiceBuilder::map_response) or
/// [`MapResponseLayer`].
///
/// # Examples
///
/// ```
/// use spire_service::{ServiceExt, service_fn};
/// use spire_service::util::MapResponse;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let echo = service_fn(|s: &'static str| async move { Ok::<_, ()>(s) });
/// let svc = MapResponse::new(echo, |s: &str| s.len());
/// assert_eq!(svc.oneshot("four").await, Ok(4));
/// # }
/// ```
#[derive(Clone, Copy)]
pub struct MapResponse<S, F> {
    inner: S,
    f: F,
}

impl<S, F> MapResponse<S, F> {
    /// Wraps `inner` so that every successful response goes through `f`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{ServiceExt, service_fn};
    /// use spire_service::util::MapResponse;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let svc = MapResponse::new(service_fn(|x: u8| async move { Ok::<_, ()>(x) }), |x: u8| x * 10);
    /// assert_eq!(svc.oneshot(2).await, Ok(20));
    /// # }
    /// ```
    pub const fn new(inner: S, f: F) -> Self {
        Self { inner, f }
    }

    /// Returns a [`Layer`] that wraps services in `MapResponse` with a clone of `f`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{Layer, ServiceExt, service_fn};
    /// use spire_service::util::MapResponse;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// // The service parameter plays no part here; `MapResponseLayer::new` is the same.
    /// let layer = MapResponse::<(), _>::layer(|x: u8| x + 1);
    /// let svc = layer.layer(service_fn(|x: u8| async move { Ok::<_, ()>(x) }));
    /// assert_eq!(svc.oneshot(1).await, Ok(2));
    /// # }
    /// ```
    pub const fn layer(f: F) -> MapResponseLayer<F> {
        MapResponseLayer { f }
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
/// Ready exactly when the inner service is; `poll_ready` forwards to it.
impl<S, F, Request, Response> Service<Request> for MapResponse<S, F>
where
    S: Service<Request>,
    F: FnOnce(S::Response) -> Response + Clone,
{
    type Response = Response;
    type Error = S::Error;
    type Future = MapResponseFuture<S::Future, F>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    #[inline]
    fn call(&mut self, request: Request) -> Self::Future {
        MapResponseFuture::new(self.inner.call(request), self.f.clone())
    }
}

impl<S: fmt::Debug, F> fmt::Debug for MapResponse<S, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MapResponse")
            .field("inner", &self.inner)
            .field("f", &format_args!("{}", std::any::type_name::<F>()))
            .finish()
    }
}

/// A [`Layer`] that wraps services in [`MapResponse`].
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
///     .layer(MapResponseLayer::new(|n: usize| n == 0))
///     .service_fn(|s: &'static str| async move { Ok::<_, ()>(s.len()) });
/// assert_eq!(svc.oneshot("").await, Ok(true));
/// # }
/// ```
#[derive(Clone, Copy)]
pub struct MapResponseLayer<F> {
    f: F,
}

impl<F> MapResponseLayer<F> {
    /// Creates a layer that maps every successful response with `f`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::util::MapResponseLayer;
    ///
    /// let _layer = MapResponseLayer::new(|x: u32| x.to_string());
    /// ```
    pub const fn new(f: F) -> Self {
        Self { f }
    }
}

impl<S, F: Clone> Layer<S> for MapResponseLayer<F> {
    type Service = MapResponse<S, F>;

    #[inline]
    fn layer(&self, inner: S) -> Self::Service {
        MapResponse::new(inner, self.f.clone())
    }
}

impl<F> fmt::Debug for MapResponseLayer<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MapResponseLayer")
            .field("f", &format_args!("{}", std::any::type_name::<F>()))
            .finish()
    }
}

pin_project! {
    /// The response future of [`MapResponse`]: the inner future, then `f` on its `Ok` value.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{Service, ServiceExt, service_fn};
    /// use spire_service::util::future::MapResponseFuture;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut svc = service_fn(|x: u8| async move { Ok::<_, ()>(x) }).map_response(|x| x + 1);
    /// let future: MapResponseFuture<_, _> = svc.ready().await.unwrap().call(1);
    /// assert_eq!(future.await, Ok(2));
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
    pub struct MapResponseFuture<F, N> {
        #[pin]
        inner: F,
        f: Option<N>,
    }
}

impl<F, N> MapResponseFuture<F, N> {
    #[inline]
    pub(crate) const fn new(inner: F, f: N) -> Self {
        Self { inner, f: Some(f) }
    }
}

impl<F, N, T> Future for MapResponseFuture<F, N>
where
    F: TryFuture,
    N: FnOnce(F::Ok) -> T,
{
    type Output = Result<T, F::Error>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let result = ready!(this.inner.try_poll(cx));
        let f = this
            .f
            .take()
            .expect("MapResponseFuture polled after completion");
        Poll::Ready(result.map(f))
    }
}

impl<F: fmt::Debug, N> fmt::Debug for MapResponseFuture<F, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MapResponseFuture")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

//! [`MapRequest`]: change the request before the inner service sees it.

use std::fmt;
use std::task::{Context, Poll};

use crate::{Layer, Service};

/// A service that passes each request through a closure before calling the inner service.
///
/// The closure runs synchronously inside [`call`](Service::call); the inner service's future
/// is returned unchanged, so this adds no future type and no allocation. Built by
/// [`ServiceExt::map_request`](crate::ServiceExt::map_request),
/// [`ServiceBuilder::map_request`](crate::ServiceBuilder::map_request) or
/// [`MapRequestLayer`].
///
/// # Examples
///
/// ```
/// use spire_service::{ServiceExt, service_fn};
/// use spire_service::util::MapRequest;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let len = service_fn(|s: String| async move { Ok::<_, ()>(s.len()) });
/// let svc = MapRequest::new(len, |n: u32| "x".repeat(n as usize));
/// assert_eq!(svc.oneshot(3).await, Ok(3));
/// # }
/// ```
#[derive(Clone, Copy)]
pub struct MapRequest<S, F> {
    inner: S,
    f: F,
}

impl<S, F> MapRequest<S, F> {
    /// Wraps `inner` so that every request goes through `f` first.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{ServiceExt, service_fn};
    /// use spire_service::util::MapRequest;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let echo = service_fn(|x: i64| async move { Ok::<_, ()>(x) });
    /// let negate = MapRequest::new(echo, |x: i64| -x);
    /// assert_eq!(negate.oneshot(4).await, Ok(-4));
    /// # }
    /// ```
    pub const fn new(inner: S, f: F) -> Self {
        Self { inner, f }
    }

    /// Returns a [`Layer`] that wraps services in `MapRequest` with a clone of `f`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::{Layer, ServiceExt, service_fn};
    /// use spire_service::util::MapRequest;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// // The service parameter plays no part here; `MapRequestLayer::new` is the same.
    /// let layer = MapRequest::<(), _>::layer(|x: u8| x + 1);
    /// let svc = layer.layer(service_fn(|x: u8| async move { Ok::<_, ()>(x) }));
    /// assert_eq!(svc.oneshot(1).await, Ok(2));
    /// # }
    /// ```
    pub const fn layer(f: F) -> MapRequestLayer<F> {
        MapRequestLayer { f }
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
impl<S, F, R1, R2> Service<R1> for MapRequest<S, F>
where
    S: Service<R2>,
    F: FnMut(R1) -> R2,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    #[inline]
    fn call(&mut self, request: R1) -> S::Future {
        self.inner.call((self.f)(request))
    }
}

impl<S: fmt::Debug, F> fmt::Debug for MapRequest<S, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MapRequest")
            .field("inner", &self.inner)
            .field("f", &format_args!("{}", std::any::type_name::<F>()))
            .finish()
    }
}

/// A [`Layer`] that wraps services in [`MapRequest`].
///
/// # Examples
///
/// ```
/// use spire_service::{ServiceBuilder, ServiceExt};
/// use spire_service::util::MapRequestLayer;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let svc = ServiceBuilder::new()
///     .layer(MapRequestLayer::new(|s: &str| s.trim().to_owned()))
///     .service_fn(|s: String| async move { Ok::<_, ()>(s) });
/// assert_eq!(svc.oneshot("  padded ").await, Ok("padded".to_owned()));
/// # }
/// ```
#[derive(Clone, Copy)]
pub struct MapRequestLayer<F> {
    f: F,
}

impl<F> MapRequestLayer<F> {
    /// Creates a layer that maps every request with `f`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_service::util::MapRequestLayer;
    ///
    /// let _layer = MapRequestLayer::new(|x: u32| x.to_string());
    /// ```
    pub const fn new(f: F) -> Self {
        Self { f }
    }
}

impl<S, F: Clone> Layer<S> for MapRequestLayer<F> {
    type Service = MapRequest<S, F>;

    #[inline]
    fn layer(&self, inner: S) -> Self::Service {
        MapRequest::new(inner, self.f.clone())
    }
}

impl<F> fmt::Debug for MapRequestLayer<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MapRequestLayer")
            .field("f", &format_args!("{}", std::any::type_name::<F>()))
            .finish()
    }
}

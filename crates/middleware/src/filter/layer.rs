//! [`FilterLayer`] and [`AsyncFilterLayer`].

use std::fmt;

use spire_service::Layer;

use super::{AsyncFilter, Filter};

/// A [`Layer`] that wraps services in [`Filter`] with a clone of one predicate.
///
/// # Examples
///
/// ```
/// use spire_middleware::filter::FilterLayer;
/// use spire_service::{BoxError, ServiceBuilder, ServiceExt};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let svc = ServiceBuilder::new()
///     .layer(FilterLayer::new(|x: u32| if x < 100 { Ok(x) } else { Err("too big") }))
///     .service_fn(|x: u32| async move { Ok::<_, BoxError>(x) });
/// assert!(svc.oneshot(500).await.is_err());
/// # }
/// ```
#[derive(Clone, Copy)]
pub struct FilterLayer<P> {
    predicate: P,
}

impl<P> FilterLayer<P> {
    /// Creates a layer that filters requests with `predicate`.
    ///
    /// # Examples
    ///
    /// ```
    /// let _layer = spire_middleware::filter::FilterLayer::new(|x: u8| Ok::<_, std::io::Error>(x));
    /// ```
    pub const fn new(predicate: P) -> Self {
        Self { predicate }
    }
}

impl<S, P: Clone> Layer<S> for FilterLayer<P> {
    type Service = Filter<S, P>;

    fn layer(&self, inner: S) -> Filter<S, P> {
        Filter::new(inner, self.predicate.clone())
    }
}

/// A [`Layer`] that wraps services in [`AsyncFilter`] with a clone of one predicate.
///
/// # Examples
///
/// ```
/// use spire_middleware::filter::AsyncFilterLayer;
/// use spire_service::{BoxError, ServiceBuilder, ServiceExt};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let svc = ServiceBuilder::new()
///     .layer(AsyncFilterLayer::new(|x: u32| async move { if x < 100 { Ok(x) } else { Err("too big") } }))
///     .service_fn(|x: u32| async move { Ok::<_, BoxError>(x) });
/// assert_eq!(svc.oneshot(5).await.unwrap(), 5);
/// # }
/// ```
#[derive(Clone, Copy)]
pub struct AsyncFilterLayer<P> {
    predicate: P,
}

impl<P> AsyncFilterLayer<P> {
    /// Creates a layer that filters requests with the asynchronous `predicate`.
    ///
    /// # Examples
    ///
    /// ```
    /// let _layer = spire_middleware::filter::AsyncFilterLayer::new(|x: u8| async move { Ok::<_, std::io::Error>(x) });
    /// ```
    pub const fn new(predicate: P) -> Self {
        Self { predicate }
    }
}

impl<S, P: Clone> Layer<S> for AsyncFilterLayer<P> {
    type Service = AsyncFilter<S, P>;

    fn layer(&self, inner: S) -> AsyncFilter<S, P> {
        AsyncFilter::new(inner, self.predicate.clone())
    }
}

impl<P> fmt::Debug for FilterLayer<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FilterLayer")
            .field("predicate", &format_args!("{}", std::any::type_name::<P>()))
            .finish()
    }
}

impl<P> fmt::Debug for AsyncFilterLayer<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncFilterLayer")
            .field("predicate", &format_args!("{}", std::any::type_name::<P>()))
            .finish()
    }
}

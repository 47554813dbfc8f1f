//! [`MapResponseBodyLayer`].

use std::fmt;

use spire_service::Layer;

use super::MapResponseBody;

/// A [`Layer`] that wraps services in [`MapResponseBody`].
///
/// # Examples
///
/// ```
/// use spire_body::{BodyExt, Full};
/// use spire_middleware::http::map_response_body::MapResponseBodyLayer;
///
/// let _layer = MapResponseBodyLayer::new(|body: Full<bytes::Bytes>| body.boxed());
/// ```
#[derive(Clone)]
pub struct MapResponseBodyLayer<F> {
    f: F,
}

impl<F> MapResponseBodyLayer<F> {
    /// Creates a layer whose services replace each response body `b` with `f(b)`.
    ///
    /// # Examples
    ///
    /// ```
    /// let _layer = spire_middleware::http::map_response_body::MapResponseBodyLayer::new(|body: String| body.into_bytes());
    /// ```
    pub const fn new(f: F) -> Self {
        Self { f }
    }
}

impl<S, F: Clone> Layer<S> for MapResponseBodyLayer<F> {
    type Service = MapResponseBody<S, F>;

    fn layer(&self, inner: S) -> MapResponseBody<S, F> {
        MapResponseBody::new(inner, self.f.clone())
    }
}

impl<F> fmt::Debug for MapResponseBodyLayer<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MapResponseBodyLayer")
            .finish_non_exhaustive()
    }
}

//! [`MapRequestBodyLayer`].

use std::fmt;

use spire_service::Layer;

use super::MapRequestBody;

/// A [`Layer`] that wraps services in [`MapRequestBody`].
///
/// # Examples
///
/// ```
/// use spire_body::{BodyExt, Full};
/// use spire_middleware::http::map_request_body::MapRequestBodyLayer;
///
/// let _layer = MapRequestBodyLayer::new(|body: Full<bytes::Bytes>| body.boxed());
/// ```
#[derive(Clone)]
pub struct MapRequestBodyLayer<F> {
    f: F,
}

impl<F> MapRequestBodyLayer<F> {
    /// Creates a layer whose services replace each request body `b` with `f(b)`.
    ///
    /// # Examples
    ///
    /// ```
    /// let _layer = spire_middleware::http::map_request_body::MapRequestBodyLayer::new(|body: String| body.into_bytes());
    /// ```
    pub const fn new(f: F) -> Self {
        Self { f }
    }
}

impl<S, F: Clone> Layer<S> for MapRequestBodyLayer<F> {
    type Service = MapRequestBody<S, F>;

    fn layer(&self, inner: S) -> MapRequestBody<S, F> {
        MapRequestBody::new(inner, self.f.clone())
    }
}

impl<F> fmt::Debug for MapRequestBodyLayer<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MapRequestBodyLayer")
            .finish_non_exhaustive()
    }
}

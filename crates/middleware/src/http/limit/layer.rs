//! [`RequestBodyLimitLayer`].

use spire_service::Layer;

use super::RequestBodyLimit;

/// A [`Layer`] that wraps services in [`RequestBodyLimit`], all with the same limit.
///
/// # Examples
///
/// ```
/// use spire_middleware::http::limit::RequestBodyLimitLayer;
///
/// // 2 MiB
/// let _layer = RequestBodyLimitLayer::new(2 * 1024 * 1024);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct RequestBodyLimitLayer {
    limit: usize,
}

impl RequestBodyLimitLayer {
    /// Creates a layer whose services accept request bodies of at most `limit` bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// let _layer = spire_middleware::http::limit::RequestBodyLimitLayer::new(1024);
    /// ```
    #[must_use]
    pub const fn new(limit: usize) -> Self {
        Self { limit }
    }
}

impl<S> Layer<S> for RequestBodyLimitLayer {
    type Service = RequestBodyLimit<S>;

    fn layer(&self, inner: S) -> RequestBodyLimit<S> {
        RequestBodyLimit::new(inner, self.limit)
    }
}

//! [`PropagateHeaderLayer`].

use http::HeaderName;
use spire_service::Layer;

use super::PropagateHeader;

/// A [`Layer`] that wraps services in [`PropagateHeader`].
///
/// # Examples
///
/// ```
/// use http::HeaderName;
/// use spire_middleware::http::propagate_header::PropagateHeaderLayer;
///
/// let _layer = PropagateHeaderLayer::new(HeaderName::from_static("x-trace"));
/// ```
#[derive(Clone, Debug)]
pub struct PropagateHeaderLayer {
    header_name: HeaderName,
}

impl PropagateHeaderLayer {
    /// Creates a layer whose services copy `header_name` from each request to its response.
    ///
    /// # Examples
    ///
    /// ```
    /// let _layer = spire_middleware::http::propagate_header::PropagateHeaderLayer::new(
    ///     http::header::ACCEPT_LANGUAGE,
    /// );
    /// ```
    #[must_use]
    pub fn new(header_name: HeaderName) -> Self {
        Self { header_name }
    }
}

impl<S> Layer<S> for PropagateHeaderLayer {
    type Service = PropagateHeader<S>;

    fn layer(&self, inner: S) -> PropagateHeader<S> {
        PropagateHeader::new(inner, self.header_name.clone())
    }
}

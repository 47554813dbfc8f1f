//! [`SetRequestIdLayer`] and [`PropagateRequestIdLayer`].

use http::HeaderName;
use spire_service::Layer;

use super::{PropagateRequestId, SetRequestId, X_REQUEST_ID};

/// A [`Layer`] that wraps services in [`SetRequestId`].
///
/// # Examples
///
/// ```
/// use spire_middleware::http::request_id::{MakeRequestHex, SetRequestIdLayer};
///
/// let _layer = SetRequestIdLayer::x_request_id(MakeRequestHex::new());
/// ```
#[derive(Clone, Debug)]
pub struct SetRequestIdLayer<M> {
    header_name: HeaderName,
    make: M,
}

impl<M> SetRequestIdLayer<M> {
    /// Creates a layer whose services give requests without `header_name` an id from `make`.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::HeaderName;
    /// use spire_middleware::http::request_id::{MakeRequestHex, SetRequestIdLayer};
    ///
    /// let _layer = SetRequestIdLayer::new(HeaderName::from_static("x-correlation-id"), MakeRequestHex::new());
    /// ```
    pub fn new(header_name: HeaderName, make: M) -> Self {
        Self { header_name, make }
    }

    /// Creates a layer that uses the `x-request-id` header.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::request_id::{MakeRequestHex, SetRequestIdLayer};
    ///
    /// let _layer = SetRequestIdLayer::x_request_id(MakeRequestHex::new());
    /// ```
    pub fn x_request_id(make: M) -> Self {
        Self::new(X_REQUEST_ID, make)
    }
}

impl<S, M: Clone> Layer<S> for SetRequestIdLayer<M> {
    type Service = SetRequestId<S, M>;

    fn layer(&self, inner: S) -> SetRequestId<S, M> {
        SetRequestId::new(inner, self.header_name.clone(), self.make.clone())
    }
}

/// A [`Layer`] that wraps services in [`PropagateRequestId`].
///
/// # Examples
///
/// ```
/// use spire_middleware::http::request_id::PropagateRequestIdLayer;
///
/// let _layer = PropagateRequestIdLayer::x_request_id();
/// ```
#[derive(Clone, Debug)]
pub struct PropagateRequestIdLayer {
    header_name: HeaderName,
}

impl PropagateRequestIdLayer {
    /// Creates a layer whose services copy `header_name` from each request to its response.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::HeaderName;
    /// use spire_middleware::http::request_id::PropagateRequestIdLayer;
    ///
    /// let _layer = PropagateRequestIdLayer::new(HeaderName::from_static("x-correlation-id"));
    /// ```
    #[must_use]
    pub fn new(header_name: HeaderName) -> Self {
        Self { header_name }
    }

    /// Creates a layer that uses the `x-request-id` header.
    ///
    /// # Examples
    ///
    /// ```
    /// let _layer = spire_middleware::http::request_id::PropagateRequestIdLayer::x_request_id();
    /// ```
    #[must_use]
    pub fn x_request_id() -> Self {
        Self::new(X_REQUEST_ID)
    }
}

impl<S> Layer<S> for PropagateRequestIdLayer {
    type Service = PropagateRequestId<S>;

    fn layer(&self, inner: S) -> PropagateRequestId<S> {
        PropagateRequestId::new(inner, self.header_name.clone())
    }
}

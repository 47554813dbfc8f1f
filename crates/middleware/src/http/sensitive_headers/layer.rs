//! [`SetSensitiveRequestHeadersLayer`], [`SetSensitiveResponseHeadersLayer`] and
//! [`SetSensitiveHeadersLayer`].

use std::sync::Arc;

use http::HeaderName;
use spire_service::Layer;

use super::{SetSensitiveHeaders, SetSensitiveRequestHeaders, SetSensitiveResponseHeaders};

/// A [`Layer`] that wraps services in [`SetSensitiveRequestHeaders`].
///
/// The list of names is shared by every service the layer builds.
///
/// # Examples
///
/// ```
/// use spire_middleware::http::sensitive_headers::SetSensitiveRequestHeadersLayer;
///
/// let _layer = SetSensitiveRequestHeadersLayer::new([http::header::AUTHORIZATION, http::header::COOKIE]);
/// ```
#[derive(Clone, Debug)]
pub struct SetSensitiveRequestHeadersLayer {
    headers: Arc<[HeaderName]>,
}

impl SetSensitiveRequestHeadersLayer {
    /// Creates a layer that marks `headers` sensitive on every request.
    ///
    /// # Examples
    ///
    /// ```
    /// let _layer = spire_middleware::http::sensitive_headers::SetSensitiveRequestHeadersLayer::new(
    ///     [http::header::AUTHORIZATION],
    /// );
    /// ```
    pub fn new(headers: impl IntoIterator<Item = HeaderName>) -> Self {
        Self {
            headers: headers.into_iter().collect(),
        }
    }
}

impl<S> Layer<S> for SetSensitiveRequestHeadersLayer {
    type Service = SetSensitiveRequestHeaders<S>;

    fn layer(&self, inner: S) -> SetSensitiveRequestHeaders<S> {
        SetSensitiveRequestHeaders::from_shared(inner, Arc::clone(&self.headers))
    }
}

/// A [`Layer`] that wraps services in [`SetSensitiveResponseHeaders`].
///
/// The list of names is shared by every service the layer builds.
///
/// # Examples
///
/// ```
/// use spire_middleware::http::sensitive_headers::SetSensitiveResponseHeadersLayer;
///
/// let _layer = SetSensitiveResponseHeadersLayer::new([http::header::SET_COOKIE]);
/// ```
#[derive(Clone, Debug)]
pub struct SetSensitiveResponseHeadersLayer {
    headers: Arc<[HeaderName]>,
}

impl SetSensitiveResponseHeadersLayer {
    /// Creates a layer that marks `headers` sensitive on every response.
    ///
    /// # Examples
    ///
    /// ```
    /// let _layer = spire_middleware::http::sensitive_headers::SetSensitiveResponseHeadersLayer::new(
    ///     [http::header::SET_COOKIE],
    /// );
    /// ```
    pub fn new(headers: impl IntoIterator<Item = HeaderName>) -> Self {
        Self {
            headers: headers.into_iter().collect(),
        }
    }
}

impl<S> Layer<S> for SetSensitiveResponseHeadersLayer {
    type Service = SetSensitiveResponseHeaders<S>;

    fn layer(&self, inner: S) -> SetSensitiveResponseHeaders<S> {
        SetSensitiveResponseHeaders::from_shared(inner, Arc::clone(&self.headers))
    }
}

/// A [`Layer`] that wraps services in [`SetSensitiveHeaders`]: the same headers marked on
/// requests and on responses.
///
/// # Examples
///
/// ```
/// use spire_middleware::http::sensitive_headers::SetSensitiveHeadersLayer;
///
/// let _layer = SetSensitiveHeadersLayer::new([http::header::AUTHORIZATION, http::header::COOKIE]);
/// ```
#[derive(Clone, Debug)]
pub struct SetSensitiveHeadersLayer {
    headers: Arc<[HeaderName]>,
}

impl SetSensitiveHeadersLayer {
    /// Creates a layer that marks `headers` sensitive on every request and response.
    ///
    /// # Examples
    ///
    /// ```
    /// let _layer = spire_middleware::http::sensitive_headers::SetSensitiveHeadersLayer::new(
    ///     [http::header::AUTHORIZATION],
    /// );
    /// ```
    pub fn new(headers: impl IntoIterator<Item = HeaderName>) -> Self {
        Self {
            headers: headers.into_iter().collect(),
        }
    }
}

impl<S> Layer<S> for SetSensitiveHeadersLayer {
    type Service = SetSensitiveHeaders<S>;

    fn layer(&self, inner: S) -> SetSensitiveHeaders<S> {
        SetSensitiveRequestHeaders::from_shared(
            SetSensitiveResponseHeaders::from_shared(inner, Arc::clone(&self.headers)),
            Arc::clone(&self.headers),
        )
    }
}

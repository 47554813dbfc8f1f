//! [`AllowOrigin`]: which origins may read responses.

use std::fmt;
use std::sync::Arc;

use http::HeaderValue;
use http::request::Parts;

use super::Any;

/// The origins a [`CorsLayer`](super::CorsLayer) allows: none (the default), any (`*`),
/// one exact origin, a list, a predicate, or whatever origin asks (mirroring).
///
/// Origins are compared byte for byte with the request's `Origin` header, which browsers
/// send serialized (`https://example.com`, no trailing slash, lowercase scheme and host).
///
/// # Examples
///
/// ```
/// use http::HeaderValue;
/// use spire_middleware::http::cors::{AllowOrigin, CorsLayer};
///
/// let _layer = CorsLayer::new().allow_origin(AllowOrigin::list([
///     HeaderValue::from_static("https://example.com"),
///     HeaderValue::from_static("https://api.example.com"),
/// ]));
/// let _layer = CorsLayer::new().allow_origin(AllowOrigin::predicate(|origin, _parts| {
///     origin.as_bytes().ends_with(b".example.com")
/// }));
/// ```
#[derive(Clone, Default)]
pub struct AllowOrigin(Kind);

type Predicate = Arc<dyn Fn(&HeaderValue, &Parts) -> bool + Send + Sync>;

#[derive(Clone, Default)]
enum Kind {
    #[default]
    None,
    Any,
    Exact(HeaderValue),
    List(Vec<HeaderValue>),
    Predicate(Predicate),
    Mirror,
}

const WILDCARD: HeaderValue = HeaderValue::from_static("*");

impl AllowOrigin {
    /// Allows any origin: `Access-Control-Allow-Origin: *`. Cannot be combined with
    /// credentials.
    ///
    /// # Examples
    ///
    /// ```
    /// let _layer = spire_middleware::http::cors::CorsLayer::new()
    ///     .allow_origin(spire_middleware::http::cors::AllowOrigin::any());
    /// ```
    #[must_use]
    pub fn any() -> Self {
        Self(Kind::Any)
    }

    /// Allows one origin, sent as is whatever the request's origin.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::HeaderValue;
    /// use spire_middleware::http::cors::AllowOrigin;
    ///
    /// let _origin = AllowOrigin::exact(HeaderValue::from_static("https://example.com"));
    /// ```
    #[must_use]
    pub fn exact(origin: HeaderValue) -> Self {
        Self(Kind::Exact(origin))
    }

    /// Allows the origins in `origins`; the request's origin is echoed when it is one.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::HeaderValue;
    /// use spire_middleware::http::cors::AllowOrigin;
    ///
    /// let _origins = AllowOrigin::list([HeaderValue::from_static("https://a.example")]);
    /// ```
    pub fn list(origins: impl IntoIterator<Item = HeaderValue>) -> Self {
        Self(Kind::List(origins.into_iter().collect()))
    }

    /// Allows the origins for which `predicate(origin, request_parts)` returns `true`; the
    /// request's origin is echoed then.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::cors::AllowOrigin;
    ///
    /// let _origins = AllowOrigin::predicate(|origin, _parts| origin.as_bytes().starts_with(b"https://"));
    /// ```
    pub fn predicate<F>(predicate: F) -> Self
    where
        F: Fn(&HeaderValue, &Parts) -> bool + Send + Sync + 'static,
    {
        Self(Kind::Predicate(Arc::new(predicate)))
    }

    /// Allows every origin by echoing the request's: unlike [`any`](Self::any), this
    /// works with credentials, so use it only when that is really meant.
    ///
    /// # Examples
    ///
    /// ```
    /// let _origins = spire_middleware::http::cors::AllowOrigin::mirror_request();
    /// ```
    #[must_use]
    pub fn mirror_request() -> Self {
        Self(Kind::Mirror)
    }

    /// `true` for [`any`](Self::any).
    pub(super) fn is_wildcard(&self) -> bool {
        matches!(self.0, Kind::Any)
    }

    /// `true` when the answer depends on the request's `Origin`, so caches must `Vary` on it.
    pub(super) fn varies(&self) -> bool {
        matches!(self.0, Kind::List(_) | Kind::Predicate(_) | Kind::Mirror)
    }

    /// The `Access-Control-Allow-Origin` value for a request from `origin`, if allowed.
    pub(super) fn to_header(&self, origin: &HeaderValue, parts: &Parts) -> Option<HeaderValue> {
        match &self.0 {
            Kind::None => None,
            Kind::Any => Some(WILDCARD),
            Kind::Exact(value) => Some(value.clone()),
            Kind::List(list) => list.contains(origin).then(|| origin.clone()),
            Kind::Predicate(predicate) => predicate(origin, parts).then(|| origin.clone()),
            Kind::Mirror => Some(origin.clone()),
        }
    }
}

impl From<Any> for AllowOrigin {
    fn from(_: Any) -> Self {
        Self::any()
    }
}

impl From<HeaderValue> for AllowOrigin {
    fn from(origin: HeaderValue) -> Self {
        Self::exact(origin)
    }
}

impl<const N: usize> From<[HeaderValue; N]> for AllowOrigin {
    fn from(origins: [HeaderValue; N]) -> Self {
        Self::list(origins)
    }
}

impl From<Vec<HeaderValue>> for AllowOrigin {
    fn from(origins: Vec<HeaderValue>) -> Self {
        Self::list(origins)
    }
}

impl fmt::Debug for AllowOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Kind::None => f.write_str("None"),
            Kind::Any => f.write_str("Any"),
            Kind::Exact(value) => f.debug_tuple("Exact").field(value).finish(),
            Kind::List(list) => f.debug_tuple("List").field(list).finish(),
            Kind::Predicate(_) => f.write_str("Predicate(..)"),
            Kind::Mirror => f.write_str("MirrorRequest"),
        }
    }
}

//! [`AllowMethods`], [`AllowHeaders`] and [`ExposeHeaders`]: the header lists of a CORS
//! answer, each joined into one header value when the layer is built, not per request.

use http::request::Parts;
use http::{HeaderName, HeaderValue, Method, header};

use super::Any;

const WILDCARD: HeaderValue = HeaderValue::from_static("*");

/// Joins `items` with `,` into one header value; `None` for an empty list.
fn join<'a>(items: impl IntoIterator<Item = &'a str>) -> Option<HeaderValue> {
    let joined = items.into_iter().collect::<Vec<_>>().join(",");
    if joined.is_empty() {
        return None;
    }
    // Method and header names are tokens, which are valid header value bytes.
    Some(HeaderValue::from_str(&joined).expect("tokens joined by commas are a valid header value"))
}

/// A list value fixed at construction, or one copied from a request header.
#[derive(Clone, Debug, Default)]
enum Kind {
    #[default]
    None,
    Const(HeaderValue),
    Mirror,
}

impl Kind {
    fn to_header(&self, parts: &Parts, mirrored: &HeaderName) -> Option<HeaderValue> {
        match self {
            Self::None => None,
            Self::Const(value) => Some(value.clone()),
            Self::Mirror => parts.headers.get(mirrored).cloned(),
        }
    }

    fn is_wildcard(&self) -> bool {
        matches!(self, Self::Const(value) if value == WILDCARD)
    }
}

/// The methods a preflight allows: `Access-Control-Allow-Methods`.
///
/// The browser compares the method it asked for with this list; the layer only answers.
///
/// # Examples
///
/// ```
/// use http::Method;
/// use spire_middleware::http::cors::{AllowMethods, CorsLayer};
///
/// let _layer = CorsLayer::new().allow_methods([Method::GET, Method::POST]);
/// let _layer = CorsLayer::new().allow_methods(AllowMethods::mirror_request());
/// ```
#[derive(Clone, Debug, Default)]
pub struct AllowMethods(Kind);

impl AllowMethods {
    /// Allows any method (`*`). Cannot be combined with credentials.
    ///
    /// # Examples
    ///
    /// ```
    /// let _methods = spire_middleware::http::cors::AllowMethods::any();
    /// ```
    #[must_use]
    pub fn any() -> Self {
        Self(Kind::Const(WILDCARD))
    }

    /// Allows the methods in `methods`.
    ///
    /// # Examples
    ///
    /// ```
    /// let _methods = spire_middleware::http::cors::AllowMethods::list([http::Method::PUT]);
    /// ```
    pub fn list(methods: impl IntoIterator<Item = Method>) -> Self {
        let methods: Vec<Method> = methods.into_iter().collect();
        Self(join(methods.iter().map(Method::as_str)).map_or(Kind::None, Kind::Const))
    }

    /// Allows whichever method the preflight asks for (its
    /// `Access-Control-Request-Method`).
    ///
    /// # Examples
    ///
    /// ```
    /// let _methods = spire_middleware::http::cors::AllowMethods::mirror_request();
    /// ```
    #[must_use]
    pub fn mirror_request() -> Self {
        Self(Kind::Mirror)
    }

    pub(super) fn is_wildcard(&self) -> bool {
        self.0.is_wildcard()
    }

    pub(super) fn to_header(&self, parts: &Parts) -> Option<HeaderValue> {
        self.0
            .to_header(parts, &header::ACCESS_CONTROL_REQUEST_METHOD)
    }
}

impl From<Any> for AllowMethods {
    fn from(_: Any) -> Self {
        Self::any()
    }
}

impl From<Method> for AllowMethods {
    fn from(method: Method) -> Self {
        Self::list([method])
    }
}

impl<const N: usize> From<[Method; N]> for AllowMethods {
    fn from(methods: [Method; N]) -> Self {
        Self::list(methods)
    }
}

impl From<Vec<Method>> for AllowMethods {
    fn from(methods: Vec<Method>) -> Self {
        Self::list(methods)
    }
}

/// The request headers a preflight allows: `Access-Control-Allow-Headers`.
///
/// # Examples
///
/// ```
/// use http::header;
/// use spire_middleware::http::cors::CorsLayer;
///
/// let _layer = CorsLayer::new().allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION]);
/// ```
#[derive(Clone, Debug, Default)]
pub struct AllowHeaders(Kind);

impl AllowHeaders {
    /// Allows any header (`*`; `Authorization` still has to be listed, per the Fetch
    /// standard). Cannot be combined with credentials.
    ///
    /// # Examples
    ///
    /// ```
    /// let _headers = spire_middleware::http::cors::AllowHeaders::any();
    /// ```
    #[must_use]
    pub fn any() -> Self {
        Self(Kind::Const(WILDCARD))
    }

    /// Allows the headers in `headers`.
    ///
    /// # Examples
    ///
    /// ```
    /// let _headers = spire_middleware::http::cors::AllowHeaders::list([http::header::CONTENT_TYPE]);
    /// ```
    pub fn list(headers: impl IntoIterator<Item = HeaderName>) -> Self {
        let headers: Vec<HeaderName> = headers.into_iter().collect();
        Self(join(headers.iter().map(HeaderName::as_str)).map_or(Kind::None, Kind::Const))
    }

    /// Allows whichever headers the preflight asks for (its
    /// `Access-Control-Request-Headers`).
    ///
    /// # Examples
    ///
    /// ```
    /// let _headers = spire_middleware::http::cors::AllowHeaders::mirror_request();
    /// ```
    #[must_use]
    pub fn mirror_request() -> Self {
        Self(Kind::Mirror)
    }

    pub(super) fn is_wildcard(&self) -> bool {
        self.0.is_wildcard()
    }

    pub(super) fn to_header(&self, parts: &Parts) -> Option<HeaderValue> {
        self.0
            .to_header(parts, &header::ACCESS_CONTROL_REQUEST_HEADERS)
    }
}

impl From<Any> for AllowHeaders {
    fn from(_: Any) -> Self {
        Self::any()
    }
}

impl<const N: usize> From<[HeaderName; N]> for AllowHeaders {
    fn from(headers: [HeaderName; N]) -> Self {
        Self::list(headers)
    }
}

impl From<Vec<HeaderName>> for AllowHeaders {
    fn from(headers: Vec<HeaderName>) -> Self {
        Self::list(headers)
    }
}

/// The response headers scripts may read beyond the safelisted ones:
/// `Access-Control-Expose-Headers`, sent on actual (not preflight) responses.
///
/// # Examples
///
/// ```
/// use http::HeaderName;
/// use spire_middleware::http::cors::CorsLayer;
///
/// let _layer = CorsLayer::new().expose_headers([HeaderName::from_static("x-request-id")]);
/// ```
#[derive(Clone, Debug, Default)]
pub struct ExposeHeaders(Option<HeaderValue>);

impl ExposeHeaders {
    /// Exposes every header (`*`). Cannot be combined with credentials.
    ///
    /// # Examples
    ///
    /// ```
    /// let _headers = spire_middleware::http::cors::ExposeHeaders::any();
    /// ```
    #[must_use]
    pub fn any() -> Self {
        Self(Some(WILDCARD))
    }

    /// Exposes the headers in `headers`.
    ///
    /// # Examples
    ///
    /// ```
    /// let _headers = spire_middleware::http::cors::ExposeHeaders::list([http::header::ETAG]);
    /// ```
    pub fn list(headers: impl IntoIterator<Item = HeaderName>) -> Self {
        let headers: Vec<HeaderName> = headers.into_iter().collect();
        Self(join(headers.iter().map(HeaderName::as_str)))
    }

    pub(super) fn is_wildcard(&self) -> bool {
        self.0.as_ref().is_some_and(|value| value == WILDCARD)
    }

    pub(super) fn header(&self) -> Option<&HeaderValue> {
        self.0.as_ref()
    }
}

impl From<Any> for ExposeHeaders {
    fn from(_: Any) -> Self {
        Self::any()
    }
}

impl<const N: usize> From<[HeaderName; N]> for ExposeHeaders {
    fn from(headers: [HeaderName; N]) -> Self {
        Self::list(headers)
    }
}

impl From<Vec<HeaderName>> for ExposeHeaders {
    fn from(headers: Vec<HeaderName>) -> Self {
        Self::list(headers)
    }
}

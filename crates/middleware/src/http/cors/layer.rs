//! [`CorsLayer`]: the CORS configuration, and the layer that applies it.

use std::sync::Arc;
use std::time::Duration;

use http::HeaderValue;
use spire_service::Layer;

use super::{
    AllowHeaders, AllowMethods, AllowOrigin, Cors, ExposeHeaders, WildcardWithCredentials,
};

/// A [`Layer`] that wraps services in [`Cors`], and the builder of its configuration.
///
/// [`new`](Self::new) starts from "nothing allowed": no origin gets an
/// `Access-Control-Allow-Origin`, so browsers block every cross-origin read until the
/// setters open it up. [`permissive`](Self::permissive) and
/// [`very_permissive`](Self::very_permissive) are ready-made openings for development.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// use http::{HeaderValue, Method, header};
/// use spire_middleware::http::cors::CorsLayer;
///
/// let layer = CorsLayer::new()
///     .allow_origin([HeaderValue::from_static("https://app.example")])
///     .allow_methods([Method::GET, Method::POST])
///     .allow_headers([header::CONTENT_TYPE])
///     .allow_credentials(true)
///     .max_age(Duration::from_secs(600));
/// assert!(layer.check().is_ok());
/// ```
#[derive(Clone, Debug, Default)]
pub struct CorsLayer {
    pub(super) allow_origin: AllowOrigin,
    pub(super) allow_methods: AllowMethods,
    pub(super) allow_headers: AllowHeaders,
    pub(super) expose_headers: ExposeHeaders,
    pub(super) allow_credentials: bool,
    pub(super) max_age: Option<HeaderValue>,
}

impl CorsLayer {
    /// Creates a configuration that allows nothing; open it up with the setters.
    ///
    /// # Examples
    ///
    /// ```
    /// let _layer = spire_middleware::http::cors::CorsLayer::new();
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Allows any origin, method and header, and exposes every header, without
    /// credentials: `*` everywhere.
    ///
    /// # Examples
    ///
    /// ```
    /// let _layer = spire_middleware::http::cors::CorsLayer::permissive();
    /// ```
    #[must_use]
    pub fn permissive() -> Self {
        Self::new()
            .allow_origin(AllowOrigin::any())
            .allow_methods(AllowMethods::any())
            .allow_headers(AllowHeaders::any())
            .expose_headers(ExposeHeaders::any())
    }

    /// Allows any origin, method and header *with* credentials, by mirroring what the
    /// request asks for. Only for development: any site can then act as the user.
    ///
    /// # Examples
    ///
    /// ```
    /// let _layer = spire_middleware::http::cors::CorsLayer::very_permissive();
    /// ```
    #[must_use]
    pub fn very_permissive() -> Self {
        Self::new()
            .allow_origin(AllowOrigin::mirror_request())
            .allow_methods(AllowMethods::mirror_request())
            .allow_headers(AllowHeaders::mirror_request())
            .allow_credentials(true)
    }

    /// Sets the allowed origins (`Access-Control-Allow-Origin`).
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::cors::{Any, CorsLayer};
    ///
    /// let _layer = CorsLayer::new().allow_origin(Any);
    /// ```
    #[must_use]
    pub fn allow_origin(mut self, origin: impl Into<AllowOrigin>) -> Self {
        self.allow_origin = origin.into();
        self
    }

    /// Sets the methods a preflight allows (`Access-Control-Allow-Methods`).
    ///
    /// # Examples
    ///
    /// ```
    /// let _layer = spire_middleware::http::cors::CorsLayer::new().allow_methods([http::Method::GET]);
    /// ```
    #[must_use]
    pub fn allow_methods(mut self, methods: impl Into<AllowMethods>) -> Self {
        self.allow_methods = methods.into();
        self
    }

    /// Sets the request headers a preflight allows (`Access-Control-Allow-Headers`).
    ///
    /// # Examples
    ///
    /// ```
    /// let _layer = spire_middleware::http::cors::CorsLayer::new().allow_headers([http::header::CONTENT_TYPE]);
    /// ```
    #[must_use]
    pub fn allow_headers(mut self, headers: impl Into<AllowHeaders>) -> Self {
        self.allow_headers = headers.into();
        self
    }

    /// Sets the response headers scripts may read (`Access-Control-Expose-Headers`).
    ///
    /// # Examples
    ///
    /// ```
    /// let _layer = spire_middleware::http::cors::CorsLayer::new().expose_headers([http::header::ETAG]);
    /// ```
    #[must_use]
    pub fn expose_headers(mut self, headers: impl Into<ExposeHeaders>) -> Self {
        self.expose_headers = headers.into();
        self
    }

    /// Allows credentialed requests (cookies, HTTP auth):
    /// `Access-Control-Allow-Credentials: true`. Not with any `*` wildcard; see
    /// [`check`](Self::check).
    ///
    /// # Examples
    ///
    /// ```
    /// use http::HeaderValue;
    /// use spire_middleware::http::cors::CorsLayer;
    ///
    /// let _layer = CorsLayer::new()
    ///     .allow_origin(HeaderValue::from_static("https://app.example"))
    ///     .allow_credentials(true);
    /// ```
    #[must_use]
    pub fn allow_credentials(mut self, allow: bool) -> Self {
        self.allow_credentials = allow;
        self
    }

    /// Sets how long browsers may cache a preflight answer (`Access-Control-Max-Age`,
    /// whole seconds; browsers cap it, Chromium at two hours).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let _layer = spire_middleware::http::cors::CorsLayer::new().max_age(Duration::from_secs(3600));
    /// ```
    #[must_use]
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = Some(HeaderValue::from(max_age.as_secs()));
        self
    }

    /// Checks the configuration: credentials cannot be combined with a `*` wildcard.
    ///
    /// [`layer`](Layer::layer) runs this check and panics on failure; call it first to
    /// handle the error instead.
    ///
    /// # Errors
    ///
    /// [`WildcardWithCredentials`] when credentials are allowed and the origins, methods,
    /// allowed headers or exposed headers are `*`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::cors::{Any, CorsLayer};
    ///
    /// assert!(CorsLayer::permissive().check().is_ok());
    /// assert!(CorsLayer::permissive().allow_credentials(true).check().is_err());
    /// assert!(CorsLayer::new().allow_headers(Any).allow_credentials(true).check().is_err());
    /// ```
    pub fn check(&self) -> Result<(), WildcardWithCredentials> {
        if !self.allow_credentials {
            return Ok(());
        }
        let wildcard = [
            ("allow_origin", self.allow_origin.is_wildcard()),
            ("allow_methods", self.allow_methods.is_wildcard()),
            ("allow_headers", self.allow_headers.is_wildcard()),
            ("expose_headers", self.expose_headers.is_wildcard()),
        ];
        match wildcard.into_iter().find(|(_, is_wildcard)| *is_wildcard) {
            Some((setting, _)) => Err(WildcardWithCredentials::new(setting)),
            None => Ok(()),
        }
    }
}

/// # Panics
///
/// `layer` panics if the configuration fails [`CorsLayer::check`] (credentials with a `*`
/// wildcard): a configuration error, found when the stack is built rather than by the
/// first browser.
impl<S> Layer<S> for CorsLayer {
    type Service = Cors<S>;

    fn layer(&self, inner: S) -> Cors<S> {
        if let Err(err) = self.check() {
            panic!("invalid CORS configuration: {err}");
        }
        Cors::from_config(inner, Arc::new(self.clone()))
    }
}

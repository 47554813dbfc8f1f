//! [`ValidateRequestHeaderLayer`].

use spire_service::Layer;

use super::{AcceptHeader, Basic, Bearer, ValidateRequestHeader};

/// A [`Layer`] that wraps services in [`ValidateRequestHeader`].
///
/// # Examples
///
/// ```
/// use spire_middleware::http::validate_request::{AcceptHeader, ValidateRequestHeaderLayer};
///
/// // The type parameter is the response body of the services it will wrap.
/// let _layer: ValidateRequestHeaderLayer<AcceptHeader<String>> =
///     ValidateRequestHeaderLayer::accept("application/json");
/// ```
#[derive(Clone, Debug)]
pub struct ValidateRequestHeaderLayer<T> {
    validate: T,
}

impl<ResB> ValidateRequestHeaderLayer<AcceptHeader<ResB>> {
    /// Creates a layer whose services answer 406 unless the request's `Accept` allows
    /// `media_type`. See [`AcceptHeader`].
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::validate_request::{AcceptHeader, ValidateRequestHeaderLayer};
    ///
    /// let _layer = ValidateRequestHeaderLayer::<AcceptHeader<String>>::accept("text/csv");
    /// ```
    #[must_use]
    pub fn accept(media_type: &str) -> Self {
        Self::custom(AcceptHeader::new(media_type))
    }
}

impl<ResB> ValidateRequestHeaderLayer<Bearer<ResB>> {
    /// Creates a layer whose services answer 401 unless the request carries
    /// `Authorization: Bearer <token>`. See [`Bearer`].
    ///
    /// # Panics
    ///
    /// If `token` contains bytes not allowed in a header value.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::validate_request::{Bearer, ValidateRequestHeaderLayer};
    ///
    /// let _layer = ValidateRequestHeaderLayer::<Bearer<String>>::bearer("t0ken");
    /// ```
    #[must_use]
    pub fn bearer(token: &str) -> Self {
        Self::custom(Bearer::new(token))
    }
}

impl<ResB> ValidateRequestHeaderLayer<Basic<ResB>> {
    /// Creates a layer whose services answer 401 unless the request carries these HTTP
    /// Basic credentials. See [`Basic`].
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::validate_request::{Basic, ValidateRequestHeaderLayer};
    ///
    /// let _layer = ValidateRequestHeaderLayer::<Basic<String>>::basic("user", "pass");
    /// ```
    #[must_use]
    pub fn basic(username: &str, password: &str) -> Self {
        Self::custom(Basic::new(username, password))
    }
}

impl<T> ValidateRequestHeaderLayer<T> {
    /// Creates a layer whose services check requests with `validate`, a
    /// [`ValidateRequest`](super::ValidateRequest) such as a closure.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::{Request, Response, StatusCode};
    /// use spire_middleware::http::validate_request::ValidateRequestHeaderLayer;
    ///
    /// let _layer = ValidateRequestHeaderLayer::custom(|request: &mut Request<()>| {
    ///     if request.headers().contains_key("x-api-key") {
    ///         Ok(())
    ///     } else {
    ///         let mut response = Response::new(String::new());
    ///         *response.status_mut() = StatusCode::FORBIDDEN;
    ///         Err(response)
    ///     }
    /// });
    /// ```
    pub const fn custom(validate: T) -> Self {
        Self { validate }
    }
}

impl<S, T: Clone> Layer<S> for ValidateRequestHeaderLayer<T> {
    type Service = ValidateRequestHeader<S, T>;

    fn layer(&self, inner: S) -> ValidateRequestHeader<S, T> {
        ValidateRequestHeader::custom(inner, self.validate.clone())
    }
}

//! [`ValidateRequest`] and the built-in checks: [`AcceptHeader`], [`Bearer`], [`Basic`].

use std::fmt;
use std::marker::PhantomData;

use http::{HeaderValue, Request, Response, StatusCode, header};

/// Decides whether a request may reach the inner service of a
/// [`ValidateRequestHeader`](super::ValidateRequestHeader).
///
/// Return `Ok(())` to pass the request on (it may be changed first, for example to store
/// the authenticated user in its extensions), or `Err(response)` to answer it.
///
/// # Examples
///
/// ```
/// use http::{Request, Response, StatusCode};
/// use spire_middleware::http::validate_request::ValidateRequest;
///
/// let mut json_only = |request: &mut Request<()>| -> Result<(), Response<String>> {
///     if request.headers().get(http::header::CONTENT_TYPE).is_some_and(|v| v == "application/json") {
///         Ok(())
///     } else {
///         let mut response = Response::new(String::new());
///         *response.status_mut() = StatusCode::UNSUPPORTED_MEDIA_TYPE;
///         Err(response)
///     }
/// };
/// assert!(json_only.validate(&mut Request::new(())).is_err());
/// ```
pub trait ValidateRequest<B> {
    /// The body of the rejection response.
    type ResponseBody;

    /// Checks `request`.
    ///
    /// # Errors
    ///
    /// The response to send instead of calling the inner service.
    fn validate(&mut self, request: &mut Request<B>) -> Result<(), Response<Self::ResponseBody>>;
}

impl<B, ResB, F> ValidateRequest<B> for F
where
    F: FnMut(&mut Request<B>) -> Result<(), Response<ResB>>,
{
    type ResponseBody = ResB;

    fn validate(&mut self, request: &mut Request<B>) -> Result<(), Response<ResB>> {
        self(request)
    }
}

/// A response with `status` and an empty (`Default`) body.
fn status<ResB: Default>(status: StatusCode) -> Response<ResB> {
    let mut response = Response::new(ResB::default());
    *response.status_mut() = status;
    response
}

/// Compares two byte strings in time that depends only on their lengths, so a wrong
/// credential does not reveal how much of it matched.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0_u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

/// Requires `Authorization: Bearer <token>`; answers `401 Unauthorized` otherwise.
///
/// # Examples
///
/// ```
/// use http::{Request, header};
/// use spire_middleware::http::validate_request::{Bearer, ValidateRequest};
///
/// let mut bearer = Bearer::<String>::new("t0ken");
/// let mut request = Request::builder().header(header::AUTHORIZATION, "Bearer t0ken").body(()).unwrap();
/// assert!(bearer.validate(&mut request).is_ok());
/// ```
pub struct Bearer<ResB> {
    expected: HeaderValue,
    _body: PhantomData<fn() -> ResB>,
}

impl<ResB> Bearer<ResB> {
    /// Creates the check for `token`.
    ///
    /// # Panics
    ///
    /// If `token` contains bytes not allowed in a header value (control characters).
    ///
    /// # Examples
    ///
    /// ```
    /// let _bearer = spire_middleware::http::validate_request::Bearer::<()>::new("t0ken");
    /// ```
    #[must_use]
    pub fn new(token: &str) -> Self {
        let expected = HeaderValue::from_str(&format!("Bearer {token}"))
            .expect("a bearer token must be a valid header value");
        Self {
            expected,
            _body: PhantomData,
        }
    }
}

impl<B, ResB: Default> ValidateRequest<B> for Bearer<ResB> {
    type ResponseBody = ResB;

    fn validate(&mut self, request: &mut Request<B>) -> Result<(), Response<ResB>> {
        match request.headers().get(header::AUTHORIZATION) {
            Some(actual) if constant_time_eq(actual.as_bytes(), self.expected.as_bytes()) => Ok(()),
            _ => Err(status(StatusCode::UNAUTHORIZED)),
        }
    }
}

/// Requires `Authorization: Basic <base64(username:password)>`; answers
/// `401 Unauthorized` with `WWW-Authenticate: Basic` otherwise, so browsers ask.
///
/// # Examples
///
/// ```
/// use http::{Request, header};
/// use spire_middleware::http::validate_request::{Basic, ValidateRequest};
///
/// let mut basic = Basic::<String>::new("aladdin", "opensesame");
/// let mut request = Request::builder()
///     .header(header::AUTHORIZATION, "Basic YWxhZGRpbjpvcGVuc2VzYW1l")
///     .body(())
///     .unwrap();
/// assert!(basic.validate(&mut request).is_ok());
/// ```
pub struct Basic<ResB> {
    expected: HeaderValue,
    _body: PhantomData<fn() -> ResB>,
}

impl<ResB> Basic<ResB> {
    /// Creates the check for `username` and `password`.
    ///
    /// # Examples
    ///
    /// ```
    /// let _basic = spire_middleware::http::validate_request::Basic::<()>::new("user", "pass");
    /// ```
    #[must_use]
    #[expect(
        clippy::missing_panics_doc,
        reason = "base64 text is always a valid header value, so the `expect` cannot fire"
    )]
    pub fn new(username: &str, password: &str) -> Self {
        let mut value = String::from("Basic ");
        base64_encode(format!("{username}:{password}").as_bytes(), &mut value);
        let expected = HeaderValue::from_str(&value).expect("base64 text is a valid header value");
        Self {
            expected,
            _body: PhantomData,
        }
    }
}

impl<B, ResB: Default> ValidateRequest<B> for Basic<ResB> {
    type ResponseBody = ResB;

    fn validate(&mut self, request: &mut Request<B>) -> Result<(), Response<ResB>> {
        match request.headers().get(header::AUTHORIZATION) {
            Some(actual) if constant_time_eq(actual.as_bytes(), self.expected.as_bytes()) => Ok(()),
            _ => {
                let mut response = status(StatusCode::UNAUTHORIZED);
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic"));
                Err(response)
            }
        }
    }
}

/// Standard base64 (RFC 4648 section 4, with padding), as HTTP Basic uses.
fn base64_encode(input: &[u8], out: &mut String) {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for chunk in input.chunks(3) {
        let bytes = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(bytes[0]) << 16 | u32::from(bytes[1]) << 8 | u32::from(bytes[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 0x3f]));
            } else {
                out.push('=');
            }
        }
    }
}

/// Requires that the `Accept` header, if present, allows a media type; answers
/// `406 Not Acceptable` otherwise.
///
/// `*/*`, `type/*` and `type/subtype` ranges match; parameters such as `q` are ignored
/// except that `q=0` excludes a range. A request without `Accept` accepts anything.
///
/// # Examples
///
/// ```
/// use http::{Request, header};
/// use spire_middleware::http::validate_request::{AcceptHeader, ValidateRequest};
///
/// let mut accept = AcceptHeader::<String>::new("application/json");
/// let mut request = Request::builder().header(header::ACCEPT, "text/html, application/*;q=0.8").body(()).unwrap();
/// assert!(accept.validate(&mut request).is_ok());
/// ```
pub struct AcceptHeader<ResB> {
    media_type: String,
    _body: PhantomData<fn() -> ResB>,
}

impl<ResB> AcceptHeader<ResB> {
    /// Creates the check for `media_type` (`type/subtype`, compared case-insensitively).
    ///
    /// # Examples
    ///
    /// ```
    /// let _accept = spire_middleware::http::validate_request::AcceptHeader::<()>::new("text/csv");
    /// ```
    #[must_use]
    pub fn new(media_type: &str) -> Self {
        Self {
            media_type: media_type.to_ascii_lowercase(),
            _body: PhantomData,
        }
    }

    /// Whether one media range of an `Accept` header allows the media type.
    fn range_matches(&self, range: &str) -> bool {
        let mut params = range.split(';');
        let media_range = params.next().unwrap_or("").trim();
        let excluded = params.any(|param| {
            let param = param.trim();
            param.len() >= 2
                && param[..2].eq_ignore_ascii_case("q=")
                && param[2..].trim().parse::<f32>().is_ok_and(|q| q <= 0.0)
        });
        if excluded {
            return false;
        }
        let (want_type, want_sub) = self
            .media_type
            .split_once('/')
            .unwrap_or((&self.media_type, ""));
        match media_range.split_once('/') {
            Some(("*", "*")) => true,
            Some((range_type, "*")) => range_type.eq_ignore_ascii_case(want_type),
            Some((range_type, range_sub)) => {
                range_type.eq_ignore_ascii_case(want_type)
                    && range_sub.eq_ignore_ascii_case(want_sub)
            }
            None => false,
        }
    }
}

impl<B, ResB: Default> ValidateRequest<B> for AcceptHeader<ResB> {
    type ResponseBody = ResB;

    fn validate(&mut self, request: &mut Request<B>) -> Result<(), Response<ResB>> {
        let mut values = request.headers().get_all(header::ACCEPT).iter().peekable();
        if values.peek().is_none() {
            return Ok(());
        }
        let acceptable = values
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .any(|range| self.range_matches(range));
        if acceptable {
            Ok(())
        } else {
            Err(status(StatusCode::NOT_ACCEPTABLE))
        }
    }
}

// Hand-written so that the checks are `Clone` and `Debug` whatever the body type, and
// so that `Debug` never prints a credential.
impl<ResB> Clone for Bearer<ResB> {
    fn clone(&self) -> Self {
        Self {
            expected: self.expected.clone(),
            _body: PhantomData,
        }
    }
}

impl<ResB> Clone for Basic<ResB> {
    fn clone(&self) -> Self {
        Self {
            expected: self.expected.clone(),
            _body: PhantomData,
        }
    }
}

impl<ResB> Clone for AcceptHeader<ResB> {
    fn clone(&self) -> Self {
        Self {
            media_type: self.media_type.clone(),
            _body: PhantomData,
        }
    }
}

impl<ResB> fmt::Debug for Bearer<ResB> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bearer").finish_non_exhaustive()
    }
}

impl<ResB> fmt::Debug for Basic<ResB> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Basic").finish_non_exhaustive()
    }
}

impl<ResB> fmt::Debug for AcceptHeader<ResB> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AcceptHeader")
            .field("media_type", &self.media_type)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::base64_encode;

    #[test]
    fn base64_encode_rfc4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (input, expected) in cases {
            let mut out = String::new();
            base64_encode(input.as_bytes(), &mut out);
            assert_eq!(out, expected, "{input}");
        }
    }
}

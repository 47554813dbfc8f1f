//! [`ResponseForPanic`] and [`DefaultResponseForPanic`].

use std::any::Any;

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode, header};
use spire_body::Full;

/// Makes the response sent in place of one whose making panicked.
///
/// The panic's payload is passed in (usually a `&'static str` or a `String`, the
/// `panic!` message). Implemented for closures `FnMut(Box<dyn Any + Send>) -> Response<B>`
/// that are `Clone`. Each call gets its own clone, made when the call starts.
///
/// # Examples
///
/// ```
/// use std::any::Any;
///
/// use bytes::Bytes;
/// use http::{Response, StatusCode};
/// use spire_body::Full;
/// use spire_middleware::http::catch_panic::ResponseForPanic;
///
/// let mut unavailable = |_panic: Box<dyn Any + Send>| {
///     let mut response = Response::new(Full::new(Bytes::from("try again later")));
///     *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
///     response
/// };
/// let response = unavailable.response_for_panic(Box::new("oops"));
/// assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
/// ```
pub trait ResponseForPanic: Clone {
    /// The body of the response.
    type ResponseBody;

    /// Makes the response for a panic whose payload is `panic`.
    fn response_for_panic(
        &mut self,
        panic: Box<dyn Any + Send + 'static>,
    ) -> Response<Self::ResponseBody>;
}

impl<F, B> ResponseForPanic for F
where
    F: FnMut(Box<dyn Any + Send + 'static>) -> Response<B> + Clone,
{
    type ResponseBody = B;

    fn response_for_panic(&mut self, panic: Box<dyn Any + Send + 'static>) -> Response<B> {
        self(panic)
    }
}

/// The default [`ResponseForPanic`]: logs the panic's message at error level with
/// `tracing`, and answers `500 Internal Server Error` with a fixed `text/plain` body.
///
/// The message is not sent to the client: it may hold internal details.
///
/// # Examples
///
/// ```
/// use http::StatusCode;
/// use spire_middleware::http::catch_panic::{DefaultResponseForPanic, ResponseForPanic};
///
/// let response = DefaultResponseForPanic::new().response_for_panic(Box::new("index out of bounds"));
/// assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct DefaultResponseForPanic {
    _private: (),
}

impl DefaultResponseForPanic {
    /// Creates the default response maker.
    ///
    /// # Examples
    ///
    /// ```
    /// let _make = spire_middleware::http::catch_panic::DefaultResponseForPanic::new();
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self { _private: () }
    }
}

impl ResponseForPanic for DefaultResponseForPanic {
    type ResponseBody = Full<Bytes>;

    fn response_for_panic(
        &mut self,
        panic: Box<dyn Any + Send + 'static>,
    ) -> Response<Full<Bytes>> {
        let message = if let Some(text) = panic.downcast_ref::<&'static str>() {
            text
        } else if let Some(text) = panic.downcast_ref::<String>() {
            text.as_str()
        } else {
            "(a payload that is not a string)"
        };
        tracing::error!(panic = message, "service panicked; answering 500");

        let mut response = Response::new(Full::new(Bytes::from_static(b"internal server error")));
        *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        response
    }
}

//! [`CatchPanicLayer`].

use spire_service::Layer;

use super::{CatchPanic, DefaultResponseForPanic};

/// A [`Layer`] that wraps services in [`CatchPanic`].
///
/// # Examples
///
/// ```
/// use spire_middleware::http::catch_panic::CatchPanicLayer;
///
/// let _layer = CatchPanicLayer::new();
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct CatchPanicLayer<T = DefaultResponseForPanic> {
    response_for_panic: T,
}

impl CatchPanicLayer {
    /// Creates a layer whose services answer a panic with [`DefaultResponseForPanic`]'s 500.
    ///
    /// # Examples
    ///
    /// ```
    /// let _layer = spire_middleware::http::catch_panic::CatchPanicLayer::new();
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self {
            response_for_panic: DefaultResponseForPanic::new(),
        }
    }
}

impl<T> CatchPanicLayer<T> {
    /// Creates a layer whose services answer a panic with `response_for_panic`'s response.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::any::Any;
    ///
    /// use http::{Response, StatusCode};
    /// use spire_middleware::http::catch_panic::CatchPanicLayer;
    ///
    /// let _layer = CatchPanicLayer::custom(|_: Box<dyn Any + Send>| {
    ///     let mut response = Response::new(String::from("sorry"));
    ///     *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    ///     response
    /// });
    /// ```
    pub const fn custom(response_for_panic: T) -> Self {
        Self { response_for_panic }
    }
}

impl<S, T: Clone> Layer<S> for CatchPanicLayer<T> {
    type Service = CatchPanic<S, T>;

    fn layer(&self, inner: S) -> CatchPanic<S, T> {
        CatchPanic::custom(inner, self.response_for_panic.clone())
    }
}

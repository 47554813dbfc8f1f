//! [`SetRequestHeaderLayer`] and [`SetResponseHeaderLayer`].

use std::fmt;

use http::HeaderName;
use spire_service::Layer;

use super::make_value::InsertHeaderMode;
use super::{SetRequestHeader, SetResponseHeader};

/// A [`Layer`] that wraps services in [`SetRequestHeader`].
///
/// # Examples
///
/// ```
/// use http::{HeaderValue, Request, header};
/// use spire_middleware::http::set_header::SetRequestHeaderLayer;
/// use spire_service::{ServiceBuilder, ServiceExt};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let svc = ServiceBuilder::new()
///     .layer(SetRequestHeaderLayer::overriding(header::USER_AGENT, HeaderValue::from_static("spire")))
///     .service_fn(|request: Request<()>| async move {
///         Ok::<_, std::convert::Infallible>(request.headers()[header::USER_AGENT].clone())
///     });
/// assert_eq!(svc.oneshot(Request::new(())).await.unwrap(), "spire");
/// # }
/// ```
#[derive(Clone)]
pub struct SetRequestHeaderLayer<M> {
    header_name: HeaderName,
    make: M,
    mode: InsertHeaderMode,
}

/// A [`Layer`] that wraps services in [`SetResponseHeader`].
///
/// # Examples
///
/// ```
/// use http::{HeaderValue, Request, Response, header};
/// use spire_middleware::http::set_header::SetResponseHeaderLayer;
/// use spire_service::{ServiceBuilder, ServiceExt};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let svc = ServiceBuilder::new()
///     .layer(SetResponseHeaderLayer::appending(header::VARY, HeaderValue::from_static("accept")))
///     .service_fn(|_: Request<()>| async { Ok::<_, std::convert::Infallible>(Response::new(())) });
/// let response = svc.oneshot(Request::new(())).await.unwrap();
/// assert_eq!(response.headers()[header::VARY], "accept");
/// # }
/// ```
#[derive(Clone)]
pub struct SetResponseHeaderLayer<M> {
    header_name: HeaderName,
    make: M,
    mode: InsertHeaderMode,
}

impl<M> SetRequestHeaderLayer<M> {
    /// Creates a layer that sets `header_name` on every request, replacing any value it had.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::set_header::SetRequestHeaderLayer;
    ///
    /// let _layer = SetRequestHeaderLayer::overriding(http::header::SERVER, http::HeaderValue::from_static("spire"));
    /// ```
    pub fn overriding(header_name: HeaderName, make: M) -> Self {
        Self {
            header_name,
            make,
            mode: InsertHeaderMode::Override,
        }
    }

    /// Creates a layer that appends a value of `header_name` to every request, keeping the
    /// values it had.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::set_header::SetRequestHeaderLayer;
    ///
    /// let _layer = SetRequestHeaderLayer::appending(http::header::VIA, http::HeaderValue::from_static("1.1 spire"));
    /// ```
    pub fn appending(header_name: HeaderName, make: M) -> Self {
        Self {
            header_name,
            make,
            mode: InsertHeaderMode::Append,
        }
    }

    /// Creates a layer that sets `header_name` only on a request that does not have it.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::set_header::SetRequestHeaderLayer;
    ///
    /// let _layer = SetRequestHeaderLayer::if_not_present(http::header::CONTENT_TYPE, http::HeaderValue::from_static("text/plain"));
    /// ```
    pub fn if_not_present(header_name: HeaderName, make: M) -> Self {
        Self {
            header_name,
            make,
            mode: InsertHeaderMode::IfNotPresent,
        }
    }
}

impl<M> fmt::Debug for SetRequestHeaderLayer<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetRequestHeaderLayer")
            .field("header_name", &self.header_name)
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

impl<S, M: Clone> Layer<S> for SetRequestHeaderLayer<M> {
    type Service = SetRequestHeader<S, M>;

    fn layer(&self, inner: S) -> SetRequestHeader<S, M> {
        SetRequestHeader::with_mode(
            inner,
            self.header_name.clone(),
            self.make.clone(),
            self.mode,
        )
    }
}

impl<M> SetResponseHeaderLayer<M> {
    /// Creates a layer that sets `header_name` on every response, replacing any value it had.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::set_header::SetResponseHeaderLayer;
    ///
    /// let _layer = SetResponseHeaderLayer::overriding(http::header::SERVER, http::HeaderValue::from_static("spire"));
    /// ```
    pub fn overriding(header_name: HeaderName, make: M) -> Self {
        Self {
            header_name,
            make,
            mode: InsertHeaderMode::Override,
        }
    }

    /// Creates a layer that appends a value of `header_name` to every response, keeping the
    /// values it had.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::set_header::SetResponseHeaderLayer;
    ///
    /// let _layer = SetResponseHeaderLayer::appending(http::header::VIA, http::HeaderValue::from_static("1.1 spire"));
    /// ```
    pub fn appending(header_name: HeaderName, make: M) -> Self {
        Self {
            header_name,
            make,
            mode: InsertHeaderMode::Append,
        }
    }

    /// Creates a layer that sets `header_name` only on a response that does not have it.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::set_header::SetResponseHeaderLayer;
    ///
    /// let _layer = SetResponseHeaderLayer::if_not_present(http::header::CONTENT_TYPE, http::HeaderValue::from_static("text/plain"));
    /// ```
    pub fn if_not_present(header_name: HeaderName, make: M) -> Self {
        Self {
            header_name,
            make,
            mode: InsertHeaderMode::IfNotPresent,
        }
    }
}

impl<M> fmt::Debug for SetResponseHeaderLayer<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetResponseHeaderLayer")
            .field("header_name", &self.header_name)
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

impl<S, M: Clone> Layer<S> for SetResponseHeaderLayer<M> {
    type Service = SetResponseHeader<S, M>;

    fn layer(&self, inner: S) -> SetResponseHeader<S, M> {
        SetResponseHeader::with_mode(
            inner,
            self.header_name.clone(),
            self.make.clone(),
            self.mode,
        )
    }
}

//! Mark headers sensitive, so that traces and logs redact them:
//! [`SetSensitiveRequestHeaders`], [`SetSensitiveResponseHeaders`], and
//! [`SetSensitiveHeaders`] for both.
//!
//! Marking calls [`HeaderValue::set_sensitive(true)`](http::HeaderValue::set_sensitive) on
//! every value of each listed header. The value itself is unchanged; `Debug` prints
//! `Sensitive` instead of it, and HTTP/2's HPACK never indexes it. Put the request layer
//! outside any tracing layer so the trace sees the flag, and the response layer inside it.
//!
//! **Readiness:** forwards the inner `poll_ready`; reserves nothing.
//! **Errors:** none added; the inner error passes through unchanged.
//!
//! # Examples
//!
//! ```
//! use http::{Request, Response, header};
//! use spire_middleware::http::sensitive_headers::SetSensitiveHeadersLayer;
//! use spire_service::{ServiceBuilder, ServiceExt};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let svc = ServiceBuilder::new()
//!     .layer(SetSensitiveHeadersLayer::new([header::AUTHORIZATION, header::SET_COOKIE]))
//!     .service_fn(|request: Request<()>| async move {
//!         assert!(request.headers()[header::AUTHORIZATION].is_sensitive());
//!         let response = Response::builder().header(header::SET_COOKIE, "id=1").body(()).unwrap();
//!         Ok::<_, std::convert::Infallible>(response)
//!     });
//! let request = Request::builder().header(header::AUTHORIZATION, "Bearer t").body(()).unwrap();
//! let response = svc.oneshot(request).await.unwrap();
//! assert!(response.headers()[header::SET_COOKIE].is_sensitive());
//! # }
//! ```

mod future;
mod layer;
mod service;

pub use self::future::ResponseFuture;
pub use self::layer::{
    SetSensitiveHeadersLayer, SetSensitiveRequestHeadersLayer, SetSensitiveResponseHeadersLayer,
};
pub use self::service::{
    SetSensitiveHeaders, SetSensitiveRequestHeaders, SetSensitiveResponseHeaders,
};

use http::{HeaderMap, HeaderName};

/// Marks every value of every header in `names` sensitive.
fn mark(headers: &mut HeaderMap, names: &[HeaderName]) {
    for name in names {
        if let http::header::Entry::Occupied(mut entry) = headers.entry(name) {
            for value in entry.iter_mut() {
                value.set_sensitive(true);
            }
        }
    }
}

//! Cross-Origin Resource Sharing, as the Fetch standard defines it: [`Cors`], configured
//! by [`CorsLayer`].
//!
//! Browsers let a script on one origin read responses from another only when the
//! response says so. This layer says so according to its configuration: allowed origins
//! as one value, a list, any (`*`), a predicate or a mirror of the request; methods and
//! request headers allowed in preflights; response headers exposed to scripts;
//! credentials; and how long a preflight may be cached.
//!
//! ```text
//!   no Origin header        ──► inner service, unchanged (plus Vary: origin if the answer varies by origin)
//!   OPTIONS + Origin
//!   + Access-Control-Request-Method
//!                           ──► preflight, answered here (200, empty body), inner service not called:
//!                               Allow-Origin, Allow-Credentials, Allow-Methods, Allow-Headers, Max-Age
//!                               (only when the origin is allowed), and always
//!                               Vary: origin, access-control-request-method, access-control-request-headers
//!   any other request
//!   with Origin             ──► inner service; its response gets Allow-Origin, Allow-Credentials and
//!                               Expose-Headers when the origin is allowed, and Vary: origin when the
//!                               answer varies by origin
//! ```
//!
//! The layer answers; the browser enforces. A disallowed origin, method or header gets
//! an answer without the matching `Access-Control-Allow-*` value, and the browser then
//! refuses the script access. Credentials together with a `*` wildcard never work in
//! browsers, so such a configuration is rejected when the layer is built (see
//! [`CorsLayer::check`] and [`WildcardWithCredentials`]).
//!
//! Header values are built once, with the layer; per request the layer clones
//! reference-counted values and allocates nothing beyond what a preflight's header map
//! needs.
//!
//! A preflight's answer has an empty body, made with the response body type's `Default`;
//! put `Cors` where the body inside it has one (your service's body, or spire-body's
//! `Full`, `Empty`, `BoxBody`, `UnsyncBoxBody`), that is inside layers that wrap response
//! bodies such as [`compression`](crate::http::compression) or
//! [`trace`](crate::http::trace).
//!
//! **Readiness:** forwards the inner `poll_ready`; reserves nothing.
//! **Errors:** none added; the inner error passes through unchanged.
//!
//! # Examples
//!
//! ```
//! use http::{HeaderValue, Method, Request, Response, header};
//! use spire_middleware::http::cors::CorsLayer;
//! use spire_service::{ServiceBuilder, ServiceExt};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let svc = ServiceBuilder::new()
//!     .layer(
//!         CorsLayer::new()
//!             .allow_origin([HeaderValue::from_static("https://app.example")])
//!             .allow_methods([Method::GET, Method::POST]),
//!     )
//!     .service_fn(|_: Request<()>| async { Ok::<_, std::convert::Infallible>(Response::new(String::from("data"))) });
//! let request = Request::builder().header(header::ORIGIN, "https://app.example").body(()).unwrap();
//! let response = svc.oneshot(request).await.unwrap();
//! assert_eq!(response.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "https://app.example");
//! assert_eq!(response.headers()[header::VARY], "origin");
//! # }
//! ```

mod error;
mod future;
mod layer;
mod lists;
mod origin;
mod service;

pub use self::error::WildcardWithCredentials;
pub use self::future::ResponseFuture;
pub use self::layer::CorsLayer;
pub use self::lists::{AllowHeaders, AllowMethods, ExposeHeaders};
pub use self::origin::AllowOrigin;
pub use self::service::Cors;

/// The `Vary` value of every preflight answer: it depends on all three request headers.
const VARY_PREFLIGHT: http::HeaderValue = http::HeaderValue::from_static(
    "origin, access-control-request-method, access-control-request-headers",
);

/// A wildcard, for the setters of [`CorsLayer`]: `CorsLayer::new().allow_origin(Any)`.
///
/// # Examples
///
/// ```
/// use spire_middleware::http::cors::{Any, CorsLayer};
///
/// let _layer = CorsLayer::new().allow_origin(Any).allow_methods(Any).allow_headers(Any);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Any;

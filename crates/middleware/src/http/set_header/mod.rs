//! Set a header on every request ([`SetRequestHeader`]) or response
//! ([`SetResponseHeader`]).
//!
//! The value is either fixed (a [`HeaderValue`](http::HeaderValue), or an `Option` of
//! one) or computed from the message by a closure `FnMut(&Message) -> Option<HeaderValue>`
//! (see [`MakeHeaderValue`]); `None` sets nothing. Three modes say what happens when the
//! message already has the header:
//!
//! ```text
//!   overriding     replace every existing value
//!   appending      add one more value, keep the old ones
//!   if_not_present leave an existing header alone (the value is not even computed)
//! ```
//!
//! **Readiness:** forwards the inner `poll_ready`; reserves nothing.
//! **Errors:** none added; the inner error passes through unchanged.
//!
//! # Examples
//!
//! ```
//! use http::{HeaderValue, Request, Response, header};
//! use spire_middleware::http::set_header::SetResponseHeaderLayer;
//! use spire_service::{ServiceBuilder, ServiceExt};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let svc = ServiceBuilder::new()
//!     .layer(SetResponseHeaderLayer::if_not_present(
//!         header::CONTENT_TYPE,
//!         HeaderValue::from_static("text/plain"),
//!     ))
//!     .service_fn(|_: Request<()>| async { Ok::<_, std::convert::Infallible>(Response::new("hi")) });
//! let response = svc.oneshot(Request::new(())).await.unwrap();
//! assert_eq!(response.headers()[header::CONTENT_TYPE], "text/plain");
//! # }
//! ```

mod future;
mod layer;
mod make_value;
mod service;

pub use self::future::ResponseFuture;
pub use self::layer::{SetRequestHeaderLayer, SetResponseHeaderLayer};
pub use self::make_value::MakeHeaderValue;
pub use self::service::{SetRequestHeader, SetResponseHeader};

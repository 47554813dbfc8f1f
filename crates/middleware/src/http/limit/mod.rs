//! Cap the size of request bodies: [`RequestBodyLimit`].
//!
//! A request whose `Content-Length` (or whose body's [`size_hint`] lower bound) is over the
//! limit is answered `413 Payload Too Large` at once; the inner service is not called and
//! the body is not read. Every other request reaches the inner service with its body
//! wrapped in spire-body's [`Limited`], so a body that streams past the limit (chunked,
//! or lying about its length) fails with a [`LengthLimitError`] in the middle. The inner
//! service decides what to answer then; a handler that collects the body can look for
//! `LengthLimitError` and answer 413 itself.
//!
//! ```text
//!   Content-Length > limit ──► 413 (inner service not called)
//!   otherwise ──► inner service, body = Limited(body, limit) ──► … LengthLimitError mid-stream
//! ```
//!
//! The response body is a [`ResponseBody`]: the inner service's body, or the short
//! `text/plain` body of the 413.
//!
//! **Readiness:** forwards the inner `poll_ready`; reserves nothing. A request answered
//! 413 still uses up the readiness it was called with, as any call does.
//! **Errors:** none added; 413 is a response.
//!
//! [`size_hint`]: spire_body::Body::size_hint
//! [`Limited`]: spire_body::Limited
//! [`LengthLimitError`]: spire_body::LengthLimitError
//!
//! # Examples
//!
//! ```
//! use bytes::Bytes;
//! use http::{Request, Response, StatusCode, header};
//! use spire_body::{Full, Limited};
//! use spire_middleware::http::limit::RequestBodyLimitLayer;
//! use spire_service::{ServiceBuilder, ServiceExt};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let svc = ServiceBuilder::new()
//!     .layer(RequestBodyLimitLayer::new(4))
//!     .service_fn(|_: Request<Limited<Full<Bytes>>>| async {
//!         Ok::<_, std::convert::Infallible>(Response::new(Full::new(Bytes::from("ok"))))
//!     });
//! let request = Request::builder()
//!     .header(header::CONTENT_LENGTH, "10")
//!     .body(Full::new(Bytes::from("0123456789")))
//!     .unwrap();
//! let response = svc.oneshot(request).await.unwrap();
//! assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
//! # }
//! ```

mod body;
mod future;
mod layer;
mod service;

pub use self::body::ResponseBody;
pub use self::future::ResponseFuture;
pub use self::layer::RequestBodyLimitLayer;
pub use self::service::RequestBodyLimit;

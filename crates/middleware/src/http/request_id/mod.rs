//! Give each request an id ([`SetRequestId`]) and echo it on the response
//! ([`PropagateRequestId`]).
//!
//! [`SetRequestId`] leaves a request that already carries the header alone; otherwise it
//! asks its [`MakeRequestId`] for a fresh id and sets the header. Either way the id is
//! also stored in the request's extensions as a [`RequestId`], so handlers and traces can
//! read it without parsing headers. [`PropagateRequestId`] copies the request's id to the
//! response (unless the response already has one) and to the response's extensions.
//! The header is `x-request-id` unless another name is given.
//!
//! ```text
//!   SetRequestId ─► PropagateRequestId ─► … ─► handler
//!   (outermost: the id exists before anything else sees the request)
//! ```
//!
//! **Readiness:** forwards the inner `poll_ready`; reserves nothing.
//! **Errors:** none added; the inner error passes through unchanged.
//!
//! # Examples
//!
//! ```
//! use http::{Request, Response};
//! use spire_middleware::ServiceBuilderExt;
//! use spire_middleware::http::request_id::{MakeRequestHex, RequestId};
//! use spire_service::{ServiceBuilder, ServiceExt};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let svc = ServiceBuilder::new()
//!     .set_x_request_id(MakeRequestHex::new())
//!     .propagate_x_request_id()
//!     .service_fn(|request: Request<()>| async move {
//!         assert!(request.extensions().get::<RequestId>().is_some());
//!         Ok::<_, std::convert::Infallible>(Response::new(()))
//!     });
//! let response = svc.oneshot(Request::new(())).await.unwrap();
//! assert_eq!(response.headers()["x-request-id"].len(), 32);
//! # }
//! ```

mod future;
mod layer;
mod make;
mod service;

pub use self::future::ResponseFuture;
pub use self::layer::{PropagateRequestIdLayer, SetRequestIdLayer};
pub use self::make::{MakeRequestHex, MakeRequestId, RequestId};
pub use self::service::{PropagateRequestId, SetRequestId};

/// The default header: `x-request-id`.
const X_REQUEST_ID: http::HeaderName = http::HeaderName::from_static("x-request-id");

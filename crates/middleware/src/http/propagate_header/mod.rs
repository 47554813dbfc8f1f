//! Copy a request header to the response: [`PropagateHeader`].
//!
//! The value is read from the request before it is passed on (a reference-counted clone
//! of the [`HeaderValue`](http::HeaderValue), no allocation) and inserted into the
//! response, replacing whatever the inner service set. A request without the header
//! leaves the response unchanged.
//!
//! **Readiness:** forwards the inner `poll_ready`; reserves nothing.
//! **Errors:** none added; the inner error passes through unchanged.
//!
//! # Examples
//!
//! ```
//! use http::{HeaderName, Request, Response};
//! use spire_middleware::http::propagate_header::PropagateHeaderLayer;
//! use spire_service::{ServiceBuilder, ServiceExt};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let svc = ServiceBuilder::new()
//!     .layer(PropagateHeaderLayer::new(HeaderName::from_static("x-trace")))
//!     .service_fn(|_: Request<()>| async { Ok::<_, std::convert::Infallible>(Response::new(())) });
//! let request = Request::builder().header("x-trace", "abc").body(()).unwrap();
//! let response = svc.oneshot(request).await.unwrap();
//! assert_eq!(response.headers()["x-trace"], "abc");
//! # }
//! ```

mod future;
mod layer;
mod service;

pub use self::future::ResponseFuture;
pub use self::layer::PropagateHeaderLayer;
pub use self::service::PropagateHeader;

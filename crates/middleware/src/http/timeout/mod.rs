//! Answer `408 Request Timeout` when the request takes too long: [`Timeout`].
//!
//! Unlike the generic [`timeout`](crate::timeout), which fails the call with
//! [`Elapsed`](crate::timeout::Elapsed) and boxes every error, this layer answers with a
//! response and keeps the inner service's error type: a server can send the 408 and keep
//! the connection, and no error is erased on the way (tower-http's argument).
//!
//! The clock starts in `call` and covers the inner response future only, not the
//! response body. When the deadline passes, the answer is a 408 whose body is the body
//! type's `Default` (empty, for spire-body's bodies); the inner future is dropped with
//! the response future, which cancels the request.
//!
//! ```text
//!   call ──► inner future ──────────────► Ok(response) / Err(inner error)
//!        └─► sleep(timeout) ──fires──► Ok(408, empty body)  (the inner future is abandoned)
//! ```
//!
//! **Readiness:** forwards the inner `poll_ready`; reserves nothing; readiness is not timed.
//! **Errors:** none added; a timeout is a 408 response.
//!
//! # Examples
//!
//! ```
//! use std::time::Duration;
//!
//! use http::{Request, Response, StatusCode};
//! use spire_middleware::http::timeout::TimeoutLayer;
//! use spire_service::{ServiceBuilder, ServiceExt};
//!
//! # #[tokio::main(flavor = "current_thread", start_paused = true)]
//! # async fn main() {
//! let svc = ServiceBuilder::new()
//!     .layer(TimeoutLayer::new(Duration::from_secs(1)))
//!     .service_fn(|_: Request<()>| async {
//!         tokio::time::sleep(Duration::from_secs(5)).await;
//!         Ok::<_, std::convert::Infallible>(Response::new(String::from("too late")))
//!     });
//! let response = svc.oneshot(Request::new(())).await.unwrap();
//! assert_eq!(response.status(), StatusCode::REQUEST_TIMEOUT);
//! assert!(response.body().is_empty());
//! # }
//! ```

mod future;
mod layer;
mod service;

pub use self::future::ResponseFuture;
pub use self::layer::TimeoutLayer;
pub use self::service::Timeout;

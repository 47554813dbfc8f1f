//! A deadline per call: [`Timeout`] fails any call that takes longer than a fixed
//! duration with [`Elapsed`].
//!
//! The clock starts in [`call`](spire_service::Service::call), not in `poll_ready`: time
//! spent waiting for readiness is not counted (put the timeout outside a
//! [`Buffer`](crate::buffer::Buffer) or a concurrency limit to count queueing too). When
//! the deadline passes, the inner response future is dropped, which cancels the request.
//!
//! ```text
//!   call ──► inner future ─────────────► Ok(response) / Err(inner error, boxed)
//!        └─► sleep(timeout) ──fires──► Err(Elapsed)   (the inner future is dropped)
//! ```
//!
//! # Examples
//!
//! ```
//! use std::time::Duration;
//!
//! use spire_middleware::timeout::{Elapsed, TimeoutLayer};
//! use spire_service::{BoxError, ServiceBuilder, ServiceExt};
//!
//! # #[tokio::main(flavor = "current_thread", start_paused = true)]
//! # async fn main() {
//! let svc = ServiceBuilder::new()
//!     .layer(TimeoutLayer::new(Duration::from_secs(1)))
//!     .service_fn(|()| async {
//!         tokio::time::sleep(Duration::from_secs(5)).await;
//!         Ok::<_, BoxError>("too late")
//!     });
//! let err = svc.oneshot(()).await.unwrap_err();
//! assert!(err.is::<Elapsed>());
//! # }
//! ```

mod error;
mod future;
mod layer;
mod service;

pub use self::error::Elapsed;
pub use self::future::ResponseFuture;
pub use self::layer::TimeoutLayer;
pub use self::service::Timeout;

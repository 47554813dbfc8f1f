//! Drive a service's readiness in a background task: [`SpawnReady`].
//!
//! Some services do real work to become ready (connect, refill a pool, warm a cache),
//! and only make progress while someone polls them. When `SpawnReady`'s inner service is
//! not ready, it moves the service into a spawned task that polls it to readiness, and
//! takes it back when that is done. The caller's task is free meanwhile, and the work
//! continues even if the caller stops polling for a while.
//!
//! ```text
//!   poll_ready ──► inner ready? ──yes──► Ready
//!                       │ no
//!                       └──► tokio::spawn(poll inner until ready) ──► Pending
//!   poll_ready again ──► task done? ──► take the ready service back ──► Ready
//! ```
//!
//! # Examples
//!
//! ```
//! use spire_middleware::spawn_ready::SpawnReadyLayer;
//! use spire_service::{BoxError, ServiceBuilder, ServiceExt};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let svc = ServiceBuilder::new()
//!     .layer(SpawnReadyLayer::new())
//!     .service_fn(|x: u8| async move { Ok::<_, BoxError>(x) });
//! assert_eq!(svc.oneshot(3).await.unwrap(), 3);
//! # }
//! ```

mod future;
mod layer;
mod service;

pub use self::future::ResponseFuture;
pub use self::layer::SpawnReadyLayer;
pub use self::service::SpawnReady;

//! At most N calls in flight: [`ConcurrencyLimit`].
//!
//! Each call needs a permit of a tokio [`Semaphore`](tokio::sync::Semaphore). `poll_ready`
//! takes one, `call` moves it into the response future, and the permit goes back when
//! the response is done or the future dropped. The semaphore can belong to one service
//! (and its clones), as with [`ConcurrencyLimitLayer`], or be shared by many services, as
//! with [`GlobalConcurrencyLimitLayer`] and [`ConcurrencyLimit::with_semaphore`]: then N
//! is the limit of all of them together.
//!
//! When no permit is free, the service waits (backpressure, the default) or, with
//! [`WhenFull::Reject`], stays ready and fails the call at once with
//! [`Overloaded`](crate::error::Overloaded).
//!
//! ```text
//!   poll_ready ── permit free? ──yes──► take it, then poll the inner service
//!                     │ no
//!          WhenFull::Wait: Pending (woken when a permit is released, FIFO)
//!          WhenFull::Reject: Ready, and the call fails with Overloaded
//! ```
//!
//! # Examples
//!
//! ```
//! use spire_middleware::limit::concurrency::ConcurrencyLimitLayer;
//! use spire_service::{BoxError, ServiceBuilder, ServiceExt};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let svc = ServiceBuilder::new()
//!     .layer(ConcurrencyLimitLayer::new(64))
//!     .service_fn(|x: u32| async move { Ok::<_, BoxError>(x * 2) });
//! assert_eq!(svc.oneshot(21).await.unwrap(), 42);
//! # }
//! ```

mod future;
mod layer;
mod service;

pub use self::future::ResponseFuture;
pub use self::layer::{ConcurrencyLimitLayer, GlobalConcurrencyLimitLayer};
pub use self::service::{ConcurrencyLimit, WhenFull};

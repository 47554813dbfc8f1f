//! Fail fast instead of waiting: [`LoadShed`] answers
//! [`Overloaded`](crate::error::Overloaded) when the inner service is not ready.
//!
//! Backpressure makes callers wait; sometimes waiting is worse than failing (a client
//! that would time out anyway, a load balancer that could try another node). `LoadShed`
//! is always ready. When its inner service is ready, calls go through; when it is not,
//! each call fails at once, without reaching the inner service.
//!
//! ```text
//!   poll_ready ──► inner.poll_ready ── Ready ──► call goes to the inner service
//!                                   └─ Pending ─► call fails with Overloaded
//! ```
//!
//! Put it outside the layer that creates backpressure: outside a concurrency limit, it
//! turns "wait for a permit" into "fail when all permits are taken".
//!
//! # Examples
//!
//! ```
//! use spire_middleware::error::Overloaded;
//! use spire_middleware::limit::concurrency::ConcurrencyLimitLayer;
//! use spire_middleware::load_shed::LoadShedLayer;
//! use spire_service::{Service, ServiceBuilder, ServiceExt};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let (mock, _handle) = spire_test::mock::pair::<(), ()>();
//! let mut svc = ServiceBuilder::new()
//!     .layer(LoadShedLayer::new())
//!     .layer(ConcurrencyLimitLayer::new(1))
//!     .service(mock);
//! let _in_flight = svc.ready().await.unwrap().call(());
//! let err = svc.ready().await.unwrap().call(()).await.unwrap_err();
//! assert!(err.is::<Overloaded>());
//! # }
//! ```

mod future;
mod layer;
mod service;

pub use self::future::ResponseFuture;
pub use self::layer::LoadShedLayer;
pub use self::service::LoadShed;

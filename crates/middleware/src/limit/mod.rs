//! Limits on how much work reaches a service: how many calls at once
//! ([`concurrency`]) and how many per period ([`rate`]).
//!
//! By default both enforce their limit in `poll_ready`, as backpressure: a caller that
//! respects readiness waits, and never overruns the limit. A concurrency limit can
//! instead reject at once when full ([`WhenFull::Reject`](concurrency::WhenFull::Reject)),
//! and a [`KeyedRateLimit`](rate::KeyedRateLimit), which only learns the key in `call`,
//! rejects calls over their key's budget.
//!
//! # Examples
//!
//! ```
//! use std::time::Duration;
//!
//! use spire_middleware::limit::concurrency::ConcurrencyLimitLayer;
//! use spire_middleware::limit::rate::RateLimitLayer;
//! use spire_service::{BoxError, ServiceBuilder, ServiceExt};
//!
//! # #[tokio::main(flavor = "current_thread", start_paused = true)]
//! # async fn main() {
//! let svc = ServiceBuilder::new()
//!     .layer(RateLimitLayer::new(100, Duration::from_secs(1)))
//!     .layer(ConcurrencyLimitLayer::new(10))
//!     .service_fn(|x: u8| async move { Ok::<_, BoxError>(x) });
//! assert_eq!(svc.oneshot(1).await.unwrap(), 1);
//! # }
//! ```

pub mod concurrency;
pub mod rate;

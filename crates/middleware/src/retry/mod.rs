//! Try failed calls again: [`Retry`], driven by a [`Policy`], with
//! [`ExponentialBackoff`] between attempts and a [`Budget`] that caps retries as a share
//! of traffic.
//!
//! The [`Policy`] decides, for each result, whether to try again and after what wait (a
//! future, usually a backoff's sleep); it also clones the request before each attempt,
//! since the inner service consumes it. Retries happen inside the response future: the
//! retry waits for the inner service's readiness like any caller.
//!
//! ```text
//!   call ──► attempt ──► result ──► policy.retry(&mut req, &mut result)
//!               ▲                       │ Some(wait)          │ None
//!               └── poll_ready ◄── wait ┘                     └──► the caller gets result
//! ```
//!
//! Retrying blindly turns an overloaded backend into a dead one. Two tools keep retries
//! bounded: [`ExponentialBackoff`] spaces attempts out (doubling, capped, with jitter so
//! that clients do not retry in lockstep), and [`Budget`] (Finagle's retry budget) allows
//! retries only as a percentage of recent requests, plus a small floor per second.
//!
//! # Examples
//!
//! A policy that retries errors up to three times, with backoff, within a budget:
//!
//! ```
//! use std::sync::Arc;
//! use std::time::Duration;
//!
//! use spire_middleware::retry::{Budget, ExponentialBackoff, Policy, RetryLayer};
//! use spire_service::{BoxError, ServiceBuilder, ServiceExt};
//! use tokio::time::Sleep;
//!
//! #[derive(Clone)]
//! struct RetryErrors {
//!     attempts: u32,
//!     backoff: ExponentialBackoff,
//!     budget: Arc<Budget>,
//! }
//!
//! impl<Req: Clone, Res> Policy<Req, Res, BoxError> for RetryErrors {
//!     type Future = Sleep;
//!
//!     fn retry(&mut self, _req: &mut Req, result: &mut Result<Res, BoxError>) -> Option<Sleep> {
//!         match result {
//!             Ok(_) => {
//!                 self.budget.deposit();
//!                 None
//!             }
//!             Err(_) if self.attempts < 3 && self.budget.withdraw() => {
//!                 self.attempts += 1;
//!                 Some(tokio::time::sleep(self.backoff.delay(self.attempts)))
//!             }
//!             Err(_) => None,
//!         }
//!     }
//!
//!     fn clone_request(&mut self, req: &Req) -> Option<Req> {
//!         Some(req.clone())
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread", start_paused = true)]
//! # async fn main() {
//! let policy = RetryErrors {
//!     attempts: 0,
//!     backoff: ExponentialBackoff::new(Duration::from_millis(10), Duration::from_secs(1), 0.5),
//!     budget: Arc::new(Budget::default()),
//! };
//! let calls = Arc::new(std::sync::atomic::AtomicU32::new(0));
//! let counter = Arc::clone(&calls);
//! let svc = ServiceBuilder::new()
//!     .layer(RetryLayer::new(policy))
//!     .service_fn(move |x: u32| {
//!         // fails twice, then succeeds
//!         let n = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
//!         async move { if n < 2 { Err::<u32, BoxError>("flaky".into()) } else { Ok(x) } }
//!     });
//! assert_eq!(svc.oneshot(5).await.unwrap(), 5);
//! assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 3);
//! # }
//! ```

mod backoff;
mod budget;
mod future;
mod layer;
mod policy;
mod service;

pub use self::backoff::ExponentialBackoff;
pub use self::budget::Budget;
pub use self::future::ResponseFuture;
pub use self::layer::RetryLayer;
pub use self::policy::Policy;
pub use self::service::Retry;

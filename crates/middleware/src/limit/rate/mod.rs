//! At most N calls per period: [`RateLimit`], and [`KeyedRateLimit`] for a budget per
//! key (per client address, per user).
//!
//! Time is cut into windows of one period. A window opens with the first call after the
//! previous one ended and holds N calls; once they are used, [`RateLimit`] is not ready
//! until the window ends. Clones share the window, so a framework that clones the service
//! per connection still gets one limit: the [`RateLimit`] is `Clone` whenever the inner
//! service is.
//!
//! ```text
//!   |── period ──|── period ──|
//!   ● ● ● ✗ ✗ ✗  ● ● ● ✗        (N = 3: the fourth caller waits for the next window)
//! ```
//!
//! [`KeyedRateLimit`] cannot wait in `poll_ready`, since readiness comes before the
//! request and so before its key: it keeps a window per key and rejects a call over its
//! key's budget with [`RateLimited`], which says when to retry.
//!
//! # Examples
//!
//! ```
//! use std::time::Duration;
//!
//! use spire_middleware::limit::rate::RateLimitLayer;
//! use spire_service::{BoxError, ServiceBuilder, ServiceExt};
//!
//! # #[tokio::main(flavor = "current_thread", start_paused = true)]
//! # async fn main() {
//! let svc = ServiceBuilder::new()
//!     .layer(RateLimitLayer::new(100, Duration::from_secs(1)))
//!     .service_fn(|x: u8| async move { Ok::<_, BoxError>(x) });
//! assert_eq!(svc.oneshot(1).await.unwrap(), 1);
//! # }
//! ```

mod error;
mod future;
mod keyed;
mod layer;
#[expect(
    clippy::module_inception,
    reason = "the module is named after its one type, Rate, as every file here is"
)]
mod rate;
mod service;
mod window;

pub use self::error::RateLimited;
pub use self::future::ResponseFuture;
pub use self::keyed::KeyedRateLimit;
pub use self::layer::{KeyedRateLimitLayer, RateLimitLayer};
pub use self::rate::Rate;
pub use self::service::RateLimit;

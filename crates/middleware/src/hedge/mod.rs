//! Cut tail latency by sending a second copy of slow requests: [`Hedge`].
//!
//! `Hedge` measures how long calls take. When a call has taken longer than a chosen
//! percentile of recent latencies (say the 95th), it sends a copy of the request (a
//! *hedge*) to another clone of the service, and answers with whichever of the two
//! finishes first; the other is dropped. Only the slowest few percent of calls are
//! hedged, so the extra load is small, and a request stuck behind a slow replica or a
//! lost packet gets a second chance. Requests must be safe to send twice: the [`Policy`]
//! decides which are, and clones them.
//!
//! ```text
//!   call ──► primary ────────────────────────────────► first to finish wins
//!        └── wait p-th percentile latency ──► hedge ──┘
//! ```
//!
//! Latencies are counted per period (`period`), and the percentile is read from the last
//! full period; until it holds `min_data_points` calls, nothing is hedged.
//!
//! # Examples
//!
//! ```
//! use std::time::Duration;
//!
//! use spire_middleware::hedge::{HedgeLayer, Policy};
//! use spire_service::{BoxError, ServiceBuilder, ServiceExt};
//!
//! /// Reads are idempotent: hedge them all.
//! #[derive(Clone)]
//! struct Reads;
//!
//! impl Policy<u64> for Reads {
//!     fn clone_request(&self, key: &u64) -> Option<u64> {
//!         Some(*key)
//!     }
//!     fn can_retry(&self, _key: &u64) -> bool {
//!         true
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread", start_paused = true)]
//! # async fn main() {
//! let svc = ServiceBuilder::new()
//!     .layer(HedgeLayer::new(Reads, 10, 0.95, Duration::from_secs(10)))
//!     .service_fn(|key: u64| async move { Ok::<_, BoxError>(key * 2) });
//! assert_eq!(svc.oneshot(21).await.unwrap(), 42);
//! # }
//! ```

mod future;
mod latencies;
mod layer;
mod policy;
mod service;

pub use self::future::ResponseFuture;
pub use self::layer::HedgeLayer;
pub use self::policy::Policy;
pub use self::service::Hedge;

//! A set of keyed services split by readiness: [`ReadyCache`].
//!
//! A balancer needs to know which of its endpoints can take a request now. A
//! [`ReadyCache`] keeps each service in one of two places: **pending**, where it is polled
//! for readiness as part of one `FuturesUnordered` (so a thousand slow endpoints cost one
//! poll of the ones that woke), or **ready**, an ordered list the caller can index, compare
//! and call. A service that is called goes back to pending until it is ready again.
//!
//! ```text
//!   push(k, svc) ──► pending ──poll_pending: ready──► ready[0..n]
//!                      ▲  │ failed: Failed(k, err), dropped   │ call_ready_index(i, req)
//!                      │  └─ evict(k): canceled, dropped      │ check_ready_index(i): no longer ready
//!                      └──────────────────────────────────────┘
//! ```
//!
//! Evicting a key drops its service wherever it is: a pending service's readiness future
//! is canceled and the service dropped on the next [`ReadyCache::poll_pending`].
//!
//! # Examples
//!
//! ```
//! use std::task::{Context, Waker};
//!
//! use spire_middleware::ready_cache::ReadyCache;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let (a, _ha) = spire_test::mock::pair::<u8, u8>();
//! let (b, mut hb) = spire_test::mock::pair::<u8, u8>();
//! hb.allow(0); // `b` is not ready
//! let mut cache = ReadyCache::default();
//! cache.push("a", a);
//! cache.push("b", b);
//! let mut cx = Context::from_waker(Waker::noop());
//! assert!(cache.poll_pending(&mut cx).is_pending()); // still waiting for `b`
//! assert_eq!((cache.ready_len(), cache.pending_len()), (1, 1));
//! assert_eq!(cache.get_ready_index(0).map(|(k, _)| *k), Some("a"));
//! # }
//! ```

mod cache;
mod error;
mod future;

pub use self::cache::ReadyCache;
pub use self::error::Failed;

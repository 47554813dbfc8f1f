//! Spread requests over a changing set of endpoints: [`p2c::Balance`].
//!
//! A balancer takes its endpoints from a [`Discover`](crate::discover::Discover), keeps
//! them in a [`ReadyCache`](crate::ready_cache::ReadyCache), and compares them by their
//! [`Load`](crate::load::Load). The one algorithm here is **power of two choices** (p2c):
//! pick two ready endpoints at random and use the less loaded one. It needs no global
//! ordering of the endpoints and avoids sending every request to the same "least loaded"
//! one, which is what makes it work well with stale load information (Mitzenmacher, *The
//! Power of Two Choices in Randomized Load Balancing*).
//!
//! ```text
//!   Discover ──Insert/Remove──► ReadyCache ──two random ready endpoints──► lower Load ──► call
//!               (PendingRequestsDiscover / PeakEwmaDiscover measure each one)
//! ```
//!
//! # Examples
//!
//! See [`p2c`].

pub mod p2c;

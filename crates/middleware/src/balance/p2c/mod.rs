//! Power-of-two-choices load balancing: [`Balance`].
//!
//! On each `poll_ready`, [`Balance`] applies the changes its [`Discover`] reports, moves the
//! endpoints that became ready into its ready set, then picks two distinct ready endpoints
//! at random and reserves the one with the lower [`Load`]. `call` sends the request there;
//! that endpoint then waits to be ready again before it can be picked.
//!
//! ```text
//!   poll_ready: discover changes ─► poll pending endpoints ─► pick a, b at random
//!               ─► keep the lower load(a), load(b) ─► still ready? yes: Ready / no: pick again
//!   call:       the kept endpoint ─► back to pending
//! ```
//!
//! Endpoints need a load measure: wrap the discover in a
//! [`PendingRequestsDiscover`](crate::load::pending_requests::PendingRequestsDiscover),
//! a [`PeakEwmaDiscover`](crate::load::peak_ewma::PeakEwmaDiscover) or a
//! [`Constant`](crate::load::Constant).
//!
//! There is no `BalanceLayer`: a balancer wraps a [`Discover`], not a service. To make one
//! balancer per target (per upstream cluster), [`MakeBalance`] (and [`MakeBalanceLayer`])
//! wraps a service that makes a `Discover` for each target.
//!
//! # Examples
//!
//! ```
//! use spire_middleware::balance::p2c::Balance;
//! use spire_middleware::discover::ServiceList;
//! use spire_middleware::load::CompleteOnResponse;
//! use spire_middleware::load::pending_requests::PendingRequestsDiscover;
//! use spire_service::{BoxError, BoxService, Service, ServiceExt, service_fn};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), BoxError> {
//! let replica = |name: &'static str| -> BoxService<u32, String, BoxError> {
//!     BoxService::new(service_fn(move |x: u32| async move { Ok(format!("{name}: {x}")) }))
//! };
//! let endpoints = ServiceList::new([replica("a"), replica("b")]);
//! let mut svc = Balance::new(PendingRequestsDiscover::new(endpoints, CompleteOnResponse::default()));
//!
//! let answer = svc.ready().await?.call(7).await?;
//! assert!(answer == "a: 7" || answer == "b: 7");
//! # Ok(())
//! # }
//! ```

mod error;
mod future;
mod layer;
mod make;
mod service;

pub use self::error::DiscoverFailed;
pub use self::future::ResponseFuture;
pub use self::layer::MakeBalanceLayer;
pub use self::make::{MakeBalance, MakeFuture};
pub use self::service::Balance;

#[cfg(doc)]
use crate::{discover::Discover, load::Load};

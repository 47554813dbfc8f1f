//! How busy an endpoint is: the [`Load`] trait and three measures of it.
//!
//! A balancer compares endpoints by their [`Load::load`] and sends the request to the
//! lower one. Each measure here is a service wrapper (it sees every call) and, for
//! wrapping a whole [`Discover`](crate::discover::Discover), a discover wrapper that
//! applies it to every endpoint inserted:
//!
//! | measure | metric | service | discover |
//! | --- | --- | --- | --- |
//! | fixed, set by hand | any `M: PartialOrd` | [`Constant`] | [`Constant`] |
//! | requests in flight | [`Count`](pending_requests::Count) | [`PendingRequests`](pending_requests::PendingRequests) | [`PendingRequestsDiscover`](pending_requests::PendingRequestsDiscover) |
//! | latency × (requests in flight + 1) | [`Cost`](peak_ewma::Cost) | [`PeakEwma`](peak_ewma::PeakEwma) | [`PeakEwmaDiscover`](peak_ewma::PeakEwmaDiscover) |
//!
//! A request counts as in flight from `call` until its response future completes (or is
//! dropped). That moment is a [`TrackCompletion`] hook: the default,
//! [`CompleteOnResponse`], ends it when the response arrives; a hook can instead move the
//! measure's handle into the response (for instance into a body, to count until the body
//! ends).
//!
//! ```text
//!   call ──► handle created ──► response future ──► TrackCompletion(handle, response)
//!            (in flight: +1)                        CompleteOnResponse: drop handle (-1)
//! ```
//!
//! # Examples
//!
//! ```
//! use spire_middleware::load::{CompleteOnResponse, Load};
//! use spire_middleware::load::pending_requests::PendingRequests;
//! use spire_service::{Service, ServiceExt};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let (mock, mut handle) = spire_test::mock::pair::<u8, u8>();
//! let mut svc = PendingRequests::new(mock, CompleteOnResponse::default());
//! let response = svc.ready().await.unwrap().call(1);
//! assert_eq!(svc.load().get(), 1);
//! handle.next_request().await.unwrap().1.send_response(2);
//! assert_eq!(response.await.unwrap(), 2);
//! assert_eq!(svc.load().get(), 0);
//! # }
//! ```

mod completion;
mod constant;
mod metric;
pub mod peak_ewma;
pub mod pending_requests;

pub use self::completion::{CompleteOnResponse, TrackCompletion, TrackCompletionFuture};
pub use self::constant::Constant;
pub use self::metric::Load;

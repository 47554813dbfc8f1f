//! Answer `503 Service Unavailable` instead of waiting: [`LoadShed`].
//!
//! The HTTP form of the generic [`load_shed`](crate::load_shed). That one fails the call
//! with [`Overloaded`](crate::error::Overloaded), which a server can only turn into a 500
//! and a closed connection; this one answers a 503 response and keeps the inner service's
//! error type, so the client learns it should come back later and the connection lives
//! on.
//!
//! ```text
//!   poll_ready ──► inner.poll_ready ── Ready ──► call goes to the inner service
//!                                   └─ Pending ─► call answers 503 (empty body)
//! ```
//!
//! Put it outside the layer that creates backpressure: outside a concurrency limit, it
//! turns "wait for a permit" into "503 when all permits are taken". The 503's body is the
//! body type's `Default` (empty for spire-body's bodies).
//!
//! **Readiness:** always `Ready` (an inner `poll_ready` error is passed on); see
//! [`LoadShed`].
//! **Errors:** none added; shedding is a 503 response.
//!
//! # Examples
//!
//! ```
//! use http::{Request, Response, StatusCode};
//! use spire_middleware::http::load_shed::LoadShedLayer;
//! use spire_middleware::limit::concurrency::ConcurrencyLimitLayer;
//! use spire_service::{Service, ServiceBuilder, ServiceExt};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let (mock, _handle) = spire_test::mock::pair::<Request<()>, Response<String>>();
//! let mut svc = ServiceBuilder::new()
//!     .layer(LoadShedLayer::new())
//!     .layer(ConcurrencyLimitLayer::new(1))
//!     .service(mock);
//! let _in_flight = svc.ready().await.unwrap().call(Request::new(()));
//! let shed = svc.ready().await.unwrap().call(Request::new(())).await.unwrap();
//! assert_eq!(shed.status(), StatusCode::SERVICE_UNAVAILABLE);
//! # }
//! ```

mod future;
mod layer;
mod service;

pub use self::future::ResponseFuture;
pub use self::layer::LoadShedLayer;
pub use self::service::LoadShed;

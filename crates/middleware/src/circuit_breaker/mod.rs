//! Stop calling a service that keeps failing: [`CircuitBreaker`].
//!
//! After `failure_threshold` failed calls in a row, the circuit **opens**: for
//! `open_for`, every call fails at once with [`CircuitOpen`], without reaching the inner
//! service, which gets time to recover and is spared the load. Then the circuit is
//! **half-open**: one call goes through as a probe (the others are still rejected). If
//! the probe succeeds, the circuit **closes** and calls flow again; if it fails, the
//! circuit opens for another `open_for`.
//!
//! ```text
//!             threshold failures in a row            open_for has passed
//!   Closed ─────────────────────────────► Open ─────────────────────────► HalfOpen
//!     ▲                                    ▲                                  │ one probe
//!     │              probe failed          └──────────────────────────────────┤
//!     └───────────────────────────────────────────────────────────────────────┘
//!                                     probe succeeded
//! ```
//!
//! A failure is a call whose response future resolves to an error; a `poll_ready` error
//! is passed on and ends the service, as usual. Clones share one circuit.
//!
//! # Examples
//!
//! ```
//! use std::time::Duration;
//!
//! use spire_middleware::circuit_breaker::{CircuitBreakerLayer, CircuitOpen};
//! use spire_service::{BoxError, Service, ServiceBuilder, ServiceExt};
//!
//! # #[tokio::main(flavor = "current_thread", start_paused = true)]
//! # async fn main() {
//! let mut svc = ServiceBuilder::new()
//!     .layer(CircuitBreakerLayer::new(2, Duration::from_secs(30)))
//!     .service_fn(|()| async { Err::<(), BoxError>("backend down".into()) });
//! for _ in 0..2 {
//!     let err = svc.ready().await.unwrap().call(()).await.unwrap_err();
//!     assert_eq!(err.to_string(), "backend down");
//! }
//! // two failures in a row: the circuit is open, calls fail fast
//! let err = svc.ready().await.unwrap().call(()).await.unwrap_err();
//! assert!(err.is::<CircuitOpen>());
//! # }
//! ```

mod error;
mod future;
mod layer;
mod service;
mod state;

pub use self::error::CircuitOpen;
pub use self::future::ResponseFuture;
pub use self::layer::CircuitBreakerLayer;
pub use self::service::CircuitBreaker;

//! Check each request before it reaches the service: [`Filter`] with a synchronous
//! [`Predicate`], [`AsyncFilter`] with an [`AsyncPredicate`].
//!
//! A predicate looks at the request and either rejects it with an error (which the
//! caller gets, boxed, and the inner service never sees) or lets it through, possibly
//! changed (it returns the request the inner service gets, which may be of another type:
//! parse, then validate). Any `FnMut(Req) -> Result<Req2, E>` is a `Predicate`, and any
//! `FnMut(Req) -> impl Future<Output = Result<Req2, E>>` is an `AsyncPredicate`.
//!
//! ```text
//!   request ──► predicate ── Ok(request') ──► inner service
//!                        └── Err(e) ──► the caller gets e (boxed)
//! ```
//!
//! # Examples
//!
//! ```
//! use spire_middleware::filter::FilterLayer;
//! use spire_service::{BoxError, ServiceBuilder, ServiceExt};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let svc = ServiceBuilder::new()
//!     .layer(FilterLayer::new(|s: &'static str| s.parse::<u8>()))
//!     .service_fn(|x: u8| async move { Ok::<_, BoxError>(x * 2) });
//! assert_eq!(svc.clone().oneshot("21").await.unwrap(), 42);
//! assert_eq!(svc.oneshot("x").await.unwrap_err().to_string(), "invalid digit found in string");
//! # }
//! ```

mod future;
mod layer;
mod predicate;
mod service;

pub use self::future::{AsyncResponseFuture, ResponseFuture};
pub use self::layer::{AsyncFilterLayer, FilterLayer};
pub use self::predicate::{AsyncPredicate, Predicate};
pub use self::service::{AsyncFilter, Filter};

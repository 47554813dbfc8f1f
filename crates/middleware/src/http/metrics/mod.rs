//! Count the requests in flight: [`InFlightRequests`] and its
//! [`InFlightRequestsCounter`].
//!
//! A request counts from `call` until its response body is dropped (or, if the call
//! fails, until the failure is returned; if the response future is dropped, until then),
//! so a slow download is still "in flight". Read the number with
//! [`InFlightRequestsCounter::get`], for example from a periodic task that exports it
//! as a gauge. The counter is one shared atomic: no lock and no allocation per request.
//!
//! ```text
//!   call ─► +1 ─► response future ─► response ─► body … dropped ─► −1
//! ```
//!
//! **Readiness:** forwards the inner `poll_ready`; reserves nothing.
//! **Errors:** none added; the inner error passes through unchanged.
//!
//! # Examples
//!
//! ```
//! use http::{Request, Response};
//! use spire_middleware::http::metrics::InFlightRequestsLayer;
//! use spire_service::{ServiceBuilder, ServiceExt};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let (layer, counter) = InFlightRequestsLayer::pair();
//! let svc = ServiceBuilder::new()
//!     .layer(layer)
//!     .service_fn(|_: Request<()>| async { Ok::<_, std::convert::Infallible>(Response::new(String::from("hi"))) });
//! let response = svc.oneshot(Request::new(())).await.unwrap();
//! assert_eq!(counter.get(), 1); // the body is still alive
//! drop(response);
//! assert_eq!(counter.get(), 0);
//! # }
//! ```

mod body;
mod counter;
mod future;
mod layer;
mod service;

pub use self::body::ResponseBody;
pub use self::counter::InFlightRequestsCounter;
pub use self::future::ResponseFuture;
pub use self::layer::InFlightRequestsLayer;
pub use self::service::InFlightRequests;

//! Request metrics with no metrics crate: [`InFlightRequests`] (a gauge of the requests in
//! flight) and [`RequestMetrics`] (that gauge, plus a count and a latency histogram per
//! [`StatusClass`]), each read through a cloneable handle.
//!
//! **In flight.** A request counts from `call` until its response body is dropped (or,
//! if the call fails, until the failure is returned; if the response future is dropped,
//! until then), so a slow download is still "in flight". Read the number with
//! [`InFlightRequestsCounter::get`], or in a [`MetricsSnapshot`], for example from a
//! periodic task that exports it as a gauge.
//!
//! **By class.** [`RequestMetrics`] counts each call once, when its response future
//! resolves: in the class of the response status (`1xx` to `5xx`), or in
//! [`StatusClass::Failed`] when the service returns an error instead of a response. A call
//! whose response future is dropped first (cancelled) is counted in no class.
//!
//! **Latency** is measured from `call` to the response head (or to the error), not to
//! the end of the body. That is the service's own time to answer: the body's duration
//! depends on how fast the peer reads and on the kind of response (a download or an event
//! stream lasts minutes by design), and would drown the handler's latency. It also means
//! every counted call has its latency, even when its body is never read to the end. A
//! histogram per class keeps fast failures from hiding slow successes. The buckets are
//! fixed, [`LATENCY_BUCKETS`]: 100 µs, 250 µs, 500 µs, 1 ms, … 5 s, 10 s, 30 s, 60 s, then
//! an overflow bucket; each counts only its own range (see [`LatencyHistogram`]).
//!
//! ```text
//!   call ─► in flight +1, clock starts ─► response future ─► head: class + latency recorded
//!                                                         └► error: Failed + latency recorded
//!        … response body … dropped ─► in flight −1
//! ```
//!
//! **Cost:** atomics only, with no lock and no allocation per request: one add and one
//! subtract on the gauge, one add to a bucket and one to the sum of latencies, two
//! `Arc` reference counts, and two clock reads. A [`RequestMetricsHandle::snapshot`]
//! reads every counter with relaxed loads; it does not stop the services.
//!
//! **Ordering:** put [`RequestMetrics`] outermost (inside tracing, if any) so that its
//! latency includes the other layers and the statuses they answer with (408, 413, 503…).
//!
//! **Readiness:** forwards the inner `poll_ready`; reserves nothing.
//! **Errors:** none added; the inner error passes through unchanged.
//!
//! # Examples
//!
//! ```
//! use http::{Request, Response, StatusCode};
//! use spire_middleware::http::metrics::{RequestMetricsLayer, StatusClass};
//! use spire_service::{ServiceBuilder, ServiceExt};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let (layer, metrics) = RequestMetricsLayer::pair();
//! let svc = ServiceBuilder::new()
//!     .layer(layer)
//!     .service_fn(|_: Request<()>| async { Ok::<_, std::convert::Infallible>(Response::new(String::from("hi"))) });
//! let response = svc.oneshot(Request::new(())).await.unwrap();
//! assert_eq!(response.status(), StatusCode::OK);
//! assert_eq!(metrics.snapshot().in_flight, 1); // the body is still alive
//! drop(response);
//!
//! let snapshot = metrics.snapshot();
//! assert_eq!(snapshot.in_flight, 0);
//! assert_eq!(snapshot.count(StatusClass::Success), 1);
//! assert_eq!(snapshot.total(), 1);
//! # }
//! ```
//!
//! Only the gauge, with [`InFlightRequestsLayer`]:
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
mod class;
mod counter;
mod future;
mod handle;
mod histogram;
mod layer;
mod service;
mod snapshot;

pub use self::body::ResponseBody;
pub use self::class::StatusClass;
pub use self::counter::InFlightRequestsCounter;
pub use self::future::ResponseFuture;
pub use self::handle::RequestMetricsHandle;
pub use self::histogram::{BUCKETS, LATENCY_BUCKETS, LatencyHistogram};
pub use self::layer::{InFlightRequestsLayer, RequestMetricsLayer};
pub use self::service::{InFlightRequests, RequestMetrics};
pub use self::snapshot::MetricsSnapshot;

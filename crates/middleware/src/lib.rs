//! Reusable middleware for spire: tower's protocol-agnostic layers, each a [`Layer`] and a
//! [`Service`].
//!
//! # How it fits
//! Every layer here wraps a [`Service`] from spire-service in another one, so it works
//! for anything that is a service: the handlers spire-server calls, spire-client's
//! `Client`, a database call. None of them knows about HTTP, sockets or connections; they
//! use only tokio's timers, semaphores, channels and tasks. The `http` feature adds the
//! HTTP layers (tower-http's), under `http::…`, on top of spire-body.
//!
//! ```text
//!   spire-server / spire-client / your code
//!                │ poll_ready, then call
//!   ┌────────────▼─────────────────────────────────────────────────┐
//!   │ spire-middleware: load_shed ─► limit ─► timeout ─► buffer …  │
//!   └────────────┬─────────────────────────────────────────────────┘
//!                │ poll_ready, then call
//!   your Service (spire-service: the contract every layer keeps)
//! ```
//!
//! Each layer follows one template: a service `Foo`, a layer `FooLayer`, a
//! `ResponseFuture` when it changes the future, and leaf errors named for what happened
//! (see [`error`]). Each service's docs say, under **Readiness**, what its `poll_ready`
//! reserves, and each future's docs say what dropping it does. [`ServiceBuilderExt`] adds
//! every layer to [`ServiceBuilder`] as a method.
//!
//! # Layout
//! - [`timeout`]: [`Timeout`](timeout::Timeout), a deadline per call.
//! - [`limit`]: [`ConcurrencyLimit`](limit::concurrency::ConcurrencyLimit) (N calls in
//!   flight, per service or shared) and [`RateLimit`](limit::rate::RateLimit) /
//!   [`KeyedRateLimit`](limit::rate::KeyedRateLimit) (N calls per period).
//! - [`load_shed`]: [`LoadShed`](load_shed::LoadShed), fail fast instead of waiting.
//! - [`buffer`]: [`Buffer`](buffer::Buffer), a queue and a worker task that make any service
//!   `Clone`.
//! - [`filter`]: [`Filter`](filter::Filter) and [`AsyncFilter`](filter::AsyncFilter), check
//!   requests first.
//! - [`hedge`]: [`Hedge`](hedge::Hedge), send a second copy of slow requests.
//! - [`steer`]: [`Steer`](steer::Steer), pick one of several services per request.
//! - [`spawn_ready`]: [`SpawnReady`](spawn_ready::SpawnReady), drive readiness in a task.
//! - [`reconnect`]: [`Reconnect`](reconnect::Reconnect), remake a service that failed.
//! - [`retry`]: [`Retry`](retry::Retry) driven by a [`Policy`](retry::Policy), with
//!   [`ExponentialBackoff`](retry::ExponentialBackoff) and a retry
//!   [`Budget`](retry::Budget).
//! - [`circuit_breaker`]: [`CircuitBreaker`](circuit_breaker::CircuitBreaker), stop calling
//!   a service that keeps failing, then probe.
//! - [`balance`]: [`Balance`](balance::p2c::Balance), power of two choices over a changing
//!   set of endpoints.
//! - [`discover`]: [`Discover`](discover::Discover), a stream of endpoint
//!   [`Change`](discover::Change)s, and [`ServiceList`](discover::ServiceList).
//! - [`load`]: [`Load`](load::Load) and its measures, [`Constant`](load::Constant),
//!   [`PendingRequests`](load::pending_requests::PendingRequests) and
//!   [`PeakEwma`](load::peak_ewma::PeakEwma).
//! - [`ready_cache`]: [`ReadyCache`](ready_cache::ReadyCache), keyed services split into
//!   pending and ready.
//! - `http` (feature `http`): the HTTP layers, tower-http's: `trace` (a `tracing` span per
//!   request, hooks and a failure classifier), `metrics` (requests in flight; counts and
//!   latency histograms by status class), `request_id`, `sensitive_headers`, `set_header`,
//!   `propagate_header`, `cors`, `normalize_path`, `validate_request`, `timeout` (408),
//!   `limit` (413), `load_shed` (503), `catch_panic` (500), `compression` (gzip or deflate
//!   by `Accept-Encoding`), `decompression` (client: decode responses; server: decode
//!   requests, 415), `map_request_body`, `map_response_body`, and for clients `replay`
//!   (request bodies that can be sent again), `retry` (idempotent requests, streamed bodies
//!   replayed, within a budget) and `follow_redirect`.
//! - `stacks` (feature `http`): the recommended server and client stacks, each a
//!   `ServiceBuilder` to extend or pare down.
//! - [`error`]: the leaf errors, [`Elapsed`](error::Elapsed),
//!   [`Overloaded`](error::Overloaded), [`Closed`](error::Closed).
//! - [`ServiceBuilderExt`] (module `builder_ext`): `.timeout(d)`, `.concurrency_limit(n)`, ...
//!
//! # Layers
//!
//! | layer | generic or http | what `poll_ready` reserves | errors it adds |
//! | --- | --- | --- | --- |
//! | [`Timeout`](timeout::Timeout) | generic | nothing of its own (the inner service's readiness) | [`Elapsed`](error::Elapsed) |
//! | [`ConcurrencyLimit`](limit::concurrency::ConcurrencyLimit) | generic | one semaphore permit, then the inner service's readiness | [`Overloaded`](error::Overloaded) (reject mode), [`Closed`](error::Closed) (shared semaphore closed) |
//! | [`RateLimit`](limit::rate::RateLimit) | generic | one call of the period's budget, then the inner service's readiness | none (waits) |
//! | [`KeyedRateLimit`](limit::rate::KeyedRateLimit) | generic | nothing of its own (the key is known only in `call`) | [`RateLimited`](limit::rate::RateLimited) |
//! | [`LoadShed`](load_shed::LoadShed) | generic | the inner service's readiness if it has it; otherwise a rejection (never `Pending`) | [`Overloaded`](error::Overloaded) |
//! | [`Buffer`](buffer::Buffer) | generic | one slot of the queue (the worker owns the inner readiness) | [`ServiceError`](buffer::ServiceError), [`Closed`](error::Closed) |
//! | [`Filter`](filter::Filter), [`AsyncFilter`](filter::AsyncFilter) | generic | nothing of its own (the inner service's readiness) | the predicate's rejection |
//! | [`Hedge`](hedge::Hedge) | generic | the inner service's readiness, for the first copy (a hedge waits for a clone's readiness in the response future) | none (the first call to finish) |
//! | [`Steer`](steer::Steer) | generic | the readiness of every service | none |
//! | [`SpawnReady`](spawn_ready::SpawnReady) | generic | the inner service's readiness, reached in a spawned task | [`Closed`](error::Closed) (task cancelled) |
//! | [`Retry`](retry::Retry) | generic | the inner service's readiness, for the first attempt (retries wait for a clone's readiness in the response future) | none (the last attempt's result) |
//! | [`CircuitBreaker`](circuit_breaker::CircuitBreaker) | generic | a call (or the half-open probe), then the inner service's readiness; when open, a rejection (never `Pending`) | [`CircuitOpen`](circuit_breaker::CircuitOpen) |
//! | [`Reconnect`](reconnect::Reconnect) | generic | the made service's readiness, making it first if needed | the maker's error (on the next call) |
//! | [`Balance`](balance::p2c::Balance) (wraps a [`Discover`](discover::Discover), not a service) | generic | one ready endpoint, the less loaded of two picked at random; `Pending` while none is ready or there are none | [`DiscoverFailed`](balance::p2c::DiscoverFailed) (a failed endpoint is dropped, not reported) |
//! | [`Constant`](load::Constant), [`PendingRequests`](load::pending_requests::PendingRequests), [`PeakEwma`](load::peak_ewma::PeakEwma) | generic | nothing of its own (the inner service's readiness) | none |
//! | `http::set_header::{SetRequestHeader, SetResponseHeader}` | http | nothing of its own (the inner service's readiness) | none |
//! | `http::propagate_header::PropagateHeader` | http | nothing of its own (the inner service's readiness) | none |
//! | `http::sensitive_headers::{SetSensitiveRequestHeaders, SetSensitiveResponseHeaders}` | http | nothing of its own (the inner service's readiness) | none |
//! | `http::request_id::{SetRequestId, PropagateRequestId}` | http | nothing of its own (the inner service's readiness) | none |
//! | `http::limit::RequestBodyLimit` | http | nothing of its own (the inner service's readiness) | none: status 413 (declared too large); the body yields `LengthLimitError` mid-stream |
//! | `http::catch_panic::CatchPanic` | http | nothing of its own (the inner service's readiness) | none: status 500 on a panic |
//! | `http::timeout::Timeout` | http | nothing of its own (the inner service's readiness) | none: status 408 at the deadline |
//! | `http::normalize_path::NormalizePath` | http | nothing of its own (the inner service's readiness) | none |
//! | `http::cors::Cors` | http | nothing of its own (the inner service's readiness) | none: preflights answered 200 |
//! | `http::validate_request::ValidateRequestHeader` | http | nothing of its own (the inner service's readiness) | none: the check's response (406, 401, or a custom one) |
//! | `http::map_request_body::MapRequestBody`, `http::map_response_body::MapResponseBody` | http | nothing of its own (the inner service's readiness) | none |
//! | `http::metrics::{InFlightRequests, RequestMetrics}` | http | nothing of its own (the inner service's readiness) | none |
//! | `http::trace::Trace` | http | nothing of its own (the inner service's readiness) | none (the inner error must be `Display`, for the classifier) |
//! | `http::load_shed::LoadShed` | http | the inner service's readiness if it has it; otherwise a 503 (never `Pending`) | none: status 503 when the inner service is not ready |
//! | `http::compression::Compression` | http | nothing of its own (the inner service's readiness) | none; the body's error is the inner body's, boxed |
//! | `http::decompression::Decompression` | http | nothing of its own (the inner service's readiness) | none; the body ends with `DecompressionLimitError` or `CorruptBody`, boxed |
//! | `http::decompression::RequestDecompression` | http | nothing of its own (the inner service's readiness) | none: status 415 (+ `Accept-Encoding`) for an unsupported coding; the body ends with `DecompressionLimitError` or `CorruptBody`, boxed |
//! | `http::retry::Retry` (bodies in `http::replay::ReplayBody`) | http | the inner service's readiness, for the first attempt (retries wait for a clone's readiness in the response future) | none (the last attempt's response or error); a replayed body copy may yield `CannotReplay` if misused |
//! | `http::follow_redirect::FollowRedirect` | http | the inner service's readiness, for the first request (each redirect waits for a clone's readiness in the response future) | none (the inner error; an unfollowed 3xx is returned as is, with a `RequestUri` extension) |
//!
//! # Example
//!
//! A server-side stack: shed load when 100 calls are in flight, and give each call ten
//! seconds.
//!
//! ```
//! use std::time::Duration;
//!
//! use spire_middleware::ServiceBuilderExt;
//! use spire_middleware::error::Overloaded;
//! use spire_service::{BoxError, Service, ServiceBuilder, ServiceExt};
//!
//! # #[tokio::main(flavor = "current_thread", start_paused = true)]
//! # async fn main() -> Result<(), BoxError> {
//! let mut svc = ServiceBuilder::new()
//!     .load_shed()
//!     .concurrency_limit(100)
//!     .timeout(Duration::from_secs(10))
//!     .service_fn(|name: &'static str| async move { Ok::<_, BoxError>(format!("hello, {name}")) });
//!
//! assert_eq!(svc.ready().await?.call("spire").await?, "hello, spire");
//! # let _ = Overloaded::new();
//! # Ok(())
//! # }
//! ```
//!
//! # Features
//!
//! - `http` (off by default): the HTTP layers in `spire_middleware::http`, for services of
//!   `http::Request` to `http::Response`, and their [`ServiceBuilderExt`] methods. It adds
//!   the `http`, `bytes` and spire-body dependencies.
#![doc(test(attr(deny(warnings))))]

#[cfg(doc)]
use spire_service::{Layer, Service, ServiceBuilder};

pub mod balance;
pub mod buffer;
mod builder_ext;
pub mod circuit_breaker;
pub mod discover;
pub mod error;
pub mod filter;
pub mod hedge;
#[cfg(feature = "http")]
pub mod http;
pub mod limit;
pub mod load;
pub mod load_shed;
pub mod ready_cache;
pub mod reconnect;
pub mod retry;
mod rng;
mod semaphore;
pub mod spawn_ready;
#[cfg(feature = "http")]
pub mod stacks;
pub mod steer;
mod sync;
pub mod timeout;

pub use crate::builder_ext::ServiceBuilderExt;

/// Runs the code of the study guide's chapter on this crate as doc-tests, so the chapter
/// cannot drift from the API.
#[cfg(all(doctest, feature = "http"))]
#[doc = include_str!("../../../docs/06-middleware.md")]
struct StudyGuideChapter6;

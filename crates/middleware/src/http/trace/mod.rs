//! Trace each request with a `tracing` span and events: [`Trace`], its [`TraceHooks`] and
//! its [`Classify`].
//!
//! Each request gets a span, made by [`TraceHooks::make_span`]; by default it is named
//! `request`, at `DEBUG`, with the fields `method`, `uri` and `version`, and `status` and
//! `latency` recorded when the response head arrives (`latency` is the time since the
//! request reached the layer, as `Debug` prints a `Duration`). The inner service, the
//! response future and the response body all run inside the span, so their own events
//! belong to the request. The span closes when the response body is dropped.
//!
//! What is reported at each point is one trait, [`TraceHooks`], whose every method has a
//! default; [`DefaultHooks`] is the ready-made implementation (a level for the span and
//! events, a level for failures, headers on or off). What counts as a failure is a
//! [`Classify`]: [`ServerErrorsAsFailures`] (`5xx` and errors, the default, for servers)
//! or [`StatusInRangeAsFailures`] (for clients, `4xx` and `5xx`). The failure class goes
//! to [`TraceHooks::on_failure`].
//!
//! ```text
//!   call ─► make_span ─► on_request ─► inner future ─┬─► Ok: on_response ─► (on_failure if classified so)
//!                                                    │        body: on_body_chunk … ─► on_eos (─► on_failure at eos)
//!                                                    │                          └──► on_failure (body error)
//!                                                    └─► Err: on_failure
//! ```
//!
//! Headers are recorded only when asked for ([`DefaultHooks::include_headers`]), and then
//! through [`RedactedHeaders`]: a value marked [sensitive](http::HeaderValue::is_sensitive)
//! prints as [`REDACTED`]. Put the request side of the
//! [`sensitive_headers`](crate::http::sensitive_headers) layer outside this one, and the
//! response side inside it, so the marks are set before the trace looks.
//!
//! **Cost:** per call, one `Instant::now()` at the start and one at the response, plus
//! one per body frame; the span (free when no subscriber wants its level); and clones of
//! the hooks and the classifier (for the defaults, a few bytes copied). Nothing is
//! formatted unless a subscriber records it, and the default hooks never format headers
//! unless told to.
//!
//! **Ordering:** put it outermost, or just inside the layers that set request ids and
//! sensitive request headers, so that the span covers the whole stack and its latency is
//! what the caller sees.
//!
//! **Readiness:** forwards the inner `poll_ready`; reserves nothing.
//! **Errors:** none added; the inner error passes through unchanged (it must be
//! `Display`, for the classifier).
//!
//! # Examples
//!
//! ```
//! use http::{Request, Response, StatusCode};
//! use spire_middleware::http::trace::{DefaultHooks, ServerErrorsAsFailures, TraceLayer};
//! use spire_service::{ServiceBuilder, ServiceExt};
//! use tracing::Level;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let hooks = DefaultHooks::new().level(Level::INFO).include_headers(true);
//! let svc = ServiceBuilder::new()
//!     .layer(TraceLayer::new(hooks, ServerErrorsAsFailures::new()))
//!     .service_fn(|_: Request<()>| async {
//!         tracing::info!("handling"); // inside the request's span
//!         Ok::<_, std::convert::Infallible>(Response::new(String::from("hi")))
//!     });
//! let response = svc.oneshot(Request::new(())).await.unwrap();
//! assert_eq!(response.status(), StatusCode::OK);
//! # }
//! ```

mod body;
mod classify;
mod future;
mod hooks;
mod layer;
mod service;

pub use self::body::ResponseBody;
pub use self::classify::{
    Classification, Classify, FailureClass, ServerErrorsAsFailures, StatusInRangeAsFailures,
};
pub use self::future::ResponseFuture;
pub use self::hooks::{DefaultHooks, REDACTED, RedactedHeaders, TraceHooks};
pub use self::layer::TraceLayer;
pub use self::service::Trace;

//! Retry HTTP requests, streamed bodies included: [`Retry`] and [`RetryPolicy`].
//!
//! This is the generic [`retry`](crate::retry) made for HTTP. [`Retry`] wraps each
//! request body in a [`ReplayBody`], so that the body sent in the first attempt can be
//! sent again even if it is streamed, and hands the request to the generic
//! [`Retry`](crate::retry::Retry), driven by a [`Policy`](crate::retry::Policy) for
//! `Request<ReplayBody<B>>`. [`RetryPolicy`] is the policy for clients:
//!
//! - only idempotent methods are retried (GET, HEAD, OPTIONS, TRACE, PUT, DELETE; RFC 9110
//!   §9.2.2), since a POST that failed may still have been applied;
//! - an attempt is retried when it fails with an error or answers one of the retryable
//!   statuses (502, 503 and 504 by default: the gateway or the server says it could not
//!   handle the request this time);
//! - at most 3 attempts in all, spaced by an [`ExponentialBackoff`], or by the response's
//!   `Retry-After` in seconds when it asks for longer (a `Retry-After` over
//!   [`max_retry_after`](RetryPolicy::max_retry_after), 10 s by default, means "not
//!   now": the response is returned);
//! - each retry is withdrawn from a [`Budget`] that all clones of the policy share, so a
//!   backend that fails every request sees at most the budget's share of extra load, not a
//!   retry storm;
//! - a request whose body outgrew the replay cap ([`DEFAULT_CAP`], 64 KiB, by default) is
//!   not retried: the caller gets the result of the one attempt.
//!
//! ```text
//!   Request<B> ──► ReplayBody::with_cap(B) ──► retry::Retry<RetryPolicy, S> ──► S
//!                                              ▲ 502/503/504 or error, idempotent,
//!                                              │ body replayable, attempts and budget left
//!                                              └── sleep(backoff) ◄──┘
//! ```
//!
//! In a client stack it goes inside the timeout, which then bounds all the attempts
//! together, and outside [`follow_redirect`](crate::http::follow_redirect), so that a
//! redirect chain is retried as a whole: `trace, timeout, retry, follow_redirect, …`.
//!
//! Every request body is recorded up to the cap, POST included (the policy decides per
//! request; the layer cannot know in advance); the recording is freed with the request.
//!
//! **Readiness:** the inner service's, for the first attempt; each retry waits for a
//! clone's readiness inside the response future.
//! **Errors:** none added: the caller gets the last attempt's response or error.
//!
//! [`ReplayBody`]: crate::http::replay::ReplayBody
//! [`DEFAULT_CAP`]: crate::http::replay::DEFAULT_CAP
//! [`ExponentialBackoff`]: crate::retry::ExponentialBackoff
//! [`Budget`]: crate::retry::Budget
//!
//! # Examples
//!
//! ```
//! use std::sync::Arc;
//! use std::sync::atomic::{AtomicU32, Ordering};
//!
//! use bytes::Bytes;
//! use http::{Request, Response, StatusCode};
//! use spire_body::{BodyExt, Full};
//! use spire_middleware::http::replay::ReplayBody;
//! use spire_middleware::http::retry::{RetryLayer, RetryPolicy};
//! use spire_service::{BoxError, ServiceBuilder, ServiceExt};
//!
//! # #[tokio::main(flavor = "current_thread", start_paused = true)]
//! # async fn main() {
//! let calls = Arc::new(AtomicU32::new(0));
//! let counter = Arc::clone(&calls);
//! let svc = ServiceBuilder::new()
//!     .layer(RetryLayer::new(RetryPolicy::new()))
//!     .service_fn(move |request: Request<ReplayBody<Full<Bytes>>>| {
//!         let first = counter.fetch_add(1, Ordering::SeqCst) == 0;
//!         async move {
//!             let body = request.into_body().collect().await?.to_bytes();
//!             let status = if first { StatusCode::SERVICE_UNAVAILABLE } else { StatusCode::OK };
//!             let mut response = Response::new(body);
//!             *response.status_mut() = status;
//!             Ok::<_, BoxError>(response)
//!         }
//!     });
//! let request = Request::put("http://example.com/").body(Full::new(Bytes::from("data"))).unwrap();
//! let response = svc.oneshot(request).await.unwrap();
//! assert_eq!(response.status(), StatusCode::OK);
//! assert_eq!(response.body(), "data"); // the body was sent twice
//! assert_eq!(calls.load(Ordering::SeqCst), 2);
//! # }
//! ```

mod future;
mod layer;
mod policy;
mod service;

pub use self::future::ResponseFuture;
pub use self::layer::RetryLayer;
pub use self::policy::RetryPolicy;
pub use self::service::Retry;

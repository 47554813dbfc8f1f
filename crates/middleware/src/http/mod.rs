//! HTTP layers (tower-http's), for services of `http::Request` → `http::Response`.
//!
//! Behind the `http` feature. Where a generic layer fails a call with an error, the HTTP
//! layer of the same idea answers with a status response instead (408 for
//! [`timeout`], 413 for [`limit`], 500 for [`catch_panic`], 503 for [`load_shed`], 415
//! for [`decompression`] of a request) and keeps the inner service's error type, so a
//! server can send the answer and keep the connection.
//!
//! # Layout
//! Observability:
//! - [`trace`]: a `tracing` span per request and events through one hooks trait, with a
//!   classifier that decides what is a failure; sensitive header values redacted.
//! - [`metrics`]: count the requests in flight, response bodies included; count calls by
//!   status class, with a latency histogram per class (atomics, no metrics crate).
//! - [`request_id`]: give each request an id and echo it on the response.
//! - [`sensitive_headers`]: mark headers sensitive so traces redact them.
//!
//! Headers and routing:
//! - [`set_header`]: set a request or response header (override, append, if not present).
//! - [`propagate_header`]: copy a request header to the response.
//! - [`cors`]: Cross-Origin Resource Sharing, preflight included.
//! - [`normalize_path`]: trim or append a trailing slash.
//! - [`validate_request`]: check a request header first (accept, bearer, basic, custom).
//!
//! Protection (a server's answers instead of errors):
//! - [`timeout`]: answer 408 when the request takes too long.
//! - [`limit`]: cap the request body size (413).
//! - [`load_shed`]: answer 503 when the inner service is not ready.
//! - [`catch_panic`]: turn a panic in the service into a 500.
//!
//! Bodies:
//! - [`compression`]: compress responses, gzip or deflate, as `Accept-Encoding` prefers.
//! - [`decompression`]: decode responses (client) or requests (server, 415 for unknown
//!   codings), within size and ratio limits.
//! - [`map_request_body`], [`map_response_body`]: change body types with a function.
//!
//! Clients:
//! - [`replay`]: [`ReplayBody`](replay::ReplayBody), a request body that records what it
//!   sent (up to a cap) so that a retry or a redirect can send it again.
//! - [`retry`]: retry idempotent requests on errors and 502/503/504, with backoff and a
//!   budget, replaying streamed bodies.
//! - [`follow_redirect`]: follow 301/302/303/307/308, with a hop limit and credentials
//!   dropped across origins.

pub mod catch_panic;
pub mod compression;
pub mod cors;
pub mod decompression;
pub mod follow_redirect;
pub mod limit;
pub mod load_shed;
pub mod map_request_body;
pub mod map_response_body;
pub mod metrics;
pub mod normalize_path;
pub mod propagate_header;
pub mod replay;
pub mod request_id;
pub mod retry;
pub mod sensitive_headers;
pub mod set_header;
pub mod timeout;
pub mod trace;
pub mod validate_request;

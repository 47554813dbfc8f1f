//! HTTP layers (tower-http's), for services of `http::Request` → `http::Response`.
//!
//! Behind the `http` feature. Where a generic layer fails a call with an error, the HTTP
//! layer of the same idea answers with a status response instead (408 for
//! [`timeout`], 413 for [`limit`], 500 for [`catch_panic`]) and keeps the inner
//! service's error type, so a server can send the answer and keep the connection.
//!
//! # Layout
//! - [`set_header`]: set a request or response header (override, append, if not present).
//! - [`propagate_header`]: copy a request header to the response.
//! - [`sensitive_headers`]: mark headers sensitive so traces redact them.
//! - [`request_id`]: give each request an id and echo it on the response.
//! - [`limit`]: cap the request body size (413).
//! - [`catch_panic`]: turn a panic in the service into a 500.
//! - [`timeout`]: answer 408 when the request takes too long.
//! - [`normalize_path`]: trim or append a trailing slash.
//! - [`cors`]: Cross-Origin Resource Sharing, preflight included.
//! - [`validate_request`]: check a request header first (accept, bearer, basic, custom).
//! - [`map_request_body`], [`map_response_body`]: change body types with a function.
//! - [`metrics`]: count the requests in flight, response bodies included.

pub mod catch_panic;
pub mod cors;
pub mod limit;
pub mod map_request_body;
pub mod map_response_body;
pub mod metrics;
pub mod normalize_path;
pub mod propagate_header;
pub mod request_id;
pub mod sensitive_headers;
pub mod set_header;
pub mod timeout;
pub mod validate_request;

//! The server role: serve one accepted connection with a [`Service`](spire_service::Service).
//!
//! Each protocol has its own module with a `Builder` (the settings) and a `Connection` (a
//! future that drives the connection to its end). Accepting connections, choosing the
//! protocol and shutting a whole server down belong to spire-server, which hands each
//! accepted socket to one of these.
//!
//! - [`http1`]: HTTP/1.1 over the sans-IO codec spire-h1; one exchange at a time, in order.
//! - [`http2`]: HTTP/2 over the `h2` crate; every stream is served by a clone of the service
//!   in a task of its own.

pub mod http1;
pub mod http2;

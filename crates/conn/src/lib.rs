//! One HTTP connection over async IO for spire: the connection drivers, the received body
//! type, upgrades and the connection error.
//!
//! # How it fits
//! spire-server accepts sockets and spire-client opens them; both hand each one to this
//! crate, which speaks HTTP on it and calls a [`Service`](spire_service::Service) (server)
//! or answers requests sent to it (client). HTTP/2 framing comes from the `h2` crate; HTTP/1
//! framing will come from the sans-IO codec spire-h1, which this crate drives over tokio IO.
//! Bodies on both sides are [`spire_body::Body`]s: services receive an [`Incoming`] and
//! answer with any body type. This crate owns everything that touches a socket or a clock:
//! reading and writing, timers, the cached `Date` value, tasks per HTTP/2 stream,
//! backpressure, upgrades and tracing.
//!
//! ```text
//!             spire-server (accept, auto-detect, graceful shutdown)
//!                       │ one socket
//!   ┌───────────────────▼──────────────── spire-conn ───────────────────────────────┐
//!   │ server::http2: socket ⇄ h2 ─accept─► stream task ─► Service ─► Body ─► DATA ─┐ │
//!   │                  ▲                    (Incoming)                             │ │
//!   │                  └───────────── HEADERS, DATA, trailers ◄────────────────────┘ │
//!   │ Incoming · upgrade (Upgraded) · date (HttpDate) · Error                       │
//!   └────────────────────────────────────────────────────────────────────────────────┘
//!       spire-service (Service)      spire-body (Body)      h2      tokio
//! ```
//!
//! The HTTP/1 driver, [`server::http1`], has the same shape around spire-h1 (read →
//! spire-h1 → service → spire-h1 → write). The client role joins this picture as
//! `client::{http1, http2}`; [`Incoming`], [`upgrade`], [`date`] and [`Error`] are already
//! shaped for it.
//!
//! # Layout
//! - [`server`]: serve one connection. [`server::http1`] and [`server::http2`] each hold a
//!   `Builder` (the settings) and a `Connection` (the future that drives the connection).
//! - [`informational`]: interim (1xx) responses, such as `103 Early Hints`, sent by a service
//!   before its final response.
//! - [`Incoming`] (module `incoming`): the body of received messages, for both protocols.
//! - [`upgrade`]: [`upgrade::on`], [`OnUpgrade`](upgrade::OnUpgrade) and
//!   [`Upgraded`](upgrade::Upgraded), taking a connection or stream over after `101` or
//!   `CONNECT`.
//! - [`date`]: [`HttpDate`](date::HttpDate), the `Date` header value, and its per-second cache.
//! - [`Error`] and [`ErrorKind`] (module `error`): what went wrong, in one opaque type.
//!
//! # Example
//! Serve one HTTP/2 connection with a service made from a function:
//!
//! ```no_run
//! use std::convert::Infallible;
//!
//! use bytes::Bytes;
//! use spire_body::Full;
//! use spire_conn::{Incoming, server::http2};
//! use spire_service::service_fn;
//!
//! # #[tokio::main]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! let (socket, _peer) = listener.accept().await?;
//!
//! let service = service_fn(|req: http::Request<Incoming>| async move {
//!     let text = format!("you asked for {}", req.uri().path());
//!     Ok::<_, Infallible>(http::Response::new(Full::new(Bytes::from(text))))
//! });
//! http2::Builder::new().serve_connection(socket, service).await?;
//! # Ok(())
//! # }
//! ```
#![doc(test(attr(deny(warnings))))]

pub mod date;
mod error;
mod incoming;
pub mod informational;
mod ping;
pub mod server;
pub mod upgrade;

pub use crate::error::{Error, ErrorKind};
pub use crate::incoming::Incoming;

//! Serve a spire [`Service`](spire_service::Service) on a TCP listener: the accept loop,
//! HTTP/1 and HTTP/2 on one port, timeouts that are on by default, graceful shutdown.
//!
//! # How it fits
//! spire-conn knows how to speak HTTP on *one* connection. This crate is everything around
//! that: it accepts sockets (waiting at a connection limit, backing off when the process
//! runs out of file descriptors), reads the first bytes to tell HTTP/1 from HTTP/2 with
//! prior knowledge, hands the socket to spire-conn's `http1` or `http2` driver with the
//! service made for that connection, and, on a shutdown signal, winds every connection
//! down. It never parses HTTP itself.
//!
//! ```text
//!   TcpListener ──accept──► TCP_NODELAY, ConnectionInfo ──► MakeService ──► service
//!        ▲ (limit, back-off)                                                  │
//!        │                         ┌──────────── spire-server ────────────────┼──┐
//!        │                         │ sniff the first bytes (detection timeout)▼  │
//!   shutdown signal ─► drain ────► │   "PRI * HTTP/2.0…" ──► spire_conn::server::http2
//!                      (deadline)  │   anything else     ──► spire_conn::server::http1
//!                                  │ Stats: accepted, open, requests served      │
//!                                  └─────────────────────────────────────────────┘
//! ```
//!
//! # Layout
//! - [`serve`] and [`Builder`] (module `serve`): the one-line server, the settings, and the
//!   [`Server`] future.
//! - module `accept`: the accept loop, the connection limit, the back-off on accept errors,
//!   `TCP_NODELAY`, and [`ConnectionInfo`] (peer and local address, in every request's
//!   extensions).
//! - module `auto`: protocol detection from the HTTP/2 preface, bounded in time, and the
//!   hand-off to the protocol's driver.
//! - module `graceful`: the shutdown phases (drain, then close at the deadline).
//! - [`Timeouts`] (module `timeouts`): the timeout profile, on by default.
//! - [`Stats`] (module `stats`): counters to read while the server runs.
//! - [`Error`] and [`ErrorKind`] (module `error`).
//!
//! # Example
//! The smallest server, stopped by Ctrl-C or a signal of your choice:
//!
//! ```no_run
//! use std::convert::Infallible;
//!
//! use bytes::Bytes;
//! use spire_body::Full;
//! use spire_conn::Incoming;
//! use spire_server::ConnectionInfo;
//! use spire_service::service_fn;
//!
//! # #[tokio::main]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//! let hello = service_fn(|req: http::Request<Incoming>| async move {
//!     let peer = req.extensions().get::<ConnectionInfo>().map(|info| info.peer_addr());
//!     let text = format!("Hello, {peer:?}!");
//!     Ok::<_, Infallible>(http::Response::new(Full::new(Bytes::from(text))))
//! });
//! let (_stop, stopped) = tokio::sync::oneshot::channel::<()>();
//! spire_server::serve(listener, hello)
//!     .with_graceful_shutdown(async {
//!         let _ = stopped.await;
//!     })
//!     .await?;
//! # Ok(())
//! # }
//! ```
#![doc(test(attr(deny(warnings))))]

/// Runs the code of the study guide's chapter on this crate as doc-tests, so the chapter
/// cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/05-server.md")]
struct StudyGuideChapter;

mod accept;
mod auto;
mod conn_service;
mod error;
mod graceful;
mod serve;
mod stats;
mod timeouts;

pub use crate::accept::ConnectionInfo;
pub use crate::error::{Error, ErrorKind};
pub use crate::serve::{Builder, ServeFuture, Server, serve};
pub use crate::stats::Stats;
pub use crate::timeouts::Timeouts;

//! The `Service` and `Layer` traits for spire: a request goes in, a future of a response comes out.
//!
//! # How it fits
//! Everything else in spire is written against this crate. spire-conn's connection drivers
//! read a request off the wire, wait until the user's [`Service`] is ready, call it and write
//! the response back; spire-client's `Client` *is* a `Service`; every middleware in
//! spire-middleware is a [`Layer`] that wraps one `Service` in another. This crate knows
//! nothing about HTTP, sockets or runtimes: it only defines the contract, the ways to compose
//! it ([`ServiceBuilder`], [`ServiceExt`]) and the ways to erase its type ([`BoxService`] and
//! friends).
//!
//! ```text
//!   ┌────────────────────────────────────────────────────────────────────┐
//!   │ tokio runtime: tasks, timers, sockets                              │
//!   │  ┌──────────────────────────────────────────────────────────────┐  │
//!   │  │ connection drivers (spire-conn, spire-server, spire-client): │  │
//!   │  │ read a request, wait for readiness, call, write the response │  │
//!   │  │  ┌────────────────────────────────────────────────────────┐  │  │
//!   │  │  │ layers (spire-middleware): timeout, limit, trace, ...  │  │  │
//!   │  │  │  ┌──────────────────────────────────────────────────┐  │  │  │
//!   │  │  │  │ your Service: request in, future of response out │  │  │  │
//!   │  │  │  └──────────────────────────────────────────────────┘  │  │  │
//!   │  │  └────────────────────────────────────────────────────────┘  │  │
//!   │  └──────────────────────────────────────────────────────────────┘  │
//!   └────────────────────────────────────────────────────────────────────┘
//!     spire-service: the two inner boxes (Service, Layer) and the contract
//!     (poll_ready, then call) the drivers use to talk to them
//! ```
//!
//! Chapter 1 of the study guide, `docs/01-service.md`, tells the same story with more words,
//! and `examples/service_basics.rs` runs it.
//!
//! # Layout
//! - [`Service`] (module `service`): the trait and the contract essay: readiness as a
//!   reservation, errors, cloning. Read this first.
//! - [`layer`]: the [`Layer`] trait, [`Identity`](layer::Identity), [`Stack`](layer::Stack)
//!   and [`layer_fn`].
//! - [`ServiceBuilder`] (module `builder`): stacks layers in reading order, outermost first.
//! - [`ServiceExt`] (module `ext`): `ready`, `oneshot`, `call_all` and the combinators.
//! - [`make`]: [`MakeService`](make::MakeService), services that make services, and
//!   [`Shared`](make::Shared).
//! - [`util`]: one module per combinator (`MapRequest`, `AndThen`, …), the boxed services,
//!   [`Either`](util::Either), [`Oneshot`](util::Oneshot), [`Ready`](util::Ready),
//!   [`CallAll`](util::CallAll); [`util::future`] holds the futures they return. The boxed
//!   services are also re-exported here, as [`service_fn`] and [`layer_fn`] are.
//!
//! # Example
//! A service made from a function, wrapped in two layers, called once:
//!
//! ```
//! use spire_service::{BoxError, ServiceBuilder, ServiceExt};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), BoxError> {
//! let svc = ServiceBuilder::new()
//!     .map_request(|name: &str| name.to_uppercase()) // runs first: outermost
//!     .map_response(|greeting: String| greeting.len())
//!     .service_fn(|name: String| async move { Ok::<_, BoxError>(format!("hello, {name}")) });
//!
//! // `oneshot` waits for readiness, calls once and awaits the response.
//! let len = svc.oneshot("spire").await?;
//! assert_eq!(len, "hello, SPIRE".len());
//! # Ok(())
//! # }
//! ```
#![doc(test(attr(deny(warnings))))]

mod builder;
mod ext;
pub mod layer;
pub mod make;
mod service;
pub mod util;

pub use crate::builder::ServiceBuilder;
pub use crate::ext::ServiceExt;
pub use crate::layer::{Layer, layer_fn};
pub use crate::service::Service;
pub use crate::util::{
    BoxCloneService, BoxCloneSyncService, BoxService, UnsyncBoxService, service_fn,
};

/// Runs the code of the study guide's chapter on this crate as doc-tests, so the chapter
/// cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/01-service.md")]
struct StudyGuideChapter;

/// The error type middleware uses when it must combine errors of several kinds.
///
/// A layer that adds its own failures (a timeout, an overload) cannot know the inner
/// service's error type, so it boxes both. `Send + Sync` keeps the error usable across
/// tasks and threads, and `'static` (implied by `Box<dyn ..>`) lets callers
/// [`downcast`](Box::downcast) it back to the concrete type.
///
/// # Examples
///
/// ```
/// use spire_service::BoxError;
///
/// let err: BoxError = "connection refused".into();
/// assert_eq!(err.to_string(), "connection refused");
///
/// let io: BoxError = std::io::Error::other("reset").into();
/// assert!(io.downcast_ref::<std::io::Error>().is_some());
/// ```
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

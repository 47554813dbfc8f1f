//! Remake a service when it fails: [`Reconnect`].
//!
//! `Reconnect` holds a maker (a [`MakeService`](spire_service::make::MakeService): a
//! service from a target to a service, like a connector from an address to a connection)
//! and a target. It makes its service lazily, on the first `poll_ready`; when the
//! service's `poll_ready` fails (the connection closed), it drops it and makes a new one.
//! If making fails, the error goes to the next call, and the following `poll_ready` tries
//! again: a failure to connect fails one request, not the service.
//!
//! ```text
//!   Idle ──poll_ready──► Connecting ──Ok(svc)──► Connected ──poll_ready fails──► Idle
//!    ▲                       │ Err(e)
//!    └── next call gets e ───┘
//! ```
//!
//! # Examples
//!
//! ```
//! use spire_middleware::reconnect::Reconnect;
//! use spire_service::{BoxError, ServiceExt, service_fn};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! // "connect" to an address: a service that answers for that address
//! let connect = service_fn(|addr: &'static str| async move {
//!     Ok::<_, BoxError>(service_fn(move |req: &'static str| async move {
//!         Ok::<_, BoxError>(format!("{addr} says hi to {req}"))
//!     }))
//! });
//! let svc = Reconnect::new(connect, "10.0.0.1:80");
//! assert_eq!(svc.oneshot("ana").await.unwrap(), "10.0.0.1:80 says hi to ana");
//! # }
//! ```

mod future;
mod layer;
mod service;

pub use self::future::ResponseFuture;
pub use self::layer::ReconnectLayer;
pub use self::service::Reconnect;

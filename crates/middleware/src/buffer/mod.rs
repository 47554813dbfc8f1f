//! A bounded queue in front of a worker task: [`Buffer`] makes any service `Clone`,
//! `Send` and `Sync`, and shares it between callers.
//!
//! The inner service moves into a [`Worker`], a future that runs as its own task. Each
//! `Buffer` handle sends its requests down a channel; the worker takes them in order,
//! waits for the inner service's readiness, calls it, and sends the response future back.
//! The response future then runs in the caller's task, so the worker only ever does
//! `poll_ready` and `call`.
//!
//! ```text
//!   Buffer ─┐                          ┌────────── Worker task ───────────┐
//!   Buffer ─┼─► queue (bound slots) ──►│ poll_ready(inner), call(inner)   │
//!   Buffer ─┘                          └──► response future, back to the  │
//!      ▲                                    caller, which awaits it        │
//!      └──────────────────────────────────────────────────────────────────┘
//! ```
//!
//! The queue has `bound` slots. `poll_ready` reserves one (backpressure when all are
//! taken); it is freed when the worker takes the request off the queue and hands it to
//! the inner service. If the inner service's `poll_ready` fails, the worker stops: every
//! request still queued, every caller waiting for a slot and every later call get the
//! same error, a [`ServiceError`] whose [`source`](std::error::Error::source) is the
//! inner error. If the worker disappears without an error (its task was dropped, the
//! runtime shut down), they get [`Closed`](crate::error::Closed).
//!
//! # Examples
//!
//! ```
//! use spire_middleware::buffer::BufferLayer;
//! use spire_service::{BoxError, ServiceBuilder, ServiceExt};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let svc = ServiceBuilder::new()
//!     .layer(BufferLayer::new(1024))
//!     .service_fn(|x: u32| async move { Ok::<_, BoxError>(x + 1) });
//! // every clone talks to the one worker
//! let answers = futures_util::future::join_all((0..3).map(|x| svc.clone().oneshot(x))).await;
//! assert_eq!(answers.into_iter().map(Result::unwrap).collect::<Vec<_>>(), [1, 2, 3]);
//! # }
//! ```

mod error;
mod future;
mod layer;
mod message;
mod service;
mod worker;

pub use self::error::ServiceError;
pub use self::future::ResponseFuture;
pub use self::layer::BufferLayer;
pub use self::service::Buffer;
pub use self::worker::Worker;

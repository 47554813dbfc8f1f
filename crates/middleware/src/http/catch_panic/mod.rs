//! A panic in the service becomes a 500 and the connection lives on: [`CatchPanic`].
//!
//! A panic while the inner service's `call` runs, or while its response future is
//! polled, is caught with [`std::panic::catch_unwind`] and answered with the response
//! its [`ResponseForPanic`] makes: by default [`DefaultResponseForPanic`], a plain
//! `500 Internal Server Error` that does not reveal the panic's message (which is logged
//! with `tracing` instead). Without this layer the panic would unwind through the
//! connection's task and take the connection, and every request on it, down.
//!
//! The inner service is used again after a panic, as it is: the layer cannot know
//! whether the panic left it in a bad state, so use it around services whose state
//! survives a panic (most handlers hold nothing mutable). Panics in `poll_ready` and in
//! the response body are not caught. The response body is a [`ResponseBody`]: the inner
//! body, or the panic response's.
//!
//! **Readiness:** forwards the inner `poll_ready`; reserves nothing.
//! **Errors:** none added; a panic is a 500 response, an inner error passes through.
//!
//! # Examples
//!
//! ```
//! use bytes::Bytes;
//! use http::{Request, Response, StatusCode};
//! use spire_body::Full;
//! use spire_middleware::http::catch_panic::CatchPanicLayer;
//! use spire_service::{ServiceBuilder, ServiceExt};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let svc = ServiceBuilder::new()
//!     .layer(CatchPanicLayer::new())
//!     .service_fn(|request: Request<()>| async move {
//!         if request.uri().path() == "/boom" {
//!             panic!("handler bug");
//!         }
//!         Ok::<_, std::convert::Infallible>(Response::new(Full::new(Bytes::from("ok"))))
//!     });
//! let request = Request::builder().uri("/boom").body(()).unwrap();
//! let response = svc.oneshot(request).await.unwrap();
//! assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
//! # }
//! ```

mod body;
mod future;
mod layer;
mod response_for_panic;
mod service;

pub use self::body::ResponseBody;
pub use self::future::ResponseFuture;
pub use self::layer::CatchPanicLayer;
pub use self::response_for_panic::{DefaultResponseForPanic, ResponseForPanic};
pub use self::service::CatchPanic;

//! Change the body of every response with a function: [`MapResponseBody`].
//!
//! Use it to wrap response bodies in another [`Body`](spire_body::Body) type or to box
//! them, so that differently layered services share one response type. The function
//! runs when the response arrives; each call gets its own clone of it.
//!
//! **Readiness:** forwards the inner `poll_ready`; reserves nothing.
//! **Errors:** none added; the inner error passes through unchanged.
//!
//! # Examples
//!
//! ```
//! use bytes::Bytes;
//! use http::{Request, Response};
//! use spire_body::{BodyExt, Full, UnsyncBoxBody};
//! use spire_middleware::http::map_response_body::MapResponseBodyLayer;
//! use spire_service::{ServiceBuilder, ServiceExt};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let svc = ServiceBuilder::new()
//!     .layer(MapResponseBodyLayer::new(|body: Full<Bytes>| body.boxed_unsync()))
//!     .service_fn(|_: Request<()>| async {
//!         Ok::<_, std::convert::Infallible>(Response::new(Full::new(Bytes::from("hi"))))
//!     });
//! let body: UnsyncBoxBody<Bytes, _> = svc.oneshot(Request::new(())).await.unwrap().into_body();
//! assert_eq!(body.collect().await.unwrap().to_bytes(), "hi");
//! # }
//! ```

mod future;
mod layer;
mod service;

pub use self::future::ResponseFuture;
pub use self::layer::MapResponseBodyLayer;
pub use self::service::MapResponseBody;

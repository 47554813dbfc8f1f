//! Change the body of every request with a function: [`MapRequestBody`].
//!
//! Use it to wrap request bodies in another [`Body`](spire_body::Body) type (a counter, a
//! decoder, a limit) or to box them. The function runs in `call`, once per request.
//!
//! **Readiness:** forwards the inner `poll_ready`; reserves nothing.
//! **Errors:** none added; the inner error passes through unchanged.
//!
//! # Examples
//!
//! ```
//! use bytes::Bytes;
//! use http::{Request, Response};
//! use spire_body::{BodyExt, Full, Limited};
//! use spire_middleware::http::map_request_body::MapRequestBodyLayer;
//! use spire_service::{ServiceBuilder, ServiceExt};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let svc = ServiceBuilder::new()
//!     .layer(MapRequestBodyLayer::new(|body: Full<Bytes>| body.limited(1024)))
//!     .service_fn(|request: Request<Limited<Full<Bytes>>>| async move {
//!         let bytes = request.into_body().collect().await?.to_bytes();
//!         Ok::<_, spire_body::BoxError>(Response::new(bytes.len()))
//!     });
//! let response = svc.oneshot(Request::new(Full::new(Bytes::from("hello")))).await.unwrap();
//! assert_eq!(*response.body(), 5);
//! # }
//! ```

mod layer;
mod service;

pub use self::layer::MapRequestBodyLayer;
pub use self::service::MapRequestBody;

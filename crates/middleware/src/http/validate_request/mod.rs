//! Check each request before the inner service sees it, and answer the ones that fail:
//! [`ValidateRequestHeader`].
//!
//! The check is a [`ValidateRequest`]: it returns `Ok(())` to pass the request on, or
//! the response to send instead. Three are built in:
//!
//! ```text
//!   accept("application/json")  Accept must allow the type (or be absent)   else 406
//!   bearer("token")             Authorization: Bearer token                  else 401
//!   basic("user", "password")   Authorization: Basic base64(user:password)   else 401 + WWW-Authenticate
//! ```
//!
//! Credentials are compared in constant time. A closure
//! `FnMut(&mut Request<B>) -> Result<(), Response<ResB>>` is a `ValidateRequest` too
//! (see [`ValidateRequestHeaderLayer::custom`]). The rejection's body is the inner
//! service's body type, made with `Default` by the built-in checks, so no body wrapper
//! is needed.
//!
//! **Readiness:** forwards the inner `poll_ready`; reserves nothing. A rejected request
//! still uses up the readiness it was called with, as any call does.
//! **Errors:** none added; a rejection is a response.
//!
//! # Examples
//!
//! ```
//! use http::{Request, Response, StatusCode, header};
//! use spire_middleware::http::validate_request::ValidateRequestHeaderLayer;
//! use spire_service::{ServiceBuilder, ServiceExt};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let svc = ServiceBuilder::new()
//!     .layer(ValidateRequestHeaderLayer::bearer("s3cret"))
//!     .service_fn(|_: Request<()>| async { Ok::<_, std::convert::Infallible>(Response::new(String::from("secret data"))) });
//! let response = svc.clone().oneshot(Request::new(())).await.unwrap();
//! assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
//! let request = Request::builder().header(header::AUTHORIZATION, "Bearer s3cret").body(()).unwrap();
//! assert_eq!(svc.oneshot(request).await.unwrap().status(), StatusCode::OK);
//! # }
//! ```

mod future;
mod layer;
mod service;
mod validate;

pub use self::future::ResponseFuture;
pub use self::layer::ValidateRequestHeaderLayer;
pub use self::service::ValidateRequestHeader;
pub use self::validate::{AcceptHeader, Basic, Bearer, ValidateRequest};

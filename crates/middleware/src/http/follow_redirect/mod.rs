//! Follow HTTP redirects, for clients: [`FollowRedirect`], driven by a [`Policy`].
//!
//! When the inner service answers 301, 302, 303, 307 or 308 with a `Location` header,
//! [`FollowRedirect`] resolves the location against the request URI (absolute,
//! scheme-relative, absolute-path or relative-path, with `.` and `..` segments, as
//! RFC 3986 §5 says), asks its [`Policy`], and sends the next request through a clone of
//! the inner service, after waiting for that clone's readiness. The caller gets the first
//! response that is not followed, with a [`RequestUri`] extension holding the URI that
//! answered it.
//!
//! The next request is the previous one with the new URI, except (RFC 9110 §15.4):
//!
//! | status | method | next request |
//! | --- | --- | --- |
//! | 301, 302 | POST | GET, no body |
//! | 301, 302 | any other | same method, same body |
//! | 303 | any but HEAD | GET, no body |
//! | 303 | HEAD | HEAD, no body |
//! | 307, 308 | any | same method, same body |
//!
//! A request that loses its body also loses the headers that describe it
//! (`Content-Type`, `Content-Length`, `Content-Encoding`, `Content-Language`,
//! `Content-Location`, `Transfer-Encoding`); a request sent to another authority loses its
//! `Host` header. The body is sent again from a [`ReplayBody`], which records up to 64 KiB
//! ([`replay_cap`](FollowRedirect::replay_cap)); a redirect that needs a body that
//! outgrew the cap is not followed: the caller gets the 307 or 308.
//!
//! The response is returned as it is (not followed) when the `Location` is missing, is
//! not a URI reference, or names a scheme other than http or https.
//!
//! The default policy, [`Standard`], is [`Limited`] (20 hops) and
//! [`FilterCredentials`] (drop `Authorization`, `Proxy-Authorization` and `Cookie` when
//! the origin changes, and `Referer` from https to http). [`SameOrigin`] refuses to leave
//! the origin; combine policies with [`Policy::and`] and [`Policy::or`].
//!
//! ```text
//!   call ──► S ──► 3xx + Location ──► resolve ──► policy.redirect ──Follow──► next request
//!            ▲                                          │ Stop               │
//!            └──── clone.poll_ready, call ◄─────────────┼────────────────────┘
//!                                                       ▼
//!                            response (+ RequestUri) ──► caller
//! ```
//!
//! **Readiness:** forwards the inner `poll_ready` for the first request; each redirect
//! waits for a clone's readiness inside the response future.
//! **Errors:** none added: the inner service's, from any request of the chain.
//!
//! [`ReplayBody`]: crate::http::replay::ReplayBody
//!
//! # Examples
//!
//! ```
//! use bytes::Bytes;
//! use http::{Request, Response, StatusCode, header};
//! use spire_body::{BodyExt, Full};
//! use spire_middleware::http::follow_redirect::{FollowRedirectLayer, RequestUri};
//! use spire_middleware::http::replay::ReplayBody;
//! use spire_service::{BoxError, ServiceBuilder, ServiceExt};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let svc = ServiceBuilder::new()
//!     .layer(FollowRedirectLayer::new())
//!     .service_fn(|request: Request<ReplayBody<Full<Bytes>>>| async move {
//!         let mut response = Response::new(String::new());
//!         if request.uri().path() == "/form" {
//!             // "See other": the result of the POST is elsewhere.
//!             *response.status_mut() = StatusCode::SEE_OTHER;
//!             response.headers_mut().insert(header::LOCATION, "/result".parse().unwrap());
//!         } else {
//!             let method = request.method().clone();
//!             let body = request.into_body().collect().await?.to_bytes();
//!             *response.body_mut() = format!("{method} with {} body bytes", body.len());
//!         }
//!         Ok::<_, BoxError>(response)
//!     });
//! let request = Request::post("http://example.com/form")
//!     .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
//!     .body(Full::new(Bytes::from("a=1")))
//!     .unwrap();
//! let response = svc.oneshot(request).await.unwrap();
//! assert_eq!(response.status(), StatusCode::OK);
//! assert_eq!(response.body(), "GET with 0 body bytes");
//! assert_eq!(response.extensions().get::<RequestUri>().unwrap().0, "http://example.com/result");
//! # }
//! ```

mod future;
mod layer;
mod policy;
mod request_uri;
mod service;
mod standard;
mod uri;

pub use self::future::ResponseFuture;
pub use self::layer::FollowRedirectLayer;
pub use self::policy::{Action, And, Attempt, Or, Policy};
pub use self::request_uri::RequestUri;
pub use self::service::FollowRedirect;
pub use self::standard::{FilterCredentials, Limited, SameOrigin, Standard};

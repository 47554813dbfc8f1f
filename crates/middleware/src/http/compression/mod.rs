//! Compress response bodies: [`Compression`], gzip or deflate as the client asks.
//!
//! The request's `Accept-Encoding` picks the coding (RFC 9110 §12.5.3): each coding
//! weighs its own q-value, else that of `*`, else 0; `q=0` means "not acceptable";
//! `identity` is acceptable unless excluded, and wins when it weighs more than every
//! coding. Ties go to the server's preference, gzip before deflate. Tokens are
//! case-insensitive and `x-gzip` means gzip. A request without `Accept-Encoding` gets
//! the body as it is. "deflate" is written as a zlib stream, as RFC 9110 §8.4.1.2 says.
//!
//! ```text
//!   HEAD, 1xx/204/304, 206 or Content-Range, Content-Encoding set ──► as is
//!   Predicate says no (small, text/event-stream, image/* but svg) ──► as is
//!   otherwise: Vary += accept-encoding, then
//!     no acceptable coding ──► as is
//!     gzip | deflate ──► Content-Encoding set, Content-Length and Accept-Ranges removed,
//!                        a strong ETag made weak, body compressed frame by frame
//! ```
//!
//! The [`Predicate`] is the configurable part: [`DefaultPredicate`] skips bodies known to
//! be under 32 bytes (by an exact size hint, else `Content-Length`), server-sent event
//! streams (which must not be held back by a compressor) and images other than SVG.
//! `Vary: accept-encoding` is added (unless `Vary` already names it or is `*`) to every
//! response whose form depended on the request's `Accept-Encoding`, compressed or not,
//! so a cache never hands a compressed body to a client that cannot read it.
//!
//! The body, a [`CompressionBody`], compresses each data frame as it arrives and
//! sync-flushes it, so a streamed response keeps streaming and the memory held is the
//! compressor's state plus one frame. Trailers pass through after the end of the
//! compressed stream.
//!
//! **Readiness:** forwards the inner `poll_ready`; reserves nothing.
//! **Errors:** none added to the service; the body's error is the inner body's error
//! (or a compressor failure), boxed.
//!
//! # Examples
//!
//! ```
//! use bytes::Bytes;
//! use http::{Request, Response, header};
//! use spire_body::{BodyExt, Full};
//! use spire_middleware::http::compression::CompressionLayer;
//! use spire_service::{ServiceBuilder, ServiceExt};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let svc = ServiceBuilder::new()
//!     .layer(CompressionLayer::new())
//!     .service_fn(|_: Request<()>| async {
//!         Ok::<_, std::convert::Infallible>(Response::new(Full::new(Bytes::from("spire ".repeat(1000)))))
//!     });
//! let request = Request::builder()
//!     .header(header::ACCEPT_ENCODING, "br;q=1, gzip;q=0.9, *;q=0.1")
//!     .body(())
//!     .unwrap();
//! let response = svc.oneshot(request).await.unwrap();
//! assert_eq!(response.headers()[header::CONTENT_ENCODING], "gzip");
//! assert!(response.into_body().collect().await.unwrap().to_bytes().len() < 100);
//! # }
//! ```

mod body;
pub(crate) mod coding;
mod encoder;
mod future;
mod layer;
mod level;
mod predicate;
mod service;

pub use self::body::CompressionBody;
pub use self::future::ResponseFuture;
pub use self::layer::CompressionLayer;
pub use self::level::Level;
pub use self::predicate::{DefaultPredicate, Predicate};
pub use self::service::Compression;

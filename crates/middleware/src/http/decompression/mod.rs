//! Decompress bodies: [`Decompression`] for a client's responses, and
//! [`RequestDecompression`] for a server's requests. gzip and deflate, within limits.
//!
//! ```text
//!   client: request ─► Accept-Encoding: gzip, deflate (if absent) ─► inner
//!           response Content-Encoding: gzip | deflate ─► decoded, CE and CL removed
//!                    anything else ─► untouched
//!   server: request Content-Encoding: none | identity ─► inner, as is
//!                                     gzip | deflate ─► inner, decoded, CE and CL removed
//!                                     anything else ─► 415 + Accept-Encoding (inner not called)
//! ```
//!
//! A decoded body is a [`DecompressionBody`]. It decodes as it is read, one frame at a
//! time, and stops a decompression bomb with two limits, each with a setter on the
//! layers:
//! - **size**: at most 64 MiB decoded by default. The output buffer is never larger than
//!   what is left under the limit (plus one byte to see it crossed), so no memory is
//!   used past it.
//! - **ratio**: at most 100 decoded bytes per compressed byte read so far, by default,
//!   checked once 1 MiB has been decoded. Text and JSON compress 3 to 20 times; deflate
//!   tops out near 1032 times, on runs of a repeated byte, which is what a bomb is made
//!   of. So 100 MiB of zeros (about 100 KiB of gzip) stops after about 1 MiB, long before
//!   the size limit.
//!
//! Crossing a limit ends the body with a [`DecompressionLimitError`] that says which
//! limit and the numbers; input that is not valid gzip or deflate ends it with a
//! [`CorruptBody`]. Both reach the reader boxed, for `downcast_ref`. Nothing panics on
//! peer input.
//!
//! What is accepted, deliberately:
//! - gzip with several members is decoded as their concatenation (RFC 1952 §2.2); bytes
//!   after a member that do not begin another member are an error, since HTTP frames a
//!   body exactly. CRC-32 and length are checked.
//! - "deflate" is a zlib stream (RFC 9110 §8.4.1.2). As browsers do, a body whose first
//!   two bytes are not a valid zlib header is read as raw deflate (RFC 1951), which some
//!   old servers send.
//! - `x-gzip` is gzip; `identity` entries in `Content-Encoding` are ignored. Several
//!   stacked codings are not decoded (passed through by the client, 415 on the server).
//! - An empty body labelled gzip or deflate decodes to an empty body.
//!
//! **Readiness:** both forward the inner `poll_ready`; reserve nothing.
//! **Errors:** none added to the services; the server answers 415 as a response. The
//! bodies end with [`DecompressionLimitError`], [`CorruptBody`] or the inner body's
//! error, boxed.
//!
//! # Examples
//!
//! A server that reads gzip request bodies, and refuses a bomb:
//!
//! ```
//! use std::io::Write;
//!
//! use bytes::Bytes;
//! use http::{Request, Response, header};
//! use spire_body::{BodyExt, Full};
//! use spire_middleware::http::decompression::{DecompressionBody, DecompressionLimitError, RequestDecompressionLayer};
//! use spire_service::{ServiceBuilder, ServiceExt};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let svc = ServiceBuilder::new()
//!     .layer(RequestDecompressionLayer::new().max_size(1024 * 1024))
//!     .service_fn(|request: Request<DecompressionBody<Full<Bytes>>>| async move {
//!         let answer = match request.into_body().collect().await {
//!             Ok(body) => format!("{} bytes", body.to_bytes().len()),
//!             Err(err) if err.is::<DecompressionLimitError>() => String::from("too large"),
//!             Err(err) => err.to_string(),
//!         };
//!         Ok::<_, std::convert::Infallible>(Response::new(answer))
//!     });
//!
//! let gzip = |len: usize| {
//!     let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
//!     encoder.write_all(&vec![0; len]).unwrap();
//!     let request = Request::builder().header(header::CONTENT_ENCODING, "gzip");
//!     request.body(Full::new(Bytes::from(encoder.finish().unwrap()))).unwrap()
//! };
//! assert_eq!(svc.clone().oneshot(gzip(1000)).await.unwrap().body(), "1000 bytes");
//! assert_eq!(svc.oneshot(gzip(2 * 1024 * 1024)).await.unwrap().body(), "too large");
//! # }
//! ```

mod body;
mod decoder;
mod error;
mod future;
mod gzip_header;
mod layer;
mod limits;
mod service;

pub use self::body::DecompressionBody;
pub use self::error::{CorruptBody, DecompressionLimitError};
pub use self::future::{RequestDecompressionFuture, ResponseFuture};
pub use self::layer::{DecompressionLayer, RequestDecompressionLayer};
pub use self::service::{Decompression, RequestDecompression};

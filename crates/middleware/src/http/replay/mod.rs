//! Send a request body again: [`ReplayBody`] records what it yields, up to a cap.
//!
//! Retries and redirects (307, 308) send the same request twice, but a streamed body can
//! only be read once. A [`ReplayBody`] wraps the body and keeps each data frame it yields
//! (a `Bytes` clone, not a copy) and its trailers, up to a byte cap (64 KiB by default,
//! [`DEFAULT_CAP`]). [`ReplayBody::try_clone`] makes another copy of the body, which first
//! yields the recorded frames and then goes on reading the original body where the
//! previous attempt stopped. The original body never has to be read to its end before a
//! retry: a server that answers 503 after reading half of it is fine.
//!
//! ```text
//!   attempt 1:  original ──► [a][b]         (recorded a, b; the server answered 503)
//!   attempt 2:  replay a, b ──► original ──► [c][trailers] ──► end
//! ```
//!
//! Once the recording outgrows the cap, it is dropped: the body keeps streaming for the
//! attempt in progress, but it is no longer replayable ([`ReplayBody::is_replayable`] is
//! `false`, [`try_clone`](ReplayBody::try_clone) returns `None`, and a copy made earlier
//! fails with [`CannotReplay`] if it is polled). Retry and redirect policies check this
//! and return the response they have instead of trying again.
//!
//! **One reader at a time.** The copies share the original body behind a mutex, taken
//! only inside their `poll_frame`. The copy that most recently *started* reading owns the
//! body; an older copy that has already yielded frames fails with [`CannotReplay`] on its
//! next poll. A copy that has not been polled yet is not affected. This is what a retry
//! needs: the next attempt takes over and the abandoned one, if still around, stops.
//!
//! **Errors:** the original body's error (boxed), or [`CannotReplay`].
//!
//! # Examples
//!
//! ```
//! use bytes::Bytes;
//! use spire_body::{BodyExt, Frame, StreamBody};
//! use spire_middleware::http::replay::ReplayBody;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let chunks = ["hello ", "world"].map(|s| Ok::<_, std::io::Error>(Frame::data(Bytes::from(s))));
//! let mut first = ReplayBody::new(StreamBody::new(futures_util::stream::iter(chunks)));
//! let second = first.try_clone().unwrap();
//!
//! // The first attempt reads one frame, then gives up.
//! let frame = first.frame().await.unwrap().unwrap();
//! assert_eq!(frame.into_data().unwrap(), "hello ");
//! drop(first);
//!
//! // The second replays it, then reads the rest of the original.
//! assert_eq!(second.collect().await.unwrap().to_bytes(), "hello world");
//! # }
//! ```

mod body;
mod error;
#[cfg(test)]
mod tests;

pub use self::body::{DEFAULT_CAP, ReplayBody};
pub use self::error::CannotReplay;

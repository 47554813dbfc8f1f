//! Test support for spire: raw-message builders, a client ⇄ server codec pair, and the fuzz
//! harnesses.
//!
//! # How it fits
//!
//! spire-test is a dev-dependency only (`publish = false`). Middleware tests drive the
//! service under test by hand through [`mock`]. The integration tests of
//! spire-h1 and of the crates above it build their input with [`bytes`], hold conversations
//! between two spire-h1 connections with [`pair`], and the cargo-fuzz targets in `fuzz/` call
//! the harnesses in [`fuzz`], which a stable-Rust test also runs over the committed corpus on
//! every CI run. It may depend on anything, because nothing ships with it.
//!
//! ```text
//!  tests/*.rs ──► bytes::request(..)  ──raw bytes──►  spire_h1::Connection
//!  tests/*.rs ──► pair::Pair ──► client Connection ⇄ server Connection
//!  fuzz targets, fuzz_replay.rs ──► fuzz::h1_* ──► spire_h1 (split invariance, round trip)
//! ```
//!
//! # Layout
//!
//! - `mock.rs`: a mock `Service` and the `Handle` that drives it, for testing middleware by
//!   hand (see [`mock`]).
//! - `bytes.rs`: [`RawMessage`](bytes::RawMessage), builders for raw HTTP/1 messages.
//! - `pair.rs`: [`Pair`](pair::Pair), two spire-h1 connections back to back (h11's
//!   `ConnectionPair`), and [`coalesce_data`](pair::coalesce_data).
//! - `wire.rs`: [`read_to_close`](wire::read_to_close) and
//!   [`read_exactly`](wire::read_exactly), time-limited reads for wire-level tests.
//! - `fuzz/`: the harness of each fuzz target (`h1_request_parse`, `h1_response_parse`,
//!   `h1_chunked_decode`, `h1_roundtrip`); `drive.rs` runs parse inputs in pieces and whole,
//!   `roundtrip.rs` generates messages from bytes.
//!
//! # Example
//!
//! Send raw bytes to a server through a pair, in one-byte pieces, and look at what it parsed.
//!
//! ```
//! use http::Method;
//! use spire_h1::{Event, Role};
//! use spire_test::{bytes::request, pair::{Pair, coalesce_data}};
//!
//! let raw = request("PUT", "/notes/1").header("Host", "example.com").sized_body("hello");
//! let mut pair = Pair::new();
//! pair.set_max_piece(1);
//! let events = coalesce_data(pair.receive(Role::Server, &raw.to_bytes())?);
//! let Event::Request(head) = &events[0] else { panic!("{events:?}") };
//! assert_eq!(head.method, Method::PUT);
//! assert_eq!(events[1], Event::Data("hello".into()));
//! assert_eq!(events[2], Event::EndOfMessage(None));
//!
//! // the same bytes through the request-parsing fuzz harness (config byte 0: one byte at a time)
//! let mut input = vec![0];
//! input.extend_from_slice(&raw.to_bytes());
//! spire_test::fuzz::h1_request_parse(&input);
//! # Ok::<(), spire_h1::Error>(())
//! ```
#![forbid(unsafe_code)]
#![doc(test(attr(deny(warnings))))]

pub mod bytes;
pub mod fuzz;
pub mod mock;
pub mod pair;
pub mod tracing;
pub mod wire;

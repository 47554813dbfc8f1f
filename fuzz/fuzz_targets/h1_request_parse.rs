//! Fuzz target: request parsing (server role), split at points the input picks and in one piece.
//!
//! The harness and its input layout are documented on `spire_test::fuzz::h1_request_parse`; the
//! replay test `crates/test/tests/fuzz_replay.rs` runs this target's corpus on stable.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| spire_test::fuzz::h1_request_parse(data));

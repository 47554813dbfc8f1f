//! Fuzz target: response parsing (client role, after GET, HEAD, CONNECT and upgrade requests), split and whole.
//!
//! The harness and its input layout are documented on `spire_test::fuzz::h1_response_parse`; the
//! replay test `crates/test/tests/fuzz_replay.rs` runs this target's corpus on stable.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| spire_test::fuzz::h1_response_parse(data));

//! Fuzz target: chunked body decoding after a fixed request head, split and whole, against a reference decoder.
//!
//! The harness and its input layout are documented on `spire_test::fuzz::h1_chunked_decode`; the
//! replay test `crates/test/tests/fuzz_replay.rs` runs this target's corpus on stable.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| spire_test::fuzz::h1_chunked_decode(data));

//! Fuzz target: encode/parse round trip: messages built from the input survive client → server → client.
//!
//! The harness and its input layout are documented on `spire_test::fuzz::h1_roundtrip`; the
//! replay test `crates/test/tests/fuzz_replay.rs` runs this target's corpus on stable.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| spire_test::fuzz::h1_roundtrip(data));

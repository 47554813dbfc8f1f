//! The root package of the spire workspace.
//!
//! It holds no library code of its own: it exists so that the workspace's top-level
//! `examples/` and `benches/` can be run from the root with `cargo run --example NAME`
//! and `cargo bench`. The library crates live under `crates/`; start with
//! [`spire_service`].

pub use spire_service;

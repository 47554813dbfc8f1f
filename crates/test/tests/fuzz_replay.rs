//! Replays every committed fuzz input on stable Rust, so each CI run exercises the fuzz
//! targets without cargo-fuzz or nightly.
//!
//! For each target, every file in `fuzz/corpus/<target>/` (the committed `seed-*` files, plus
//! whatever a local fuzzing run added) and in `fuzz/regressions/<target>/` (minimized
//! crashers, kept once fixed) goes through the same `spire_test::fuzz` harness the fuzz
//! target calls. Names starting with `.` are not inputs (a `.gitkeep` keeps an empty
//! regressions directory in git).
//!
//! So that the test cannot silently replay nothing, a missing directory fails it, and so does
//! a corpus directory without inputs. A regressions directory may be empty: a target the
//! fuzzer has not crashed yet has no regression inputs, and a made-up one would prove nothing.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

/// The input files of `fuzz/<kind>/<target>/`, sorted; panics if the directory is missing,
/// or if it is a corpus directory without inputs.
fn inputs(kind: &str, target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz")
        .join(kind)
        .join(target);
    let entries =
        std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.is_file())
        .filter(|path| {
            !path
                .file_name()
                .is_some_and(|n| n.as_encoded_bytes().starts_with(b"."))
        })
        .collect();
    files.sort();
    assert!(
        kind != "corpus" || !files.is_empty(),
        "{} holds no inputs: the replay would test nothing",
        dir.display()
    );
    files
}

/// Runs `harness` on every corpus and regression input of `target`; reports every input
/// that panics, by path, instead of stopping at the first.
fn replay(target: &str, harness: fn(&[u8])) {
    let mut failures = Vec::new();
    let mut count = 0;
    for kind in ["corpus", "regressions"] {
        for path in inputs(kind, target) {
            let data = match std::fs::read(&path) {
                Ok(data) => data,
                // A fuzzer running beside the test replaces corpus files as it minimises
                // them; one that vanished after the listing is not an input any more.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && kind == "corpus" => {
                    continue;
                }
                Err(e) => panic!("cannot read {}: {e}", path.display()),
            };
            if catch_unwind(AssertUnwindSafe(|| harness(&data))).is_err() {
                failures.push(path.display().to_string());
            }
            count += 1;
        }
    }
    assert!(count > 0, "{target}: no inputs were replayed");
    assert!(
        failures.is_empty(),
        "{target}: {} of {count} inputs failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn h1_request_parse_replays_corpus_and_regressions() {
    replay("h1_request_parse", spire_test::fuzz::h1_request_parse);
}

#[test]
fn h1_response_parse_replays_corpus_and_regressions() {
    replay("h1_response_parse", spire_test::fuzz::h1_response_parse);
}

#[test]
fn h1_chunked_decode_replays_corpus_and_regressions() {
    replay("h1_chunked_decode", spire_test::fuzz::h1_chunked_decode);
}

#[test]
fn h1_roundtrip_replays_corpus_and_regressions() {
    replay("h1_roundtrip", spire_test::fuzz::h1_roundtrip);
}

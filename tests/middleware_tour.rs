//! The `middleware_tour` example, run as a child process: its output shows each layer at
//! work, and is the same on every run.
//!
//! The example must be built first (`cargo build --example middleware_tour`; a plain
//! `cargo test` builds it too); the tests fail with that instruction if it is missing.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(30);

/// `target/<profile>/examples/middleware_tour`, next to this test's own `deps/` directory.
fn binary() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("the test binary lives in target/<profile>/deps");
    let path = profile_dir
        .join("examples")
        .join(format!("middleware_tour{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.is_file(),
        "{} is missing: run `cargo build --example middleware_tour` (same profile) before these tests",
        path.display()
    );
    // `cargo test --test middleware_tour` does not rebuild examples: refuse a stale binary
    // rather than test old code.
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/middleware_tour.rs");
    let modified = |path: &Path| {
        std::fs::metadata(path)
            .and_then(|meta| meta.modified())
            .ok()
    };
    assert!(
        modified(&path) >= modified(&source),
        "{} is older than its source: run `cargo build --example middleware_tour` again",
        path.display()
    );
    path
}

/// Runs the tour to the end and returns its standard output; fails if it exits with an
/// error or takes longer than [`LIMIT`].
fn run_tour() -> String {
    let mut child = Command::new(binary())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("middleware_tour starts");
    let mut stdout = child.stdout.take().expect("piped stdout");
    // Read on a thread, so a tour that hangs fails the test instead of hanging it.
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut out = String::new();
        let result = stdout.read_to_string(&mut out).map(|_| out);
        let _ = tx.send(result);
    });
    let Ok(Ok(out)) = rx.recv_timeout(LIMIT) else {
        let _ = child.kill();
        let _ = child.wait();
        panic!("middleware_tour did not finish within {LIMIT:?}");
    };
    let status = child.wait().expect("wait for middleware_tour");
    assert!(status.success(), "exit status {status:?}; output:\n{out}");
    out
}

/// The lines of the section whose title starts with `title`, up to the next section.
fn section<'a>(out: &'a str, title: &str) -> &'a str {
    let start = out
        .find(&format!("-- {title}"))
        .unwrap_or_else(|| panic!("no section {title:?} in:\n{out}"));
    let rest = &out[start..];
    let end = rest[3..].find("\n-- ").map_or(rest.len(), |i| i + 3);
    &rest[..end]
}

fn assert_has(text: &str, line: &str) {
    assert!(text.contains(line), "{line:?} is missing from:\n{text}");
}

#[test]
fn tour_request_id_is_set_echoed_and_kept() {
    let out = run_tour();
    let set = section(&out, "request id: none sent");
    assert_has(set, "[handler] GET /hello, request id req-1");
    assert_has(set, "<< 200 OK, x-request-id: req-1,");
    let kept = section(&out, "request id: the caller's own");
    assert_has(kept, "<< 200 OK, x-request-id: from-the-caller,");
}

#[test]
fn tour_trace_hooks_run_in_order() {
    let out = run_tour();
    let traced = section(&out, "request id: none sent");
    let hooks: Vec<&str> = traced
        .lines()
        .filter_map(|line| line.trim().strip_prefix("[trace] "))
        .map(|hook| hook.split(':').next().unwrap_or(hook))
        .collect();
    assert_eq!(
        hooks,
        [
            "make_span",
            "on_request",
            "on_response",
            "on_body_chunk",
            "on_eos"
        ]
    );
}

#[test]
fn tour_server_layers_answer_with_statuses() {
    let out = run_tour();
    let gzip = section(&out, "compression");
    assert_has(gzip, "content-encoding: gzip");
    assert_has(gzip, "1216 bytes from the handler");

    let preflight = section(&out, "cors");
    assert_has(preflight, "<< 200 OK");
    assert_has(
        preflight,
        "access-control-allow-origin: \"https://app.example\"",
    );

    let too_large = section(&out, "body limit");
    assert_has(too_large, "<< 413 Payload Too Large");

    let stuck = section(&out, "timeout");
    assert_has(stuck, "<< 408 Request Timeout");

    let shed = section(&out, "load shed");
    assert_has(shed, "<< 503 Service Unavailable");
    assert_has(shed, "the request in flight finishes: << 200 OK");

    let panic = section(&out, "catch panic");
    assert_has(panic, "[panic hook] the handler has a bug");
    assert_has(panic, "<< 500 Internal Server Error");

    // The layers that answer on their own never reach the handler.
    for answered_by_a_layer in [preflight, too_large] {
        assert!(
            !answered_by_a_layer.contains("[handler]"),
            "{answered_by_a_layer}"
        );
    }
    assert!(!shed.contains("[handler] GET /hello"), "{shed}");
}

#[test]
fn tour_client_stack_retries_follows_and_decodes() {
    let out = run_tour();
    let retry = section(&out, "retry");
    assert_has(retry, "[backend] GET /flaky -> 503 Service Unavailable");
    assert_has(retry, "attempts: 2, body: b\"ok on attempt 2\"");

    let redirect = section(&out, "follow redirect");
    assert_has(redirect, "[backend] GET /old -> 301 Moved Permanently");
    assert_has(
        redirect,
        "final uri: http://backend.test/new, body: b\"the new place\"",
    );

    let decoded = section(&out, "decompression");
    assert_has(decoded, "content-encoding \"gzip\"");
    assert_has(
        decoded,
        "decoded: 1000 bytes, first line \"all systems nominal\"",
    );
}

#[test]
fn tour_output_is_the_same_on_every_run() {
    assert_eq!(run_tour(), run_tour());
}

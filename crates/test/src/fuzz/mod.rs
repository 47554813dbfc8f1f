//! Fuzz harnesses: one function per fuzz target, shared by `fuzz/fuzz_targets/` and by the
//! stable-Rust replay test that runs the committed corpus on every CI run.
//!
//! Each harness takes arbitrary bytes, never panics on its own account, and panics (which
//! the fuzzer reports as a crash) only when spire-h1 breaks a rule:
//!
//! - **split invariance**, the defining property of a sans-IO parser: the input fed in pieces
//!   gives the same events (body data joined, see [`coalesce_data`](crate::pair::coalesce_data)),
//!   the same error kind and the same final states as the input fed in one piece;
//! - **errors are sticky and remote**: a parse error is never a local error, and the next
//!   `next_event` returns it again;
//! - **progress**: `next_event` never produces more events than the input can explain;
//! - **round trip** ([`h1_roundtrip`]): a valid message encoded by one role is parsed back
//!   unchanged by the other;
//! - **no panic** anywhere in spire-h1.
//!
//! # Input layout of the parse harnesses
//!
//! The first byte configures the run and the bytes after it choose the split points:
//!
//! ```text
//! byte 0:  bit 0-2  k = how many split-length bytes follow (0: feed one byte at a time)
//!          bit 3    call receive_eof after the last byte
//!          bit 4    tight limits (small head, header, trailer, extension and body limits)
//!          bit 5    record the original header case
//!          bit 6-7  what the local side does (see each harness)
//! byte 1..=k:       piece lengths minus one, used in turn until the message is consumed
//! the rest:         the message bytes
//! ```

use bytes::Bytes;
use spire_h1::{Event, Role};

use self::drive::{App, Plan};
use self::roundtrip::{Source, roundtrip_exchange};
use crate::pair::Pair;

/// Request parsing (server role), fed in pieces and in one piece.
///
/// Bits 6-7 of the first byte pick the server's answer to each request: `0` a 200 (403 to
/// CONNECT) with an empty body after the request ends, `1` the same but accepting a proposed
/// protocol switch (101, or 200 to CONNECT), `2` a 200 with `Connection: close`, `3` the
/// answer of `0` sent as soon as the request head arrives, before its body. After each
/// exchange the harness starts the next cycle, so pipelined requests are parsed too.
///
/// # Panics
///
/// When spire-h1 breaks one of the rules in the [module docs](self).
///
/// # Examples
///
/// ```
/// // config 0x0a: two split-length bytes (3 and 5 bytes), EOF at the end
/// let mut input = vec![0x0a, 2, 4];
/// input.extend_from_slice(b"GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n");
/// spire_test::fuzz::h1_request_parse(&input);
/// ```
pub fn h1_request_parse(data: &[u8]) {
    let plan = Plan::new(data);
    let app = App::server(plan.choice);
    plan.check(Role::Server, &[], &app);
}

/// Response parsing (client role), fed in pieces and in one piece.
///
/// The client sends a request before the first response and after each completed exchange;
/// bits 6-7 of the first byte pick the method of the first one, and each later request takes
/// the next in the list: GET, HEAD (no response body), CONNECT (a 2xx opens a tunnel), and a
/// GET offering `Upgrade: websocket` (a 101 switches protocols).
///
/// # Panics
///
/// When spire-h1 breaks one of the rules in the [module docs](self).
///
/// # Examples
///
/// ```
/// let mut input = vec![0x40]; // one byte at a time, after a HEAD request
/// input.extend_from_slice(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
/// spire_test::fuzz::h1_response_parse(&input);
/// ```
pub fn h1_response_parse(data: &[u8]) {
    let plan = Plan::new(data);
    let app = App::Client {
        method: plan.choice,
    };
    plan.check(Role::Client, &[], &app);
}

/// The request head every [`h1_chunked_decode`] input is appended to.
pub const CHUNKED_HEAD: &[u8] =
    b"POST /upload HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n";

/// Chunked decoding: the message bytes are a chunked body after [`CHUNKED_HEAD`], parsed by
/// a server as in [`h1_request_parse`].
///
/// Besides split invariance, a body in a simple strict subset of the chunked grammar (hex
/// sizes, token extensions, no trailers) is decoded by a small reference decoder, and with
/// the default limits spire-h1 must accept it and produce the same data.
///
/// # Panics
///
/// When spire-h1 breaks one of the rules in the [module docs](self), or disagrees with the
/// reference decoder.
///
/// # Examples
///
/// ```
/// let mut input = vec![0x01, 6];
/// input.extend_from_slice(b"5;ext=1\r\nhello\r\n0\r\n\r\n");
/// spire_test::fuzz::h1_chunked_decode(&input);
/// ```
pub fn h1_chunked_decode(data: &[u8]) {
    let plan = Plan::new(data);
    let app = App::server(plan.choice);
    let outcome = plan.check(Role::Server, CHUNKED_HEAD, &app);
    if plan.tight {
        return;
    }
    let Some(body) = reference_chunked(plan.message) else {
        return;
    };
    let events = outcome.events.get(1..).unwrap_or_default();
    let expected = if body.is_empty() {
        vec![Event::EndOfMessage(None)]
    } else {
        vec![Event::Data(Bytes::from(body)), Event::EndOfMessage(None)]
    };
    assert_eq!(
        events.get(..expected.len()),
        Some(&expected[..]),
        "a body the reference decoder accepts decodes differently; error: {:?}",
        outcome.error
    );
}

/// Encode/parse round trip: builds requests (method, target, headers, body chunks,
/// trailers) and responses from the bytes, sends them through a [`Pair`], and asserts that
/// the other side parses exactly what was sent.
///
/// The first byte sets how the bytes are delivered (`0`: in one piece, `n`: pieces of at most
/// `n` bytes); the rest drives the generator. Every generated message is valid, so any send
/// or parse error is a bug.
///
/// # Panics
///
/// When a message does not survive the round trip, or spire-h1 rejects a valid message.
///
/// # Examples
///
/// ```
/// spire_test::fuzz::h1_roundtrip(b"\x03 any bytes make some valid messages");
/// spire_test::fuzz::h1_roundtrip(b"");
/// ```
pub fn h1_roundtrip(data: &[u8]) {
    let mut src = Source { data };
    let mut pair = Pair::new();
    match src.byte() {
        0 => {}
        n => pair.set_max_piece(usize::from(n)),
    }
    let exchanges = 1 + src.below(3);
    for _ in 0..exchanges {
        let keep_alive = roundtrip_exchange(&mut pair, &mut src);
        if !keep_alive {
            return;
        }
        pair.start_next_cycle()
            .expect("both sides are done after a keep-alive exchange");
    }
}

/// Decodes `body` if it is in a strict subset of the chunked grammar: `1*16HEXDIG`, optional
/// `;` extensions made of token characters and `=`, CRLF everywhere, no trailers, nothing
/// after the final CRLF. `None` for anything else.
fn reference_chunked(body: &[u8]) -> Option<Vec<u8>> {
    let mut data = Vec::new();
    let mut rest = body;
    loop {
        let line_end = rest.windows(2).position(|w| w == b"\r\n")?;
        let (line, tail) = rest.split_at(line_end);
        rest = tail.get(2..)?;
        let (size, ext) = line.split_at(line.iter().position(|&b| b == b';').unwrap_or(line.len()));
        if size.is_empty() || size.len() > 16 || !size.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        let ext_ok = ext.len() <= 64
            && ext
                .iter()
                .all(|&b| b == b';' || b == b'=' || b.is_ascii_alphanumeric() || b == b'-');
        if !ext_ok {
            return None;
        }
        let size = usize::from_str_radix(std::str::from_utf8(size).ok()?, 16).ok()?;
        if size == 0 {
            return (rest == b"\r\n").then_some(data);
        }
        let chunk = rest.get(..size)?;
        data.extend_from_slice(chunk);
        rest = rest.get(size..)?.strip_prefix(b"\r\n")?;
    }
}

mod drive;
mod roundtrip;
#[cfg(test)]
mod tests;

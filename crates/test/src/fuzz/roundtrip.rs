//! Generating valid messages from fuzz bytes, and checking that they survive a round trip.

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Version, header};
use spire_h1::{Event, RequestHead, ResponseHead, Role, Target};

use crate::pair::{Pair, coalesce_data};

/// Reads structure out of fuzz bytes; yields zeros once the bytes run out, so generation
/// always ends.
#[derive(Debug)]
pub(super) struct Source<'a> {
    pub(super) data: &'a [u8],
}

impl<'a> Source<'a> {
    pub(super) fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&b, rest)) => {
                self.data = rest;
                b
            }
            None => 0,
        }
    }

    /// A number in `0..n` (`n > 0`).
    pub(super) fn below(&mut self, n: usize) -> usize {
        usize::from(self.byte()) % n
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// Up to `max` raw bytes.
    fn take(&mut self, max: usize) -> &'a [u8] {
        let n = self.below(max + 1).min(self.data.len());
        let (taken, rest) = self.data.split_at(n);
        self.data = rest;
        taken
    }

    /// A string of 1 to `max` characters from `alphabet`.
    fn text(&mut self, alphabet: &[u8], max: usize) -> Vec<u8> {
        let len = 1 + self.below(max);
        (0..len).map(|_| self.pick(alphabet)).collect()
    }
}

const TOKEN: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789-!#$%&'*+.^_`|~";
const PATH: &[u8] =
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/?%";
const METHODS: [&str; 8] = [
    "GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "PURGE",
];
const STATUSES: [u16; 12] = [200, 201, 202, 203, 206, 300, 301, 302, 400, 404, 418, 503];
const COMMON_NAMES: [&str; 6] = [
    "accept",
    "user-agent",
    "content-type",
    "cache-control",
    "x-request-id",
    "cookie",
];
/// Names the generator never writes: framing, connection control, and the fields a
/// trailer section drops.
const RESERVED: [HeaderName; 10] = [
    header::CONTENT_LENGTH,
    header::TRANSFER_ENCODING,
    header::HOST,
    header::CONNECTION,
    header::UPGRADE,
    header::TE,
    header::TRAILER,
    header::EXPECT,
    header::PROXY_AUTHORIZATION,
    header::DATE,
];

fn header_name(src: &mut Source<'_>) -> HeaderName {
    let name = if src.byte() & 1 == 0 {
        src.pick(&COMMON_NAMES).as_bytes().to_vec()
    } else {
        src.text(TOKEN, 16)
    };
    match HeaderName::from_bytes(&name) {
        Ok(name) if !RESERVED.contains(&name) && name.as_str() != "keep-alive" => name,
        _ => HeaderName::from_static("x-fuzz"),
    }
}

/// A value of visible ASCII, inner spaces and tabs, and obs-text, with no whitespace at
/// either end (a parser trims it).
fn header_value(src: &mut Source<'_>) -> HeaderValue {
    let len = src.below(24);
    let mut value: Vec<u8> = (0..len)
        .map(|_| match src.byte() {
            b @ 0x21..=0x7e => b,
            b @ 0x80..=0xff if b > 0xf0 => b,
            b if b & 1 == 0 => b' ',
            _ => b'\t',
        })
        .collect();
    while value.last().is_some_and(|b| *b == b' ' || *b == b'\t') {
        value.pop();
    }
    while value.first().is_some_and(|b| *b == b' ' || *b == b'\t') {
        value.remove(0);
    }
    HeaderValue::from_bytes(&value).expect("no control characters were generated")
}

fn headers(src: &mut Source<'_>, max: usize) -> HeaderMap {
    let mut map = HeaderMap::new();
    for _ in 0..src.below(max + 1) {
        let name = header_name(src);
        let value = header_value(src);
        map.append(name, value);
    }
    map
}

fn body(src: &mut Source<'_>) -> Vec<Bytes> {
    (0..src.below(4))
        .map(|_| Bytes::copy_from_slice(src.take(64)))
        .collect()
}

/// Framing and trailers of a generated message: `(chunked, trailers)`.
fn framing(src: &mut Source<'_>, allow_chunked: bool) -> (bool, Option<HeaderMap>) {
    let chunked = allow_chunked && src.byte() & 1 == 1;
    let trailers = if chunked && src.byte() & 1 == 1 {
        Some(headers(src, 3))
    } else {
        None
    };
    (chunked, trailers)
}

fn body_len(chunks: &[Bytes]) -> usize {
    chunks.iter().map(Bytes::len).sum()
}

fn joined(chunks: &[Bytes]) -> Vec<u8> {
    chunks.iter().flat_map(|c| c.iter().copied()).collect()
}

/// What a receiver reports for a body and trailers.
fn expected_body(body: &[u8], trailers: Option<HeaderMap>) -> Vec<Event> {
    let mut events = Vec::new();
    if !body.is_empty() {
        events.push(Event::Data(Bytes::copy_from_slice(body)));
    }
    events.push(Event::EndOfMessage(trailers.filter(|t| !t.is_empty())));
    events
}

/// One request and its response through `pair`; returns whether the connection stays open.
pub(super) fn roundtrip_exchange(pair: &mut Pair, src: &mut Source<'_>) -> bool {
    // the request
    let method = Method::from_bytes(src.pick(&METHODS).as_bytes()).expect("valid method");
    let mut raw_target = b"/".to_vec();
    raw_target.extend(src.text(PATH, 24));
    let target = Target::parse(&method, Bytes::from(raw_target)).expect("origin-form target");
    let mut req = RequestHead::new(method.clone(), target);
    let http10 = src.byte() >= 0xe0;
    if http10 {
        req.version = Version::HTTP_10;
    }
    req.headers = headers(src, 8);
    req.headers
        .insert(header::HOST, HeaderValue::from_static("example.com"));
    let chunks = body(src);
    let (chunked, trailers) = framing(src, !http10);
    if chunked {
        req.headers.insert(
            header::TRANSFER_ENCODING,
            HeaderValue::from_static("chunked"),
        );
    } else if !chunks.is_empty() {
        req.headers
            .insert(header::CONTENT_LENGTH, HeaderValue::from(body_len(&chunks)));
    }
    let mut sent = vec![Event::Request(req.clone())];
    sent.extend(chunks.iter().cloned().map(Event::Data));
    sent.push(Event::EndOfMessage(trailers.clone()));
    let got = pair
        .send_all(Role::Client, sent)
        .unwrap_or_else(|e| panic!("request round trip failed: {e:?} for {req:?}"));
    let mut expected = vec![Event::Request(req)];
    expected.extend(expected_body(&joined(&chunks), trailers));
    assert_eq!(
        coalesce_data(got),
        expected,
        "the request did not survive the round trip"
    );

    // the response
    let mut res =
        ResponseHead::new(StatusCode::from_u16(src.pick(&STATUSES)).expect("valid status"));
    if src.byte() & 3 == 0 {
        let mut reason = src.text(PATH, 12);
        reason.insert(0, b'R');
        res.reason = Some(Bytes::from(reason));
    }
    res.headers = headers(src, 8);
    let chunks = body(src);
    let declared = src.byte() & 1 == 1;
    let (chunked, trailers) = if declared {
        (false, None)
    } else {
        framing(src, !http10)
    };
    if declared {
        res.headers
            .insert(header::CONTENT_LENGTH, HeaderValue::from(body_len(&chunks)));
    } else if chunked {
        res.headers.insert(
            header::TRANSFER_ENCODING,
            HeaderValue::from_static("chunked"),
        );
    }
    let mut sent = vec![Event::Response(res.clone())];
    sent.extend(chunks.iter().cloned().map(Event::Data));
    sent.push(Event::EndOfMessage(trailers.clone()));
    // Without a length, an HTTP/1.0 client reads the body until the connection closes.
    let keep_alive = !http10;
    if !keep_alive {
        sent.push(Event::ConnectionClosed);
    }
    let got = pair
        .send_all(Role::Server, sent)
        .unwrap_or_else(|e| panic!("response round trip failed: {e:?} for {res:?}"));
    let head_request = method == Method::HEAD;
    let mut expected_head = res.clone();
    if expected_head.reason.is_none() {
        let canonical = res.status.canonical_reason().unwrap_or_default();
        expected_head.reason = Some(Bytes::from_static(canonical.as_bytes()));
    }
    if let Some(Event::Response(parsed)) = got.first() {
        // the codec adds the framing and connection headers it decided on
        for name in [header::TRANSFER_ENCODING, header::CONNECTION] {
            if !res.headers.contains_key(&name) {
                for value in parsed.headers.get_all(&name) {
                    expected_head.headers.append(name.clone(), value.clone());
                }
            }
        }
    }
    let mut expected = vec![Event::Response(expected_head)];
    if head_request {
        expected.push(Event::EndOfMessage(None));
    } else {
        expected.extend(expected_body(&joined(&chunks), trailers));
    }
    if !keep_alive {
        expected.push(Event::ConnectionClosed);
    }
    assert_eq!(
        coalesce_data(got),
        expected,
        "the response did not survive the round trip"
    );
    assert_eq!(pair.client().is_keep_alive(), keep_alive);
    keep_alive
}

//! Builders for raw HTTP/1 messages: the bytes a peer would put on the wire.
//!
//! Tests of a parser need exact bytes, including bytes no well-behaved encoder would write
//! (two `Content-Length` lines, a bare LF, an obs-fold). Writing them as string literals is
//! error-prone once bodies and chunk sizes are involved, so [`RawMessage`] assembles them:
//! a start line, header lines in the given order and spelling, and a body that is either
//! written as given, length-delimited, or chunk-encoded with its sizes computed.
//!
//! Nothing here validates: the builder writes what it is told, so it can write malformed
//! messages on purpose.

use bytes::Bytes;

/// A raw HTTP/1 message under construction: start line, header lines, body.
///
/// Build one with [`request`] or [`response`], add lines with [`header`](Self::header), pick
/// a body with [`body`](Self::body), [`sized_body`](Self::sized_body) or
/// [`chunked`](Self::chunked), and get the bytes with [`to_bytes`](Self::to_bytes).
///
/// # Examples
///
/// ```
/// use spire_test::bytes::request;
///
/// let raw = request("POST", "/upload")
///     .header("Host", "example.com")
///     .chunked(["hello", " world"])
///     .trailer("Checksum", "abc")
///     .to_bytes();
/// assert_eq!(
///     &raw[..],
///     b"POST /upload HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n\
///       5\r\nhello\r\n6\r\n world\r\n0\r\nChecksum: abc\r\n\r\n"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawMessage {
    start_line: Vec<u8>,
    headers: Vec<(Vec<u8>, Vec<u8>)>,
    body: RawBody,
    trailers: Vec<(Vec<u8>, Vec<u8>)>,
    newline: &'static [u8],
}

/// How a [`RawMessage`] writes its body.
#[derive(Debug, Clone, PartialEq, Eq)]
enum RawBody {
    /// These bytes, exactly, with no framing header added.
    Verbatim(Vec<u8>),
    /// These chunks, chunk-encoded, followed by the last chunk and the trailers.
    Chunked(Vec<Vec<u8>>),
}

/// Starts an HTTP/1.1 request: `METHOD TARGET HTTP/1.1`.
///
/// # Examples
///
/// ```
/// let raw = spire_test::bytes::request("GET", "/").header("Host", "a").to_bytes();
/// assert_eq!(&raw[..], b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
/// ```
pub fn request(method: &str, target: &str) -> RawMessage {
    RawMessage::with_start_line(format!("{method} {target} HTTP/1.1"))
}

/// Starts an HTTP/1.1 response with the status code and its canonical reason phrase
/// (`HTTP/1.1 404 Not Found`; the phrase is empty for a code `http` does not know).
///
/// # Examples
///
/// ```
/// let raw = spire_test::bytes::response(204).to_bytes();
/// assert_eq!(&raw[..], b"HTTP/1.1 204 No Content\r\n\r\n");
/// ```
pub fn response(status: u16) -> RawMessage {
    let reason = http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    RawMessage::with_start_line(format!("HTTP/1.1 {status} {reason}"))
}

/// Chunk-encodes `chunks` as a complete chunked body: each non-empty chunk as `SIZE CRLF DATA
/// CRLF`, then `0 CRLF`, the `trailers`, and the final CRLF.
///
/// Empty chunks are skipped, because an empty chunk would be the last chunk.
///
/// # Examples
///
/// ```
/// let body = spire_test::bytes::chunked_body(["abc", "", "0123456789"], [("X-Sum", "7")]);
/// assert_eq!(&body[..], b"3\r\nabc\r\na\r\n0123456789\r\n0\r\nX-Sum: 7\r\n\r\n");
/// ```
pub fn chunked_body<C, N, V>(
    chunks: impl IntoIterator<Item = C>,
    trailers: impl IntoIterator<Item = (N, V)>,
) -> Bytes
where
    C: AsRef<[u8]>,
    N: AsRef<[u8]>,
    V: AsRef<[u8]>,
{
    let mut out = Vec::new();
    for chunk in chunks {
        write_chunk(&mut out, chunk.as_ref());
    }
    out.extend_from_slice(b"0\r\n");
    for (name, value) in trailers {
        write_line(&mut out, name.as_ref(), value.as_ref(), b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    Bytes::from(out)
}

impl RawMessage {
    /// A message with this start line (without its line ending), no headers and no body.
    ///
    /// Use it for start lines that [`request`] and [`response`] cannot write, such as a
    /// different version or a malformed line.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_test::bytes::RawMessage;
    ///
    /// let raw = RawMessage::with_start_line("GET / HTTP/1.0").to_bytes();
    /// assert_eq!(&raw[..], b"GET / HTTP/1.0\r\n\r\n");
    /// ```
    pub fn with_start_line(line: impl Into<Vec<u8>>) -> Self {
        Self {
            start_line: line.into(),
            headers: Vec::new(),
            body: RawBody::Verbatim(Vec::new()),
            trailers: Vec::new(),
            newline: b"\r\n",
        }
    }

    /// Replaces the `HTTP/1.1` at the end (request) or start (response) of the start line.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_test::bytes::{request, response};
    ///
    /// let raw = request("GET", "/").version("HTTP/1.0").to_bytes();
    /// assert!(raw.starts_with(b"GET / HTTP/1.0\r\n"));
    /// let raw = response(200).version("HTTP/1.0").to_bytes();
    /// assert!(raw.starts_with(b"HTTP/1.0 200 OK\r\n"));
    /// ```
    #[must_use]
    pub fn version(mut self, version: &str) -> Self {
        const CURRENT: &[u8] = b"HTTP/1.1";
        if self.start_line.starts_with(CURRENT) {
            self.start_line.splice(..CURRENT.len(), version.bytes());
        } else if self.start_line.ends_with(CURRENT) {
            let at = self.start_line.len() - CURRENT.len();
            self.start_line.splice(at.., version.bytes());
        }
        self
    }

    /// Appends the header line `name: value`, spelled exactly as given.
    ///
    /// # Examples
    ///
    /// ```
    /// let raw = spire_test::bytes::response(200).header("X-A", "1").header("x-a", "2").to_bytes();
    /// assert!(raw.ends_with(b"X-A: 1\r\nx-a: 2\r\n\r\n"));
    /// ```
    #[must_use]
    pub fn header(mut self, name: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> Self {
        self.headers
            .push((name.as_ref().to_vec(), value.as_ref().to_vec()));
        self
    }

    /// Uses these bytes as the body, exactly, without adding any framing header.
    ///
    /// # Examples
    ///
    /// ```
    /// let raw = spire_test::bytes::response(200).body("no length").to_bytes();
    /// assert_eq!(&raw[..], b"HTTP/1.1 200 OK\r\n\r\nno length");
    /// ```
    #[must_use]
    pub fn body(mut self, body: impl AsRef<[u8]>) -> Self {
        self.body = RawBody::Verbatim(body.as_ref().to_vec());
        self
    }

    /// Uses these bytes as the body and adds a matching `Content-Length` header line.
    ///
    /// # Examples
    ///
    /// ```
    /// let raw = spire_test::bytes::request("PUT", "/f").sized_body("abc").to_bytes();
    /// assert_eq!(&raw[..], b"PUT /f HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc");
    /// ```
    #[must_use]
    pub fn sized_body(self, body: impl AsRef<[u8]>) -> Self {
        let body = body.as_ref();
        self.header("Content-Length", body.len().to_string())
            .body(body)
    }

    /// Chunk-encodes these chunks as the body and adds `Transfer-Encoding: chunked`.
    ///
    /// Empty chunks are skipped (see [`chunked_body`]).
    ///
    /// # Examples
    ///
    /// ```
    /// let raw = spire_test::bytes::request("POST", "/").chunked(["hi"]).to_bytes();
    /// assert!(raw.ends_with(b"Transfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"));
    /// ```
    #[must_use]
    pub fn chunked<C: AsRef<[u8]>>(self, chunks: impl IntoIterator<Item = C>) -> Self {
        let chunks = chunks.into_iter().map(|c| c.as_ref().to_vec()).collect();
        let mut this = self.header("Transfer-Encoding", "chunked");
        this.body = RawBody::Chunked(chunks);
        this
    }

    /// Appends a trailer field, written after the last chunk of a [`chunked`](Self::chunked)
    /// body (ignored for other bodies).
    ///
    /// # Examples
    ///
    /// ```
    /// let raw = spire_test::bytes::response(200).chunked(["x"]).trailer("X-Sum", "1").to_bytes();
    /// assert!(raw.ends_with(b"1\r\nx\r\n0\r\nX-Sum: 1\r\n\r\n"));
    /// ```
    #[must_use]
    pub fn trailer(mut self, name: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> Self {
        self.trailers
            .push((name.as_ref().to_vec(), value.as_ref().to_vec()));
        self
    }

    /// Ends the start line and header lines with a bare LF instead of CRLF (RFC 9112 section
    /// 2.2 lets a recipient accept it); chunk framing keeps its CRLFs.
    ///
    /// # Examples
    ///
    /// ```
    /// let raw = spire_test::bytes::request("GET", "/").header("Host", "a").bare_lf().to_bytes();
    /// assert_eq!(&raw[..], b"GET / HTTP/1.1\nHost: a\n\n");
    /// ```
    #[must_use]
    pub fn bare_lf(mut self) -> Self {
        self.newline = b"\n";
        self
    }

    /// The head only: start line, header lines and the empty line.
    ///
    /// # Examples
    ///
    /// ```
    /// let msg = spire_test::bytes::request("POST", "/").sized_body("abc");
    /// assert_eq!(&msg.head()[..], b"POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\n");
    /// ```
    pub fn head(&self) -> Bytes {
        let mut out = Vec::new();
        self.write_head(&mut out);
        Bytes::from(out)
    }

    /// The whole message: head, then the body as chosen.
    ///
    /// # Examples
    ///
    /// ```
    /// let raw = spire_test::bytes::response(200).sized_body("ok").to_bytes();
    /// assert_eq!(&raw[..], b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    /// ```
    pub fn to_bytes(&self) -> Bytes {
        let mut out = Vec::new();
        self.write_head(&mut out);
        match &self.body {
            RawBody::Verbatim(body) => out.extend_from_slice(body),
            RawBody::Chunked(chunks) => {
                let body = chunked_body(chunks, self.trailers.iter().map(|(n, v)| (n, v)));
                out.extend_from_slice(&body);
            }
        }
        Bytes::from(out)
    }

    fn write_head(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.start_line);
        out.extend_from_slice(self.newline);
        for (name, value) in &self.headers {
            write_line(out, name, value, self.newline);
        }
        out.extend_from_slice(self.newline);
    }
}

fn write_line(out: &mut Vec<u8>, name: &[u8], value: &[u8], newline: &[u8]) {
    out.extend_from_slice(name);
    out.extend_from_slice(b": ");
    out.extend_from_slice(value);
    out.extend_from_slice(newline);
}

fn write_chunk(out: &mut Vec<u8>, chunk: &[u8]) {
    if chunk.is_empty() {
        return;
    }
    out.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
    out.extend_from_slice(chunk);
    out.extend_from_slice(b"\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_writes_start_line_headers_in_order_and_body() {
        let raw = request("PATCH", "/items/7?x=1")
            .header("Host", "example.com")
            .header("X-Dup", "1")
            .header("x-dup", "2")
            .sized_body("{}")
            .to_bytes();
        assert_eq!(
            &raw[..],
            b"PATCH /items/7?x=1 HTTP/1.1\r\nHost: example.com\r\nX-Dup: 1\r\nx-dup: 2\r\n\
              Content-Length: 2\r\n\r\n{}"
        );
    }

    #[test]
    fn response_uses_canonical_reason_or_empty_for_unknown_codes() {
        assert!(
            response(404)
                .to_bytes()
                .starts_with(b"HTTP/1.1 404 Not Found\r\n")
        );
        assert!(response(599).to_bytes().starts_with(b"HTTP/1.1 599 \r\n"));
    }

    #[test]
    fn chunked_body_writes_hex_sizes_and_skips_empty_chunks() {
        let big = vec![b'x'; 300];
        let body = chunked_body([&b""[..], &big[..]], [("a", "b"), ("c", "d")]);
        let mut expected = b"12c\r\n".to_vec();
        expected.extend_from_slice(&big);
        expected.extend_from_slice(b"\r\n0\r\na: b\r\nc: d\r\n\r\n");
        assert_eq!(&body[..], &expected[..]);
    }

    #[test]
    fn chunked_message_without_chunks_is_only_the_last_chunk() {
        let raw = request("POST", "/")
            .chunked(Vec::<Vec<u8>>::new())
            .to_bytes();
        assert!(raw.ends_with(b"chunked\r\n\r\n0\r\n\r\n"));
    }

    #[test]
    fn trailers_are_ignored_without_a_chunked_body() {
        let raw = response(200).sized_body("x").trailer("a", "b").to_bytes();
        assert_eq!(&raw[..], b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx");
    }

    #[test]
    fn version_replaces_the_version_of_either_start_line() {
        let req = request("GET", "/HTTP/1.1").version("HTTP/2.0").head();
        assert_eq!(&req[..], b"GET /HTTP/1.1 HTTP/2.0\r\n\r\n");
        let res = response(200).version("HTTP/1.0").head();
        assert_eq!(&res[..], b"HTTP/1.0 200 OK\r\n\r\n");
    }

    #[test]
    fn bare_lf_changes_head_lines_but_not_chunk_framing() {
        let raw = request("POST", "/").chunked(["ab"]).bare_lf().to_bytes();
        assert_eq!(
            &raw[..],
            b"POST / HTTP/1.1\nTransfer-Encoding: chunked\n\n2\r\nab\r\n0\r\n\r\n"
        );
    }

    #[test]
    fn head_stops_before_the_body() {
        let msg = response(200).sized_body("body");
        assert_eq!(
            &msg.head()[..],
            b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n"
        );
        assert_eq!(msg.to_bytes().len(), msg.head().len() + 4);
    }
}

//! httparse → heads, zero-copy: header values and the request-target are slices of the
//! received bytes.
//!
//! httparse is not incremental, so a head that arrives in pieces is parsed again from its
//! start. To keep that linear when bytes trickle in, after a partial parse the next attempt
//! waits until the new bytes contain a possible end of head (`\n\n` or `\n\r\n`).

use std::mem::MaybeUninit;

use bytes::{Buf, Bytes, BytesMut};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Version};

use crate::error::{Error, ErrorKind};
use crate::event::{RequestHead, ResponseHead};
use crate::head::validate::Seen;
use crate::header_case::OriginalHeaders;
use crate::limits::Limits;
use crate::target::Target;

/// Header slots kept on the stack; a larger `max_headers` falls back to the heap.
const STACK_HEADERS: usize = 100;

/// Where one header line sits inside the head bytes.
#[derive(Debug, Clone, Copy)]
struct Indices {
    name: (usize, usize),
    value: (usize, usize),
}

/// Reusable state for parsing heads on one connection.
#[derive(Debug)]
pub(crate) struct HeadParser {
    /// Bytes at the start of the read buffer known not to hold a complete head.
    scanned: usize,
    /// Header positions of the head being parsed (reused, so no allocation per head).
    indices: Vec<Indices>,
    /// Framing-relevant fields noticed while building the last header map.
    seen: Seen,
    /// An emptied header map to fill with the next head's fields: the map of the last head
    /// this connection sent, so that a keep-alive exchange allocates no new map.
    spare: Option<HeaderMap>,
}

/// A map with room for more fields than this is dropped rather than kept as the spare, so
/// one unusual head does not pin a large allocation for the connection's lifetime.
const MAX_SPARE_CAPACITY: usize = 64;

/// Start-line fields, as positions in the head bytes.
#[derive(Debug, Clone, Copy)]
struct StartLine {
    first: (usize, usize),
    second: (usize, usize),
    minor: u8,
    code: u16,
}

impl Default for HeadParser {
    fn default() -> Self {
        // Room for a typical head's header lines, so steady-state parsing does not allocate.
        Self {
            scanned: 0,
            indices: Vec::with_capacity(32),
            seen: Seen::default(),
            spare: None,
        }
    }
}

impl HeadParser {
    /// Parses a request head at the start of `buf`; `Ok(None)` means more bytes are needed.
    pub(crate) fn parse_request(
        &mut self,
        buf: &mut BytesMut,
        limits: &Limits,
        preserve_case: bool,
        force: bool,
    ) -> Result<Option<RequestHead>, Error> {
        let Some((head, line)) = self.parse(buf, limits, Kind::Request, force)? else {
            return Ok(None);
        };
        if has_bare_lf(&head) {
            return Err(Error::new(ErrorKind::BadHeader));
        }
        let method_bytes = head.get(line.first.0..line.first.1).unwrap_or_default();
        let method =
            Method::from_bytes(method_bytes).map_err(|_| Error::new(ErrorKind::BadStartLine))?;
        let target = slice(&head, line.second).ok_or(Error::new(ErrorKind::BadStartLine))?;
        let target = Target::parse(&method, target)?;
        let (headers, original) = self.build_headers(&head, preserve_case)?;
        let version = if line.minor == 0 {
            Version::HTTP_10
        } else {
            Version::HTTP_11
        };
        Ok(Some(RequestHead {
            method,
            target,
            version,
            headers,
            original,
        }))
    }

    /// Parses a response head at the start of `buf`; `Ok(None)` means more bytes are needed.
    pub(crate) fn parse_response(
        &mut self,
        buf: &mut BytesMut,
        limits: &Limits,
        preserve_case: bool,
        force: bool,
    ) -> Result<Option<ResponseHead>, Error> {
        let Some((head, line)) = self.parse(buf, limits, Kind::Response, force)? else {
            return Ok(None);
        };
        let status =
            StatusCode::from_u16(line.code).map_err(|_| Error::new(ErrorKind::BadStartLine))?;
        let reason = slice(&head, line.second);
        let (headers, original) = self.build_headers(&head, preserve_case)?;
        let version = if line.minor == 0 {
            Version::HTTP_10
        } else {
            Version::HTTP_11
        };
        Ok(Some(ResponseHead {
            version,
            status,
            reason,
            headers,
            original,
        }))
    }

    /// Runs httparse, records positions, and splits the head off `buf`.
    ///
    /// The outcome depends only on the buffered bytes, never on how they arrived (the split
    /// invariance the fuzz targets check): a head is parsed once it has an end (an empty
    /// line), exceeds `max_head_size`, or the peer closed (`force`); an error httparse finds
    /// in a head without an end is held back until one of those happens, and the request-line
    /// limit is checked on the first line alone. httparse only ever sees the first
    /// `max_head_size + 1` bytes. To stay linear when bytes trickle in, the buffer is searched
    /// for an end only past what was searched before.
    fn parse(
        &mut self,
        buf: &mut BytesMut,
        limits: &Limits,
        kind: Kind,
        force: bool,
    ) -> Result<Option<(Bytes, StartLine)>, Error> {
        skip_empty_lines(buf, &mut self.scanned);
        if buf.is_empty() {
            return Ok(None);
        }
        check_first_line(buf, limits)?;
        let oversized = buf.len() > limits.max_head_size();
        let ready = force || oversized || self.scanned == 0 || has_end(buf, self.scanned);
        if ready {
            match self.attempt(buf, limits, kind) {
                Ok(Some(parsed)) => return Ok(Some(parsed)),
                Ok(None) if oversized => return Err(Error::new(ErrorKind::HeadTooLarge)),
                Ok(None) => {}
                Err(err) if force || oversized || has_end(buf, 0) => return Err(err),
                Err(_) => {}
            }
        }
        self.scanned = buf.len();
        Ok(None)
    }

    /// One or two httparse runs; `Ok(None)` for an incomplete head.
    fn attempt(
        &mut self,
        buf: &mut BytesMut,
        limits: &Limits,
        kind: Kind,
    ) -> Result<Option<(Bytes, StartLine)>, Error> {
        // At most two rounds: the second after normalising an HTTP/1.x minor version above 1.
        for _ in 0..2 {
            let window = buf
                .get(..limits.max_head_size().saturating_add(1))
                .unwrap_or(buf);
            let e = match run_httparse(window, limits.max_headers(), kind, &mut self.indices) {
                Ok(Some((len, line))) => {
                    if len > limits.max_head_size() {
                        return Err(Error::new(ErrorKind::HeadTooLarge));
                    }
                    self.scanned = 0;
                    return Ok(Some((buf.split_to(len).freeze(), line)));
                }
                Ok(None) => return Ok(None),
                Err(e) => e,
            };
            if !matches!(
                e,
                httparse::Error::Version | httparse::Error::Token | httparse::Error::NewLine
            ) {
                return Err(map_httparse_error(e));
            }
            match classify_version(buf, kind) {
                VersionFix::NeedMore => return Ok(None),
                // RFC 9110 section 2.5: "A recipient that receives a message with a major version
                // number that it implements and a minor version number higher than what it
                // implements ... SHOULD process the message as if it were in the highest minor
                // version within that major version to which the recipient is conformant".
                VersionFix::Minor(at) if e == httparse::Error::Version => match buf.get_mut(at) {
                    Some(digit) => *digit = b'1',
                    None => return Err(Error::new(ErrorKind::BadStartLine)),
                },
                // RFC 9110 section 15.6.6: 505 "indicates that the server does not support, or
                // refuses to support, the major version of HTTP that was used in the request
                // message."
                VersionFix::Unsupported => return Err(Error::new(ErrorKind::UnsupportedVersion)),
                VersionFix::Valid => return Err(map_httparse_error(e)),
                _ => return Err(Error::new(ErrorKind::BadStartLine)),
            }
        }
        Err(Error::new(ErrorKind::BadStartLine))
    }

    /// Keeps `headers`, emptied, for the next head this parser builds.
    pub(crate) fn recycle(&mut self, mut headers: HeaderMap) {
        if headers.capacity() > 0 && headers.capacity() <= MAX_SPARE_CAPACITY {
            headers.clear();
            self.spare = Some(headers);
        }
    }

    /// The framing-relevant fields of the head parsed last.
    pub(crate) fn seen(&self) -> Seen {
        self.seen
    }

    fn build_headers(
        &mut self,
        head: &Bytes,
        preserve_case: bool,
    ) -> Result<(HeaderMap, Option<OriginalHeaders>), Error> {
        let bad = Error::new(ErrorKind::BadHeader);
        let mut headers = match self.spare.take() {
            Some(mut spare) => {
                spare.reserve(self.indices.len());
                spare
            }
            None => HeaderMap::with_capacity(self.indices.len()),
        };
        let mut original =
            preserve_case.then(|| OriginalHeaders::with_capacity(self.indices.len()));
        self.seen = Seen::default();
        for idx in &self.indices {
            let name_bytes = head.get(idx.name.0..idx.name.1).ok_or(bad)?;
            let name = HeaderName::from_bytes(name_bytes).map_err(|_| bad)?;
            let value = slice(head, idx.value).ok_or(bad)?;
            let value = HeaderValue::from_maybe_shared(value).map_err(|_| bad)?;
            self.seen.note(&name, value.as_bytes());
            if let Some(original) = original.as_mut() {
                original.push(slice(head, idx.name).ok_or(bad)?);
            }
            headers.append(name, value);
        }
        Ok((headers, original))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Request,
    Response,
}

/// A zero-copy slice of `head`, `None` if the range does not fit.
fn slice(head: &Bytes, (start, end): (usize, usize)) -> Option<Bytes> {
    (start <= end && end <= head.len()).then(|| head.slice(start..end))
}

fn offset(base: &[u8], part: &[u8]) -> usize {
    (part.as_ptr() as usize).wrapping_sub(base.as_ptr() as usize)
}

fn span(base: &[u8], part: &[u8]) -> (usize, usize) {
    let start = offset(base, part);
    (start, start.wrapping_add(part.len()))
}

type Parsed = Result<Option<(usize, StartLine)>, httparse::Error>;

/// One httparse pass over `buf`, recording positions into `indices`.
fn run_httparse(buf: &[u8], max_headers: usize, kind: Kind, indices: &mut Vec<Indices>) -> Parsed {
    if max_headers <= STACK_HEADERS {
        let mut slots = [const { MaybeUninit::<httparse::Header<'_>>::uninit() }; STACK_HEADERS];
        parse_into(
            buf,
            slots.get_mut(..max_headers).unwrap_or_default(),
            kind,
            indices,
        )
    } else {
        let mut slots = Vec::with_capacity(max_headers);
        slots.resize_with(max_headers, MaybeUninit::uninit);
        parse_into(buf, &mut slots, kind, indices)
    }
}

fn parse_into<'b>(
    buf: &'b [u8],
    slots: &mut [MaybeUninit<httparse::Header<'b>>],
    kind: Kind,
    indices: &mut Vec<Indices>,
) -> Parsed {
    indices.clear();
    let (len, line, headers) = match kind {
        Kind::Request => {
            let mut req = httparse::Request::new(&mut []);
            let httparse::Status::Complete(len) = req.parse_with_uninit_headers(buf, slots)? else {
                return Ok(None);
            };
            let method = req.method.unwrap_or_default().as_bytes();
            let path = req.path.unwrap_or_default().as_bytes();
            let minor = req.version.unwrap_or(1);
            let line = StartLine {
                first: span(buf, method),
                second: span(buf, path),
                minor,
                code: 0,
            };
            let headers: &[httparse::Header<'b>] = req.headers;
            (len, line, headers)
        }
        Kind::Response => {
            let mut res = httparse::Response::new(&mut []);
            let config = httparse::ParserConfig::default();
            let httparse::Status::Complete(len) =
                config.parse_response_with_uninit_headers(&mut res, buf, slots)?
            else {
                return Ok(None);
            };
            let reason = match res.reason {
                Some(reason) if !reason.is_empty() => span(buf, reason.as_bytes()),
                // httparse accepts obs-text in a reason phrase (RFC 9112 section 4:
                // `reason-phrase = 1*( HTAB / SP / VCHAR / obs-text )`) but reports a phrase
                // that is not UTF-8 as empty; take it from the status line itself.
                _ => raw_reason(buf),
            };
            let minor = res.version.unwrap_or(1);
            let line = StartLine {
                first: (0, 0),
                second: reason,
                minor,
                code: res.code.unwrap_or(0),
            };
            let headers: &[httparse::Header<'b>] = res.headers;
            (len, line, headers)
        }
    };
    indices.extend(headers.iter().map(|h| Indices {
        name: span(buf, h.name.as_bytes()),
        value: span(buf, h.value),
    }));
    Ok(Some((len, line)))
}

/// Where the reason phrase sits in a complete status line at the start of `buf`.
///
/// `status-line = HTTP-version SP status-code SP [ reason-phrase ]` (RFC 9112 section 4): the
/// version and code take 12 bytes, so the phrase runs from byte 13 to the end of the line.
fn raw_reason(buf: &[u8]) -> (usize, usize) {
    const START: usize = b"HTTP/1.1 200 ".len();
    let line_end = buf.iter().position(|&b| b == b'\n').unwrap_or(0);
    let end = match buf.get(..line_end) {
        Some([.., b'\r']) => line_end - 1,
        _ => line_end,
    };
    if end > START {
        (START, end)
    } else {
        (end, end)
    }
}

/// RFC 9112 section 2.2: "a server that is expecting to receive and parse a request-line
/// SHOULD ignore at least one empty line (CRLF) received prior to the request-line." The same
/// leniency applies between pipelined messages.
fn skip_empty_lines(buf: &mut BytesMut, scanned: &mut usize) {
    loop {
        let skip = match (buf.first(), buf.get(1)) {
            (Some(b'\n'), _) => 1,
            (Some(b'\r'), Some(b'\n')) => 2,
            _ => return,
        };
        buf.advance(skip);
        *scanned = scanned.saturating_sub(skip);
    }
}

/// Whether a complete head ends a line with a bare LF.
///
/// RFC 9112 section 2.2: "Although the line terminator for the start-line and fields is the
/// sequence CRLF, a recipient MAY recognize a single LF as a line terminator". A server that
/// does, behind a proxy that does not, reads different header lines than the proxy did, so
/// spire-h1 does not accept it in requests. httparse only lets a CR through as part of a CRLF,
/// so the head has a bare LF exactly when it holds fewer CRs than LFs; both counts vectorise.
fn has_bare_lf(head: &[u8]) -> bool {
    let lf = head.iter().filter(|&&b| b == b'\n').count();
    let cr = head.iter().filter(|&&b| b == b'\r').count();
    cr != lf
}

/// Whether the bytes from `from - 2` on hold the end of a head (`\n\n` or `\n\r\n`).
fn has_end(buf: &[u8], from: usize) -> bool {
    let start = from.saturating_sub(2);
    let tail = buf.get(start..).unwrap_or_default();
    tail.iter().enumerate().any(|(i, &b)| {
        b == b'\n' && {
            let next = tail.get(i + 1..).unwrap_or_default();
            next.starts_with(b"\n") || next.starts_with(b"\r\n")
        }
    })
}

/// RFC 9112 section 3: "A server that receives a request-target longer than any URI it
/// wishes to parse MUST respond with a 414 (URI Too Long) status code". The request line (or
/// status line), not counting its CRLF, may be at most `max_request_line` bytes: there must be
/// an LF among the first `max_request_line + 2` bytes.
fn check_first_line(buf: &[u8], limits: &Limits) -> Result<(), Error> {
    let window = limits.max_request_line().saturating_add(2);
    match buf.get(..window) {
        Some(first) if !first.contains(&b'\n') => Err(Error::new(ErrorKind::RequestLineTooLong)),
        _ => Ok(()),
    }
}

fn map_httparse_error(e: httparse::Error) -> Error {
    Error::new(match e {
        httparse::Error::TooManyHeaders => ErrorKind::HeaderCount,
        httparse::Error::HeaderName | httparse::Error::HeaderValue | httparse::Error::NewLine => {
            ErrorKind::BadHeader
        }
        httparse::Error::Status | httparse::Error::Token | httparse::Error::Version => {
            ErrorKind::BadStartLine
        }
    })
}

/// What to do with an HTTP-version httparse refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum VersionFix {
    /// The start line is not complete yet.
    NeedMore,
    /// `HTTP/1.x` with x > 1: rewrite the digit at this position to `1`.
    Minor(usize),
    /// HTTP/1.0 or HTTP/1.1: the error is elsewhere.
    Valid,
    /// Another major version, or the HTTP/0.9 request form (505).
    Unsupported,
    /// Not an HTTP-version at all (400).
    Malformed,
}

/// RFC 9112 section 2.3: `HTTP-version = HTTP-name "/" DIGIT "." DIGIT`.
fn classify_version(buf: &[u8], kind: Kind) -> VersionFix {
    let Some(end) = buf.iter().position(|&b| b == b'\n') else {
        return VersionFix::NeedMore;
    };
    let line = buf.get(..end).unwrap_or_default();
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let (start, version) = match kind {
        Kind::Request => {
            let spaces = line.iter().filter(|&&b| b == b' ').count();
            match (spaces, line.iter().rposition(|&b| b == b' ')) {
                // "GET/ HTTP/1.1" or "GET HTTP/1.1": a version is there but the method or
                // the target is missing, which is a malformed request line, not HTTP/0.9.
                (1, Some(sp)) if line.get(sp + 1..).is_some_and(|v| v.starts_with(b"HTTP/")) => {
                    return VersionFix::Malformed;
                }
                // "GET /" without a version is the HTTP/0.9 simple request.
                (1, _) => return VersionFix::Unsupported,
                (2, Some(sp)) => (sp + 1, line.get(sp + 1..).unwrap_or_default()),
                _ => return VersionFix::Malformed,
            }
        }
        Kind::Response => {
            let end = line.iter().position(|&b| b == b' ').unwrap_or(line.len());
            (0, line.get(..end).unwrap_or_default())
        }
    };
    match version {
        [b'H', b'T', b'T', b'P', b'/', major, b'.', minor]
            if major.is_ascii_digit() && minor.is_ascii_digit() =>
        {
            match (major, minor) {
                (b'1', b'0' | b'1') => VersionFix::Valid,
                (b'1', _) => VersionFix::Minor(start + 7),
                _ => VersionFix::Unsupported,
            }
        }
        _ => VersionFix::Malformed,
    }
}

#[cfg(test)]
mod tests;

//! The trailer section after the last chunk (RFC 9112 section 7.1.2).

use bytes::{Buf, BytesMut};
use http::{HeaderMap, HeaderName, HeaderValue, header};

use crate::error::{Error, ErrorKind};
use crate::limits::Limits;

/// Fields that a trailer section must not carry: framing, routing and connection control
/// (RFC 9110 section 6.5.1: "Many fields cannot be processed outside the header section
/// because their evaluation is necessary prior to receiving the content, such as those that
/// describe message framing, routing, authentication, request modifiers, response controls,
/// or content format."). They are dropped, not rejected: "A recipient MUST NOT merge a
/// received trailer field into the header section unless ..." — dropping is the safe form of
/// not acting on them.
pub(crate) const FORBIDDEN: [HeaderName; 9] = [
    header::CONTENT_LENGTH,
    header::TRANSFER_ENCODING,
    header::HOST,
    header::CONNECTION,
    header::TE,
    header::TRAILER,
    header::UPGRADE,
    header::EXPECT,
    header::PROXY_AUTHORIZATION,
];

/// Parses `trailer-section CRLF` at the start of `buf`.
///
/// Returns `Ok(None)` until the final empty line is buffered; `scan` remembers how far the
/// search got so that a trailer section fed byte by byte is still scanned once.
pub(crate) fn parse(
    buf: &mut BytesMut,
    limits: &Limits,
    scan: &mut usize,
) -> Result<Option<Option<HeaderMap>>, Error> {
    match buf.first() {
        None => return Ok(None),
        Some(b'\r') if buf.len() < 2 => return Ok(None),
        Some(b'\r') if buf.get(1) == Some(&b'\n') => {
            buf.advance(2);
            return Ok(Some(None));
        }
        _ => {}
    }
    // Only the first `max_trailer_size + 1` bytes are searched, so what is found does not
    // depend on how much more happens to be buffered.
    let limit = limits.max_trailer_size();
    let window = buf.get(..limit.saturating_add(1)).unwrap_or(buf);
    let Some(end) = find_end(window, scan.saturating_sub(3))? else {
        *scan = window.len();
        if buf.len() > limit {
            return Err(Error::new(ErrorKind::TrailersTooLarge));
        }
        return Ok(None);
    };
    if end > limit {
        return Err(Error::new(ErrorKind::TrailersTooLarge));
    }
    let section = buf.split_to(end);
    let mut slots = vec![httparse::EMPTY_HEADER; limits.max_headers()];
    let fields = match httparse::parse_headers(&section, &mut slots) {
        Ok(httparse::Status::Complete((_, fields))) => fields,
        Err(httparse::Error::TooManyHeaders) => return Err(Error::new(ErrorKind::HeaderCount)),
        _ => return Err(Error::new(ErrorKind::BadTrailer)),
    };
    let mut map = HeaderMap::with_capacity(fields.len());
    for field in fields {
        let name = HeaderName::from_bytes(field.name.as_bytes())
            .map_err(|_| Error::new(ErrorKind::BadTrailer))?;
        if FORBIDDEN.contains(&name) {
            continue;
        }
        let value =
            HeaderValue::from_bytes(field.value).map_err(|_| Error::new(ErrorKind::BadTrailer))?;
        map.append(name, value);
    }
    Ok(Some(if map.is_empty() { None } else { Some(map) }))
}

/// The end (exclusive) of the first `CRLFCRLF` at or after `from`, rejecting a bare LF.
///
/// RFC 9112 section 2.2 lets a recipient accept a bare LF in the head; inside a chunked body
/// spire-h1 does not, to keep one CRLF discipline for everything after the head.
fn find_end(buf: &[u8], from: usize) -> Result<Option<usize>, Error> {
    for (i, &b) in buf.iter().enumerate().skip(from) {
        if b != b'\n' {
            continue;
        }
        if i == 0 || buf.get(i - 1) != Some(&b'\r') {
            return Err(Error::new(ErrorKind::BadTrailer));
        }
        if i >= 3 && buf.get(i - 3..=i) == Some(&b"\r\n\r\n"[..]) {
            return Ok(Some(i + 1));
        }
    }
    Ok(None)
}

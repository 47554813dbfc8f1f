//! Which framing a message uses (RFC 9112 section 6), for received and sent messages.

use http::{HeaderMap, Method, StatusCode, Version, header};

use crate::error::{Error, ErrorKind};

/// How the body of a message is delimited on the wire (RFC 9112 section 6).
///
/// The connection picks it from the head (received messages) or from the head and the request being
/// answered (sent messages); [`Connection::their_framing`](crate::Connection::their_framing) and
/// [`Connection::our_framing`](crate::Connection::our_framing) report it.
///
/// # Examples
///
/// ```
/// use http::{HeaderMap, Method, StatusCode, Version};
/// use spire_h1::{Framing, response_framing};
///
/// let headers = HeaderMap::new();
/// // no Content-Length: chunked to an HTTP/1.1 client, close-delimited to HTTP/1.0
/// let to_11 = response_framing(&Method::GET, Version::HTTP_11, StatusCode::OK, &headers);
/// assert_eq!(to_11, Ok(Framing::Chunked));
/// let to_10 = response_framing(&Method::GET, Version::HTTP_10, StatusCode::OK, &headers);
/// assert_eq!(to_10, Ok(Framing::UntilClose));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Framing {
    /// The message has no body and cannot have one (HEAD, 1xx, 204, 304, 2xx to CONNECT).
    Empty,
    /// Exactly this many bytes (`Content-Length`; 0 also for requests without framing headers).
    Length(u64),
    /// The chunked transfer coding, possibly with trailers.
    Chunked,
    /// Everything until the connection closes (responses only).
    UntilClose,
}

/// Whether a response with `status` to a request with `method` has no body at all.
///
/// RFC 9112 section 6.3: "Any response to a HEAD request and any response with a 1xx
/// (Informational), 204 (No Content), or 304 (Not Modified) status code is always terminated
/// by the first empty line after the header fields" and "Any 2xx (Successful) response to a
/// CONNECT request implies that the connection will become a tunnel immediately after the
/// empty line that concludes the header fields."
///
/// # Examples
///
/// ```
/// use http::{Method, StatusCode};
/// assert!(spire_h1::response_has_no_body(&Method::HEAD, StatusCode::OK));
/// assert!(!spire_h1::response_has_no_body(&Method::GET, StatusCode::OK));
/// ```
pub fn response_has_no_body(method: &Method, status: StatusCode) -> bool {
    method == Method::HEAD
        || status.is_informational()
        || status == StatusCode::NO_CONTENT
        || status == StatusCode::NOT_MODIFIED
        || (method == Method::CONNECT && status.is_success())
}

/// The framing a server must use for a response it sends to a request with `request_method`
/// and `request_version`.
///
/// `Content-Length` wins when present; a `Transfer-Encoding` ending in `chunked` means
/// chunked; without either, an HTTP/1.1 client gets a chunked body (the connection adds the
/// `Transfer-Encoding` header) and an HTTP/1.0 client a close-delimited one (RFC 9112
/// section 6.1: a server "MUST NOT send a response containing Transfer-Encoding unless the
/// corresponding request indicates HTTP/1.1").
///
/// # Errors
///
/// [`ErrorKind::InvalidHead`] if the headers cannot be sent as they are: an invalid
/// `Content-Length`, both `Content-Length` and `Transfer-Encoding`, framing headers on a 1xx
/// or 204 (RFC 9110 section 8.6: "A server MUST NOT send a Content-Length header field in any
/// response with a status code of 1xx (Informational) or 204 (No Content)"), or
/// `Transfer-Encoding` to an HTTP/1.0 client.
///
/// # Examples
///
/// ```
/// use http::{HeaderMap, Method, StatusCode, Version};
/// use spire_h1::{Framing, response_framing};
///
/// let mut headers = HeaderMap::new();
/// headers.insert("content-length", "5".parse().unwrap());
/// let f = response_framing(&Method::GET, Version::HTTP_10, StatusCode::OK, &headers);
/// assert_eq!(f, Ok(Framing::Length(5)));
/// let head = response_framing(&Method::HEAD, Version::HTTP_11, StatusCode::OK, &headers);
/// assert_eq!(head, Ok(Framing::Empty));
/// ```
pub fn response_framing(
    request_method: &Method,
    request_version: Version,
    status: StatusCode,
    headers: &HeaderMap,
) -> Result<Framing, Error> {
    let local = |_| Error::new(ErrorKind::InvalidHead);
    let has_te = headers.contains_key(header::TRANSFER_ENCODING);
    let length = content_length(headers).map_err(local)?;
    if status.is_informational() || status == StatusCode::NO_CONTENT {
        if has_te || length.is_some() {
            return Err(Error::new(ErrorKind::InvalidHead));
        }
        return Ok(Framing::Empty);
    }
    if response_has_no_body(request_method, status) {
        return Ok(Framing::Empty);
    }
    match (length, has_te) {
        (Some(_), true) => Err(Error::new(ErrorKind::InvalidHead)),
        (Some(n), false) => Ok(Framing::Length(n)),
        (None, true) if request_version == Version::HTTP_10 => {
            Err(Error::new(ErrorKind::InvalidHead))
        }
        (None, true) => match codings(headers) {
            Codings {
                chunked: 1,
                chunked_last: true,
                ..
            } => Ok(Framing::Chunked),
            Codings { chunked: 0, .. } => Ok(Framing::UntilClose),
            _ => Err(Error::new(ErrorKind::InvalidHead)),
        },
        (None, false) if request_version == Version::HTTP_10 => Ok(Framing::UntilClose),
        (None, false) => Ok(Framing::Chunked),
    }
}

/// The framing of a request we send: `Content-Length`, `Transfer-Encoding: chunked`, or no
/// body.
pub(crate) fn outgoing_request_framing(
    version: Version,
    headers: &HeaderMap,
) -> Result<Framing, Error> {
    let length = content_length(headers).map_err(|_| Error::new(ErrorKind::InvalidHead))?;
    match (length, headers.contains_key(header::TRANSFER_ENCODING)) {
        (Some(n), false) => Ok(Framing::Length(n)),
        (None, false) => Ok(Framing::Length(0)),
        (None, true) if version != Version::HTTP_10 => match codings(headers) {
            Codings {
                chunked: 1,
                chunked_last: true,
                other: 0,
            } => Ok(Framing::Chunked),
            _ => Err(Error::new(ErrorKind::InvalidHead)),
        },
        _ => Err(Error::new(ErrorKind::InvalidHead)),
    }
}

/// The framing of a received request, strict against smuggling (RFC 9112 section 6.3).
pub(crate) fn request_framing(version: Version, headers: &HeaderMap) -> Result<Framing, Error> {
    let has_te = headers.contains_key(header::TRANSFER_ENCODING);
    if has_te {
        // RFC 9112 section 6.1: "A server or client that receives an HTTP/1.0 message
        // containing a Transfer-Encoding header field MUST treat the message as if the framing
        // is faulty, even if a Content-Length is present, and close the connection".
        if version == Version::HTTP_10 {
            return Err(Error::new(ErrorKind::AmbiguousFraming));
        }
        // Section 6.3 item 3: "If a message is received with both a Transfer-Encoding and a
        // Content-Length header field, ... ought to be handled as an error."
        if headers.contains_key(header::CONTENT_LENGTH) {
            return Err(Error::new(ErrorKind::AmbiguousFraming));
        }
        let codings = codings(headers);
        // Section 6.1: "A sender MUST NOT apply the chunked transfer coding more than once";
        // section 6.3 item 4: "If a Transfer-Encoding header field is present in a request and
        // the chunked transfer coding is not the final encoding, ... the server MUST respond
        // with the 400 (Bad Request) status code and then close the connection."
        if codings.chunked != 1 || !codings.chunked_last {
            return Err(Error::new(ErrorKind::AmbiguousFraming));
        }
        // Section 6.1: "A server that receives a request message with a transfer coding it
        // does not understand SHOULD respond with 501 (Not Implemented)."
        if codings.other > 0 {
            return Err(Error::new(ErrorKind::UnsupportedTransferCoding));
        }
        return Ok(Framing::Chunked);
    }
    // Section 6.3 item 6: "If this is a request message and none of the above are true, then
    // the message body length is zero".
    Ok(Framing::Length(content_length(headers)?.unwrap_or(0)))
}

/// The framing of a received response to a request with `method` (RFC 9112 section 6.3).
pub(crate) fn received_response_framing(
    method: &Method,
    status: StatusCode,
    headers: &HeaderMap,
) -> Result<Framing, Error> {
    if response_has_no_body(method, status) {
        return Ok(Framing::Empty);
    }
    if headers.contains_key(header::TRANSFER_ENCODING) {
        if headers.contains_key(header::CONTENT_LENGTH) {
            return Err(Error::new(ErrorKind::AmbiguousFraming));
        }
        return match codings(headers) {
            Codings {
                chunked: 1,
                chunked_last: true,
                ..
            } => Ok(Framing::Chunked),
            // Section 6.3 item 4: "If a Transfer-Encoding header field is present in a
            // response and the chunked transfer coding is not the final encoding, the message
            // body length is determined by reading the connection until it is closed".
            Codings { chunked: 0, .. } => Ok(Framing::UntilClose),
            _ => Err(Error::new(ErrorKind::AmbiguousFraming)),
        };
    }
    // Section 6.3 item 8: "Otherwise, this is a response message without a declared message
    // body length, so the message body length is determined by the number of octets received
    // prior to the server closing the connection."
    Ok(content_length(headers)?.map_or(Framing::UntilClose, Framing::Length))
}

/// Counts of the codings listed in every `Transfer-Encoding` line.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Codings {
    chunked: usize,
    other: usize,
    chunked_last: bool,
}

/// `Transfer-Encoding = #transfer-coding` (RFC 9112 section 6.1); empty list elements are
/// ignored (RFC 9110 section 5.6.1).
fn codings(headers: &HeaderMap) -> Codings {
    let mut c = Codings::default();
    for value in headers.get_all(header::TRANSFER_ENCODING) {
        for coding in value.as_bytes().split(|&b| b == b',') {
            let coding = coding.trim_ascii();
            if coding.is_empty() {
                continue;
            }
            let chunked = coding.eq_ignore_ascii_case(b"chunked");
            if chunked {
                c.chunked += 1;
            } else {
                c.other += 1;
            }
            c.chunked_last = chunked;
        }
    }
    c
}

/// The `Content-Length` of a message, if any.
///
/// RFC 9112 section 6.3 item 5: "If a message is received without Transfer-Encoding and with
/// an invalid Content-Length header field, then the message framing is invalid and the
/// recipient MUST treat it as an unrecoverable error". RFC 9110 section 8.6:
/// `Content-Length = 1*DIGIT`; a list of identical values ("42, 42") may be accepted, anything
/// else is invalid.
pub(crate) fn content_length(headers: &HeaderMap) -> Result<Option<u64>, Error> {
    let invalid = Error::new(ErrorKind::InvalidContentLength);
    let mut found = None;
    for value in headers.get_all(header::CONTENT_LENGTH) {
        for item in value.as_bytes().split(|&b| b == b',') {
            let n = parse_decimal(item.trim_ascii()).ok_or(invalid)?;
            match found {
                Some(m) if m != n => return Err(invalid),
                _ => found = Some(n),
            }
        }
    }
    Ok(found)
}

/// `1*DIGIT` into a `u64`, `None` on anything else or overflow.
fn parse_decimal(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0u64, |acc, &b| {
        if b.is_ascii_digit() {
            acc.checked_mul(10)?.checked_add(u64::from(b - b'0'))
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests;

//! Heads → bytes: start line, header lines (default, Title-Case or original spelling and
//! order), and the headers the connection adds (`Date`, `Transfer-Encoding`, `Connection`).

use bytes::BytesMut;
use http::{HeaderMap, HeaderName, HeaderValue, Version, header};

use crate::decode::trailers::FORBIDDEN;
use crate::error::Error;
use crate::event::{RequestHead, ResponseHead, check_reason};
use crate::header_case::OriginalHeaders;

/// Headers the connection adds to what the caller gave it.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Extra<'a> {
    pub(crate) date: Option<&'a HeaderValue>,
    pub(crate) chunked: bool,
    pub(crate) connection: Option<&'static [u8]>,
    /// A `Content-Length` the codec writes for a caller that gave the body's length.
    pub(crate) content_length: Option<u64>,
}

/// How header names are spelled.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Style {
    pub(crate) title_case: bool,
}

fn version_str(version: Version) -> &'static [u8] {
    if version == Version::HTTP_10 {
        b"HTTP/1.0"
    } else {
        b"HTTP/1.1"
    }
}

pub(crate) fn request(head: &RequestHead, style: Style, extra: Extra<'_>, dst: &mut BytesMut) {
    dst.reserve(64 + head.target.as_bytes().len() + head.headers.len() * 32);
    dst.extend_from_slice(head.method.as_str().as_bytes());
    dst.extend_from_slice(b" ");
    dst.extend_from_slice(head.target.as_bytes());
    dst.extend_from_slice(b" ");
    dst.extend_from_slice(version_str(head.version));
    dst.extend_from_slice(b"\r\n");
    fields(&head.headers, head.original.as_ref(), style, dst);
    extras(&head.headers, extra, style, dst);
    dst.extend_from_slice(b"\r\n");
}

pub(crate) fn response(
    head: &ResponseHead,
    style: Style,
    extra: Extra<'_>,
    dst: &mut BytesMut,
) -> Result<(), Error> {
    let reason = match &head.reason {
        Some(reason) => {
            check_reason(reason)?;
            &reason[..]
        }
        None => head.status.canonical_reason().unwrap_or("").as_bytes(),
    };
    dst.reserve(64 + reason.len() + head.headers.len() * 32);
    match common_status_line(head) {
        Some(status_line) => dst.extend_from_slice(status_line),
        None => {
            dst.extend_from_slice(version_str(head.version));
            dst.extend_from_slice(b" ");
            dst.extend_from_slice(head.status.as_str().as_bytes());
            dst.extend_from_slice(b" ");
            dst.extend_from_slice(reason);
            dst.extend_from_slice(b"\r\n");
        }
    }
    fields(&head.headers, head.original.as_ref(), style, dst);
    extras(&head.headers, extra, style, dst);
    dst.extend_from_slice(b"\r\n");
    Ok(())
}

/// The whole status line of an HTTP/1.1 response with one of the most common statuses and
/// its canonical reason, so the line is one copy instead of six.
fn common_status_line(head: &ResponseHead) -> Option<&'static [u8]> {
    if head.version == Version::HTTP_10 || head.reason.is_some() {
        return None;
    }
    Some(match head.status.as_u16() {
        200 => b"HTTP/1.1 200 OK\r\n",
        201 => b"HTTP/1.1 201 Created\r\n",
        204 => b"HTTP/1.1 204 No Content\r\n",
        301 => b"HTTP/1.1 301 Moved Permanently\r\n",
        302 => b"HTTP/1.1 302 Found\r\n",
        304 => b"HTTP/1.1 304 Not Modified\r\n",
        400 => b"HTTP/1.1 400 Bad Request\r\n",
        404 => b"HTTP/1.1 404 Not Found\r\n",
        500 => b"HTTP/1.1 500 Internal Server Error\r\n",
        _ => return None,
    })
}

/// Trailer fields after the last chunk (default spelling unless Title-Case).
///
/// Framing and routing fields are left out, as the receiving side drops them (RFC 9110
/// section 6.5.1: "A sender MUST NOT generate a trailer field unless the sender knows the
/// corresponding header field name's definition permits the field to be sent in trailers").
pub(crate) fn trailers(map: &HeaderMap, style: Style, dst: &mut BytesMut) {
    for (name, value) in map {
        if !FORBIDDEN.contains(name) {
            line(name.as_str().as_bytes(), value.as_bytes(), style, dst);
        }
    }
}

fn extras(headers: &HeaderMap, extra: Extra<'_>, style: Style, dst: &mut BytesMut) {
    if let Some(date) = extra.date
        && !headers.contains_key(header::DATE)
    {
        line(
            header::DATE.as_str().as_bytes(),
            date.as_bytes(),
            style,
            dst,
        );
    }
    if let Some(length) = extra.content_length {
        let mut digits = [0u8; 20];
        line(
            header::CONTENT_LENGTH.as_str().as_bytes(),
            decimal(length, &mut digits),
            style,
            dst,
        );
    }
    if extra.chunked {
        line(
            header::TRANSFER_ENCODING.as_str().as_bytes(),
            b"chunked",
            style,
            dst,
        );
    }
    if let Some(value) = extra.connection {
        line(header::CONNECTION.as_str().as_bytes(), value, style, dst);
    }
}

fn fields(
    headers: &HeaderMap,
    original: Option<&OriginalHeaders>,
    style: Style,
    dst: &mut BytesMut,
) {
    let Some(original) = original else {
        for (name, value) in headers {
            line(name.as_str().as_bytes(), value.as_bytes(), style, dst);
        }
        return;
    };
    // The n-th spelling of a name is paired with the n-th value of that name.
    let mut written: Vec<(HeaderName, usize)> = Vec::with_capacity(original.len());
    for raw in original.iter() {
        let Ok(name) = HeaderName::from_bytes(raw) else {
            continue;
        };
        let index = match written.iter().position(|(seen, _)| *seen == name) {
            Some(index) => index,
            None => {
                written.push((name.clone(), 0));
                written.len() - 1
            }
        };
        let Some((_, n)) = written.get_mut(index) else {
            continue;
        };
        if let Some(value) = headers.get_all(&name).iter().nth(*n) {
            *n += 1;
            dst.extend_from_slice(raw);
            dst.extend_from_slice(b": ");
            dst.extend_from_slice(value.as_bytes());
            dst.extend_from_slice(b"\r\n");
        }
    }
    for name in headers.keys() {
        let skip = written
            .iter()
            .find(|(seen, _)| seen == name)
            .map_or(0, |(_, n)| *n);
        for value in headers.get_all(name).iter().skip(skip) {
            line(name.as_str().as_bytes(), value.as_bytes(), style, dst);
        }
    }
}

/// Writes `n` in decimal at the end of `buf` and returns those digits.
fn decimal(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut start = buf.len();
    loop {
        start -= 1;
        // `n % 10` is below 10, so the cast is exact.
        buf[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[start..];
        }
    }
}

fn line(name: &[u8], value: &[u8], style: Style, dst: &mut BytesMut) {
    if style.title_case {
        let mut upper = true;
        for &b in name {
            dst.extend_from_slice(&[if upper { b.to_ascii_uppercase() } else { b }]);
            upper = b == b'-';
        }
    } else {
        dst.extend_from_slice(name);
    }
    // Constant pieces go through `extend_from_slice`, which inlines to a store of known
    // length; `BufMut::put_slice` would be a call to `memcpy` for two bytes.
    dst.extend_from_slice(b": ");
    dst.extend_from_slice(value);
    dst.extend_from_slice(b"\r\n");
}

#[cfg(test)]
mod tests {
    use http::{Method, StatusCode};

    use super::*;
    use crate::target::Target;

    fn style(title_case: bool) -> Style {
        Style { title_case }
    }

    #[test]
    fn encodes_request_line_and_title_case() {
        let mut head = RequestHead::new(
            Method::POST,
            Target::parse(&Method::POST, "/x".into()).unwrap(),
        );
        head.headers.insert("x-request-id", "1".parse().unwrap());
        let mut dst = BytesMut::new();
        request(
            &head,
            style(true),
            Extra {
                chunked: true,
                ..Extra::default()
            },
            &mut dst,
        );
        assert_eq!(
            &dst[..],
            b"POST /x HTTP/1.1\r\nX-Request-Id: 1\r\nTransfer-Encoding: chunked\r\n\r\n"
        );
    }

    #[test]
    fn encodes_response_with_date_unless_present() {
        let date = HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT");
        let mut head = ResponseHead::new(StatusCode::OK);
        let mut dst = BytesMut::new();
        response(
            &head,
            style(false),
            Extra {
                date: Some(&date),
                ..Extra::default()
            },
            &mut dst,
        )
        .unwrap();
        assert_eq!(
            &dst[..],
            b"HTTP/1.1 200 OK\r\ndate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n"
        );
        head.headers.insert(header::DATE, "x".parse().unwrap());
        dst.clear();
        response(
            &head,
            style(false),
            Extra {
                date: Some(&date),
                ..Extra::default()
            },
            &mut dst,
        )
        .unwrap();
        assert_eq!(&dst[..], b"HTTP/1.1 200 OK\r\ndate: x\r\n\r\n");
    }

    #[test]
    fn encodes_original_case_and_order() {
        let mut head = ResponseHead::new(StatusCode::OK);
        head.headers.append("x-b", "1".parse().unwrap());
        head.headers.append("x-a", "2".parse().unwrap());
        head.headers.append("x-b", "3".parse().unwrap());
        head.headers.append("x-c", "4".parse().unwrap());
        head.original = Some(["X-B", "x-A", "X-b", "Missing"].into_iter().collect());
        let mut dst = BytesMut::new();
        response(&head, style(false), Extra::default(), &mut dst).unwrap();
        assert_eq!(
            &dst[..],
            b"HTTP/1.1 200 OK\r\nX-B: 1\r\nx-A: 2\r\nX-b: 3\r\nx-c: 4\r\n\r\n"
        );
    }

    #[test]
    fn rejects_reason_with_newline() {
        let mut head = ResponseHead::new(StatusCode::OK);
        head.reason = Some("OK\r\nX: y".into());
        assert!(response(&head, style(false), Extra::default(), &mut BytesMut::new()).is_err());
    }
}

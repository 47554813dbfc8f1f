//! Body encoders: length-delimited (checks the declared size), chunked (with trailers), and
//! close-delimited. Data goes into the [`WriteBuf`] without being copied.

use bytes::{BufMut, Bytes};
use http::HeaderMap;

use crate::error::{Error, ErrorKind};
use crate::framing::Framing;
use crate::head::encode::{self as head, Style};
use crate::write_buf::WriteBuf;

/// Frames the body of the message we are sending.
#[derive(Debug)]
pub(crate) enum Encoder {
    /// `Content-Length`: exactly `remaining` more bytes.
    Length { remaining: u64 },
    /// Chunked: one chunk per non-empty `Data`. The CRLF that closes a chunk is written
    /// together with the next size line (`open` is true in between), so a chunk costs two
    /// pieces in the `WriteBuf`, not three.
    Chunked { open: bool },
    /// Close-delimited: the connection closes after the body.
    UntilClose,
    /// A response to HEAD: the body the caller sends is dropped (RFC 9110 section 9.3.2: "The
    /// server SHOULD NOT send content in the response"), so a driver can send the same body
    /// for HEAD as for GET.
    Discard,
}

impl Encoder {
    pub(crate) fn new(framing: Framing, head_response: bool) -> Self {
        match framing {
            Framing::Empty if head_response => Self::Discard,
            Framing::Empty => Self::Length { remaining: 0 },
            Framing::Length(n) => Self::Length { remaining: n },
            Framing::Chunked => Self::Chunked { open: false },
            Framing::UntilClose => Self::UntilClose,
        }
    }

    pub(crate) fn data(&mut self, data: Bytes, out: &mut WriteBuf) -> Result<(), Error> {
        match self {
            Self::Length { remaining } => {
                let len = data.len() as u64;
                if len > *remaining {
                    return Err(Error::new(ErrorKind::BodyLongerThanDeclared));
                }
                *remaining -= len;
                out.push(data);
            }
            // RFC 9112 section 7.1: a chunk of size zero is the last-chunk, so empty data is
            // simply not written.
            Self::Chunked { .. } if data.is_empty() => {}
            Self::Chunked { open } => {
                let mut line = [0u8; 20];
                let n = size_line(data.len(), *open, &mut line);
                out.push_small(line.get(..n).unwrap_or_default());
                out.push(data);
                *open = true;
            }
            Self::UntilClose => out.push(data),
            Self::Discard => {}
        }
        Ok(())
    }

    pub(crate) fn end(
        &mut self,
        trailers: Option<HeaderMap>,
        style: Style,
        out: &mut WriteBuf,
    ) -> Result<(), Error> {
        let has_trailers = trailers.as_ref().is_some_and(|t| !t.is_empty());
        match self {
            Self::Length { remaining } if *remaining > 0 => {
                Err(Error::new(ErrorKind::BodyShorterThanDeclared))
            }
            Self::Length { .. } | Self::UntilClose if has_trailers => {
                Err(Error::new(ErrorKind::TrailersNotAllowed))
            }
            Self::Length { .. } | Self::UntilClose | Self::Discard => Ok(()),
            Self::Chunked { open } => {
                let close_previous = std::mem::take(open);
                match trailers {
                    Some(trailers) if has_trailers => {
                        let dst = out.scratch();
                        if close_previous {
                            dst.put_slice(b"\r\n");
                        }
                        dst.put_slice(b"0\r\n");
                        head::trailers(&trailers, style, dst);
                        dst.put_slice(b"\r\n");
                        out.commit_scratch();
                    }
                    _ if close_previous => out.push(Bytes::from_static(b"\r\n0\r\n\r\n")),
                    _ => out.push(Bytes::from_static(b"0\r\n\r\n")),
                }
                Ok(())
            }
        }
    }
}

/// Writes `[CRLF] {len:x} CRLF` into `buf` (the leading CRLF closes the previous chunk) and
/// returns its length.
fn size_line(len: usize, close_previous: bool, buf: &mut [u8; 20]) -> usize {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut at = 0;
    if close_previous {
        buf[..2].copy_from_slice(b"\r\n");
        at = 2;
    }
    // at most 16 digits for a 64-bit length, so everything fits in 2 + 16 + 2 bytes
    let digits = (usize::BITS - len.leading_zeros()).div_ceil(4).max(1) as usize;
    for i in (0..digits).rev() {
        buf[at] = HEX[(len >> (4 * i)) & 0xf];
        at += 1;
    }
    buf[at..at + 2].copy_from_slice(b"\r\n");
    at + 2
}

#[cfg(test)]
mod tests {
    use bytes::Buf;

    use super::*;

    const STYLE: Style = Style { title_case: false };

    fn written(out: &mut WriteBuf) -> Vec<u8> {
        out.flatten().to_vec()
    }

    #[test]
    fn hex_size_lines() {
        let mut buf = [0u8; 20];
        for (len, want) in [
            (0usize, "0\r\n"),
            (1, "1\r\n"),
            (255, "ff\r\n"),
            (4096, "1000\r\n"),
            (usize::MAX, "ffffffffffffffff\r\n"),
        ] {
            let n = size_line(len, false, &mut buf);
            assert_eq!(&buf[..n], want.as_bytes());
            let n = size_line(len, true, &mut buf);
            assert_eq!(&buf[..n], format!("\r\n{want}").as_bytes());
        }
    }

    #[test]
    fn length_encoder_checks_declared_size() {
        let mut out = WriteBuf::new();
        let mut e = Encoder::new(Framing::Length(3), false);
        assert_eq!(
            e.data("abcd".into(), &mut out).unwrap_err().kind(),
            ErrorKind::BodyLongerThanDeclared
        );
        e.data("ab".into(), &mut out).unwrap();
        assert_eq!(
            e.end(None, STYLE, &mut out).unwrap_err().kind(),
            ErrorKind::BodyShorterThanDeclared
        );
        e.data("c".into(), &mut out).unwrap();
        e.end(None, STYLE, &mut out).unwrap();
        assert_eq!(written(&mut out), b"abc");
    }

    #[test]
    fn chunked_encoder_frames_and_writes_trailers() {
        let mut out = WriteBuf::new();
        let mut e = Encoder::new(Framing::Chunked, false);
        e.data("hello".into(), &mut out).unwrap();
        e.data(Bytes::new(), &mut out).unwrap();
        let mut trailers = HeaderMap::new();
        trailers.insert("x-checksum", "abc".parse().unwrap());
        trailers.insert("content-length", "5".parse().unwrap());
        e.end(Some(trailers), STYLE, &mut out).unwrap();
        assert_eq!(out.pieces(), 3);
        assert_eq!(
            written(&mut out),
            b"5\r\nhello\r\n0\r\nx-checksum: abc\r\n\r\n"
        );
        assert_eq!(out.remaining(), 0);
    }

    #[test]
    fn trailers_need_chunked() {
        let mut trailers = HeaderMap::new();
        trailers.insert("x", "1".parse().unwrap());
        let mut e = Encoder::new(Framing::UntilClose, false);
        let err = e
            .end(Some(trailers), STYLE, &mut WriteBuf::new())
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::TrailersNotAllowed);
    }

    #[test]
    fn head_response_body_is_discarded_but_204_body_is_an_error() {
        let mut out = WriteBuf::new();
        let mut head = Encoder::new(Framing::Empty, true);
        head.data("ignored".into(), &mut out).unwrap();
        assert!(out.is_empty());
        let mut no_content = Encoder::new(Framing::Empty, false);
        assert!(no_content.data("x".into(), &mut out).is_err());
    }
}

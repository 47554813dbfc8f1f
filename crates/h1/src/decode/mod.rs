//! Body decoders: bytes of the read buffer in, zero-copy body slices out.

mod chunked;
mod length;
pub(crate) mod trailers;
mod until_close;

use bytes::{Bytes, BytesMut};
use http::HeaderMap;

use crate::error::{Error, ErrorKind};
use crate::framing::Framing;
use crate::limits::Limits;

pub(crate) use self::chunked::ChunkedDecoder;
pub(crate) use self::length::LengthDecoder;
pub(crate) use self::until_close::UntilCloseDecoder;

/// One step of body decoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Decoded {
    /// A slice of the body (never empty).
    Data(Bytes),
    /// The body is complete (trailers for a chunked body that had any).
    End(Option<HeaderMap>),
    /// The buffer holds no more of the body.
    NeedData,
}

/// The decoder for the body of the message currently being received.
#[derive(Debug)]
pub(crate) enum Decoder {
    Length(LengthDecoder),
    Chunked(ChunkedDecoder),
    UntilClose(UntilCloseDecoder),
}

impl Decoder {
    pub(crate) fn new(framing: Framing) -> Self {
        match framing {
            Framing::Empty => Self::Length(LengthDecoder::new(0)),
            Framing::Length(n) => Self::Length(LengthDecoder::new(n)),
            Framing::Chunked => Self::Chunked(ChunkedDecoder::new()),
            Framing::UntilClose => Self::UntilClose(UntilCloseDecoder::new()),
        }
    }

    /// Decodes at most one step from `buf`, consuming what it used.
    pub(crate) fn decode(&mut self, buf: &mut BytesMut, limits: &Limits) -> Result<Decoded, Error> {
        match self {
            Self::Length(d) => Ok(d.decode(buf)),
            Self::Chunked(d) => d.decode(buf, limits),
            Self::UntilClose(d) => d.decode(buf, limits),
        }
    }

    /// The peer closed the connection and `buf` holds nothing more of the body.
    pub(crate) fn decode_eof(&mut self) -> Result<Decoded, Error> {
        match self {
            Self::Length(d) if d.remaining() == 0 => Ok(Decoded::End(None)),
            Self::UntilClose(_) => Ok(Decoded::End(None)),
            // RFC 9112 section 8: "A message that uses a valid Content-Length is incomplete if
            // the size of the message body received ... is less than the value given by
            // Content-Length. A response that has neither chunked transfer coding nor
            // Content-Length is terminated by closure of the connection". A chunked message is
            // incomplete if "the zero-sized chunk that terminates the encoding has not been
            // received".
            _ => Err(Error::new(ErrorKind::IncompleteMessage)),
        }
    }
}

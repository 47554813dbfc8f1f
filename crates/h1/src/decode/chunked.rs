//! The chunked transfer coding (RFC 9112 section 7.1) as an explicit state machine.
//!
//! Framing bytes (size lines, CRLFs) are read one at a time; chunk data is handed out as
//! zero-copy slices of the read buffer, as large as what is buffered.

use bytes::{Buf, BytesMut};

use super::{Decoded, trailers};
use crate::error::{Error, ErrorKind};
use crate::limits::Limits;

/// Longest chunk-size, leading zeros included: more digits than this are rejected rather than
/// read forever.
const MAX_SIZE_DIGITS: u8 = 32;

/// Where the decoder is inside `chunked-body = *chunk last-chunk trailer-section CRLF`.
///
/// ```text
/// Size ─hex─► Size ─SP/HTAB─► SizeWs ─";"─► Extension ─CR─► SizeLf ─LF─► Data ─► DataCr ─► DataLf ─► Size
///   │ ";" ─► Extension      │ CR ─► SizeLf                          │ (size 0)
///   └ CR ─► SizeLf                                                 └─► Trailers ─CRLF─► End
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChunkedState {
    /// Reading the hex digits of `chunk-size`.
    Size,
    /// Whitespace after the size (`BWS` before `;`).
    SizeWs,
    /// Inside `chunk-ext`, until CR.
    Extension,
    /// After the CR that ends the size line.
    SizeLf,
    /// Inside `chunk-data`.
    Data,
    /// Expecting the CR after `chunk-data`.
    DataCr,
    /// Expecting the LF after `chunk-data`.
    DataLf,
    /// After `last-chunk`: the trailer section and the final CRLF.
    Trailers,
    /// The body is complete.
    End,
}

/// Decodes one chunked body.
#[derive(Debug)]
pub(crate) struct ChunkedDecoder {
    state: ChunkedState,
    /// The size being read, then the bytes left in the current chunk.
    size: u64,
    digits: u8,
    extension_len: usize,
    total: u64,
    trailer_scan: usize,
}

impl ChunkedDecoder {
    pub(crate) fn new() -> Self {
        Self {
            state: ChunkedState::Size,
            size: 0,
            digits: 0,
            extension_len: 0,
            total: 0,
            trailer_scan: 0,
        }
    }

    #[cfg(test)]
    pub(crate) fn state(&self) -> ChunkedState {
        self.state
    }

    /// Decodes framing until a piece of data, the end of the body, or the end of `buf`.
    pub(crate) fn decode(&mut self, buf: &mut BytesMut, limits: &Limits) -> Result<Decoded, Error> {
        let bad = Error::new(ErrorKind::BadChunk);
        loop {
            match self.state {
                ChunkedState::Data => {
                    if buf.is_empty() {
                        return Ok(Decoded::NeedData);
                    }
                    let take = usize::try_from(self.size).map_or(buf.len(), |s| s.min(buf.len()));
                    self.size -= take as u64;
                    if self.size == 0 {
                        self.state = ChunkedState::DataCr;
                    }
                    return Ok(Decoded::Data(buf.split_to(take).freeze()));
                }
                ChunkedState::Trailers => {
                    return match trailers::parse(buf, limits, &mut self.trailer_scan)? {
                        Some(fields) => {
                            self.state = ChunkedState::End;
                            Ok(Decoded::End(fields))
                        }
                        None => Ok(Decoded::NeedData),
                    };
                }
                ChunkedState::End => return Ok(Decoded::End(None)),
                _ => {}
            }
            let Some(&b) = buf.first() else {
                return Ok(Decoded::NeedData);
            };
            buf.advance(1);
            self.state = match (self.state, b) {
                // RFC 9112 section 7.1: "chunk-size = 1*HEXDIG"; "Recipients MUST anticipate
                // potentially large hexadecimal numerals and prevent parsing errors due to
                // integer conversion overflows or precision loss due to integer representation."
                (ChunkedState::Size, b) if b.is_ascii_hexdigit() => {
                    self.digits += 1;
                    let digit = u64::from((b as char).to_digit(16).unwrap_or(0));
                    self.size = self
                        .size
                        .checked_mul(16)
                        .and_then(|s| s.checked_add(digit))
                        .ok_or(bad)?;
                    if self.digits > MAX_SIZE_DIGITS {
                        return Err(bad);
                    }
                    ChunkedState::Size
                }
                (ChunkedState::Size, _) if self.digits == 0 => return Err(bad),
                // Section 7.1.1: "chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS
                // chunk-ext-val ] )".
                (ChunkedState::Size | ChunkedState::SizeWs, b' ' | b'\t') => ChunkedState::SizeWs,
                (ChunkedState::Size | ChunkedState::SizeWs, b';') => ChunkedState::Extension,
                (ChunkedState::Size, b'\r') => ChunkedState::SizeLf,
                (ChunkedState::Extension, b'\r') => ChunkedState::SizeLf,
                (ChunkedState::Extension, b) if b == b'\t' || (b >= 0x20 && b != 0x7f) => {
                    // Section 7.1.1: "A recipient MUST ignore unrecognized chunk extensions.
                    // A server ought to limit the total length of chunk extensions received".
                    self.extension_len += 1;
                    if self.extension_len > limits.max_chunk_extension() {
                        return Err(Error::new(ErrorKind::ChunkExtensionTooLong));
                    }
                    ChunkedState::Extension
                }
                // Section 7.1: "chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF"; a bare
                // LF is not a CRLF.
                (ChunkedState::SizeLf, b'\n') if self.size == 0 => {
                    self.trailer_scan = 0;
                    ChunkedState::Trailers
                }
                (ChunkedState::SizeLf, b'\n') => {
                    self.total = self.total.saturating_add(self.size);
                    if limits.max_body_size().is_some_and(|max| self.total > max) {
                        return Err(Error::new(ErrorKind::BodyTooLarge));
                    }
                    ChunkedState::Data
                }
                (ChunkedState::DataCr, b'\r') => ChunkedState::DataLf,
                (ChunkedState::DataLf, b'\n') => {
                    self.size = 0;
                    self.digits = 0;
                    self.extension_len = 0;
                    ChunkedState::Size
                }
                _ => return Err(bad),
            };
        }
    }
}

#[cfg(test)]
mod tests;

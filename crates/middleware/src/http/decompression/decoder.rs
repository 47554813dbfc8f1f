//! [`Decoder`]: a gzip or deflate decoder fed in pieces, over flate2's low-level
//! [`Decompress`].
//!
//! Choices, each deliberate:
//! - **gzip, several members:** decoded one after the other into one body, as RFC 1952
//!   §2.2 ("a gzip file consists of a series of members") and `gzip -d` do.
//! - **gzip, bytes after a member that do not start another member:** an error. HTTP
//!   frames the body exactly, so extra bytes mean a broken or tampered body.
//! - **gzip checksums:** the CRC-32 and length in each member's trailer are checked, and
//!   the header's CRC16 when present.
//! - **"deflate":** RFC 9110 §8.4.1.2 defines it as a zlib stream (RFC 1950), checked
//!   with its Adler-32. Some old servers send raw deflate (RFC 1951) instead, and
//!   browsers accept it, so spire does too: a body whose first two bytes are not a valid
//!   zlib header (CM = 8, a window of at most 32 KiB, FCHECK correct) is read as raw
//!   deflate. A raw stream that happens to begin with a valid zlib header is misread and
//!   fails as corrupt, which the zlib checks make likely to be noticed.
//! - **Bytes after a deflate stream:** an error, as for gzip.
//! - **An empty body** (no bytes at all) decodes to an empty body, whatever the coding:
//!   some servers label empty bodies. A body cut anywhere else is an error.

use flate2::{Crc, Decompress, FlushDecompress, Status};

use super::CorruptBody;
use super::gzip_header::GzipHeader;
use crate::http::compression::coding::Coding;

/// Where the decoder is.
#[derive(Debug)]
enum State {
    /// Nothing read yet.
    Start,
    /// deflate: one byte read, not enough to tell zlib from raw deflate.
    Sniff(u8),
    /// gzip: inside a member header.
    GzipHeader(GzipHeader),
    /// Inside deflate data; for gzip, with the CRC of the output so far.
    Inflate {
        inflate: Decompress,
        crc: Option<Crc>,
        /// A byte read while sniffing, still to be given to `inflate`.
        pending: Option<u8>,
    },
    /// gzip: inside a member trailer.
    GzipTrailer { crc: Crc, buf: [u8; 8], len: usize },
    /// A complete stream (deflate) or member (gzip) has been read.
    End,
}

/// A gzip or deflate decoder for a body that arrives in pieces.
#[derive(Debug)]
pub(super) struct Decoder {
    coding: Coding,
    state: State,
}

/// What one call to [`Decoder::decode`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Step {
    /// Input bytes taken.
    pub(super) consumed: usize,
    /// Output bytes written to the front of `out`.
    pub(super) written: usize,
}

/// RFC 1950 §2.2: CM = 8 (deflate), CINFO ≤ 7 (a window of at most 32 KiB), and
/// "CMF*256 + FLG is a multiple of 31".
fn is_zlib_header(cmf: u8, flg: u8) -> bool {
    cmf & 0x0f == 8 && cmf >> 4 <= 7 && (u16::from(cmf) << 8 | u16::from(flg)) % 31 == 0
}

impl Decoder {
    pub(super) fn new(coding: Coding) -> Self {
        Self {
            coding,
            state: State::Start,
        }
    }

    fn corrupt(&self, reason: impl Into<String>) -> CorruptBody {
        CorruptBody::new(self.coding.as_str(), reason)
    }

    /// Starts the deflate data of a "deflate" body, zlib or raw as its first two bytes
    /// say; `pending` is the first byte if it was already taken.
    fn start_deflate(b0: u8, b1: u8, pending: Option<u8>) -> State {
        State::Inflate {
            inflate: Decompress::new(is_zlib_header(b0, b1)),
            crc: None,
            pending,
        }
    }

    /// Decodes from `input` into `out` until the input is used up, `out` is full, or no
    /// more progress is possible. Output may be left inside the decoder when `out` fills
    /// up: call again (with an empty `input` if need be) until it writes nothing.
    ///
    /// # Errors
    ///
    /// [`CorruptBody`] when the input is not valid for the coding.
    pub(super) fn decode(&mut self, input: &[u8], out: &mut [u8]) -> Result<Step, CorruptBody> {
        let mut consumed = 0;
        let mut written = 0;
        loop {
            let rest = &input[consumed..];
            match &mut self.state {
                State::Start
                | State::Sniff(_)
                | State::GzipHeader(_)
                | State::GzipTrailer { .. }
                    if rest.is_empty() =>
                {
                    break;
                }
                State::Start => match self.coding {
                    Coding::Gzip => self.state = State::GzipHeader(GzipHeader::new()),
                    Coding::Deflate if rest.len() >= 2 => {
                        self.state = Self::start_deflate(rest[0], rest[1], None);
                    }
                    Coding::Deflate => {
                        self.state = State::Sniff(rest[0]);
                        consumed += 1;
                    }
                },
                State::Sniff(b0) => self.state = Self::start_deflate(*b0, rest[0], Some(*b0)),
                State::GzipHeader(header) => {
                    consumed += header.parse(rest)?;
                    if header.is_done() {
                        self.state = State::Inflate {
                            inflate: Decompress::new(false),
                            crc: Some(Crc::new()),
                            pending: None,
                        };
                    }
                }
                State::Inflate {
                    inflate,
                    crc,
                    pending,
                } => {
                    if written == out.len() {
                        break;
                    }
                    let pending_byte = pending.map(|byte| [byte]);
                    let source: &[u8] = pending_byte.as_ref().map_or(rest, |byte| byte);
                    let (in_before, out_before) = (inflate.total_in(), inflate.total_out());
                    let status = inflate
                        .decompress(source, &mut out[written..], FlushDecompress::None)
                        .map_err(|err| {
                            CorruptBody::new(
                                self.coding.as_str(),
                                format!("invalid deflate data: {err}"),
                            )
                        })?;
                    let took = usize::try_from(inflate.total_in() - in_before)
                        .expect("took no more than the input's length");
                    let wrote = usize::try_from(inflate.total_out() - out_before)
                        .expect("wrote no more than the output's length");
                    if let Some(crc) = crc {
                        crc.update(&out[written..written + wrote]);
                    }
                    written += wrote;
                    if pending.is_some() {
                        if took > 0 {
                            *pending = None;
                        }
                    } else {
                        consumed += took;
                    }
                    if status == Status::StreamEnd {
                        self.state = match crc.take() {
                            Some(crc) => State::GzipTrailer {
                                crc,
                                buf: [0; 8],
                                len: 0,
                            },
                            None => State::End,
                        };
                    } else if took == 0 && wrote == 0 {
                        // Needs more input, or more room than `out` has left.
                        break;
                    }
                }
                State::GzipTrailer { crc, buf, len } => {
                    let n = (8 - *len).min(rest.len());
                    buf[*len..*len + n].copy_from_slice(&rest[..n]);
                    *len += n;
                    consumed += n;
                    if *len == 8 {
                        let [c0, c1, c2, c3, s0, s1, s2, s3] = *buf;
                        if u32::from_le_bytes([c0, c1, c2, c3]) != crc.sum() {
                            return Err(self.corrupt("CRC-32 mismatch"));
                        }
                        if u32::from_le_bytes([s0, s1, s2, s3]) != crc.amount() {
                            return Err(self.corrupt("length mismatch"));
                        }
                        self.state = State::End;
                    }
                }
                State::End if rest.is_empty() => break,
                State::End if self.coding == Coding::Gzip => {
                    // Another member follows (or garbage, which its header rejects).
                    self.state = State::GzipHeader(GzipHeader::new());
                }
                State::End => return Err(self.corrupt("bytes after the end of the stream")),
            }
        }
        Ok(Step { consumed, written })
    }

    /// Checks that the input ended at a point where the body is complete.
    ///
    /// # Errors
    ///
    /// [`CorruptBody`] when the stream was cut short.
    pub(super) fn finish(&self) -> Result<(), CorruptBody> {
        match self.state {
            State::Start | State::End => Ok(()),
            _ => Err(self.corrupt("unexpected end of body")),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn decode_in_pieces(
        coding: Coding,
        data: &[u8],
        piece: usize,
        out_size: usize,
    ) -> Result<Vec<u8>, CorruptBody> {
        let mut decoder = Decoder::new(coding);
        let mut out = vec![0; out_size];
        let mut result = Vec::new();
        for mut chunk in data.chunks(piece) {
            loop {
                let step = decoder.decode(chunk, &mut out)?;
                result.extend_from_slice(&out[..step.written]);
                chunk = &chunk[step.consumed..];
                if chunk.is_empty() && step.written < out.len() {
                    break;
                }
            }
        }
        decoder.finish()?;
        Ok(result)
    }

    fn text() -> Vec<u8> {
        (0..5000_u32)
            .flat_map(|i| format!("line {i}\n").into_bytes())
            .collect()
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn decoder_reads_gzip_zlib_and_raw_deflate_in_any_pieces() {
        let text = text();
        let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        zlib.write_all(&text).unwrap();
        let zlib = zlib.finish().unwrap();
        let mut raw =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        raw.write_all(&text).unwrap();
        let raw = raw.finish().unwrap();
        for (piece, out_size) in [
            (1, 1),
            (1, 4096),
            (3, 7),
            (1000, 100),
            (usize::MAX, 32 * 1024),
        ] {
            let piece = piece.min(1 << 20);
            assert_eq!(
                decode_in_pieces(Coding::Gzip, &gzip(&text), piece, out_size).unwrap(),
                text
            );
            assert_eq!(
                decode_in_pieces(Coding::Deflate, &zlib, piece, out_size).unwrap(),
                text
            );
            assert_eq!(
                decode_in_pieces(Coding::Deflate, &raw, piece, out_size).unwrap(),
                text
            );
        }
    }

    #[test]
    fn decoder_joins_gzip_members_and_rejects_trailing_garbage() {
        let mut two = gzip(b"hello, ");
        two.extend_from_slice(&gzip(b"world"));
        assert_eq!(
            decode_in_pieces(Coding::Gzip, &two, 5, 64).unwrap(),
            b"hello, world"
        );

        let mut garbage = gzip(b"hello");
        garbage.extend_from_slice(b"!!");
        let err = decode_in_pieces(Coding::Gzip, &garbage, 64, 64).unwrap_err();
        assert_eq!(err.reason(), "not a gzip header");
    }

    #[test]
    fn decoder_rejects_truncation_and_bad_checksums() {
        let data = gzip(&text());
        let err = decode_in_pieces(Coding::Gzip, &data[..data.len() - 3], 64, 64).unwrap_err();
        assert_eq!(err.reason(), "unexpected end of body");
        let mut bad = data.clone();
        let at = bad.len() - 8;
        bad[at] ^= 0xff;
        let err = decode_in_pieces(Coding::Gzip, &bad, 64, 64).unwrap_err();
        assert_eq!(err.reason(), "CRC-32 mismatch");
        assert!(
            decode_in_pieces(Coding::Gzip, &[], 64, 64)
                .unwrap()
                .is_empty()
        );
        assert!(decode_in_pieces(Coding::Deflate, &[0x78], 64, 64).is_err());
    }
}

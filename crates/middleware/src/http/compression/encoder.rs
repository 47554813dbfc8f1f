//! [`Encoder`]: a gzip or zlib ("deflate") compressor fed in pieces, over flate2's
//! low-level [`Compress`].
//!
//! flate2's pure-Rust backend cannot write gzip framing itself, so the gzip header and
//! trailer (RFC 1952 §2.3) are written here around a raw deflate stream.

use flate2::{Compress, Compression as Flate2Level, Crc, FlushCompress, Status};

use super::Level;
use super::coding::Coding;

/// A gzip member header: magic, CM = 8 (deflate), no flags, MTIME = 0 (none), XFL = 0,
/// OS = 255 (unknown). RFC 1952 §2.3.
const GZIP_HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];

/// Where the encoder is in its output.
#[derive(Debug)]
enum Framing {
    /// zlib wraps itself (flate2 writes the header and the Adler-32).
    Zlib,
    /// gzip: the header still to write (its unwritten tail), and the CRC of the input.
    Gzip { header: &'static [u8], crc: Crc },
}

/// A compressor that takes input in pieces and writes into caller-provided buffers, so
/// no output is buffered beyond what the deflate state itself holds.
#[derive(Debug)]
pub(crate) struct Encoder {
    compress: Compress,
    framing: Framing,
    /// gzip trailer bytes still to write once the deflate stream has ended.
    trailer: Option<([u8; 8], usize)>,
}

/// What a call to [`Encoder::encode`] or [`Encoder::finish`] did.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Progress {
    /// Input bytes taken.
    pub(crate) consumed: usize,
    /// Output bytes written to the front of `out`.
    pub(crate) written: usize,
    /// `true` when this step is complete (all input flushed, or the stream finished);
    /// `false` when `out` filled up first and the call must be repeated.
    pub(crate) done: bool,
}

impl Encoder {
    pub(crate) fn new(coding: Coding, level: Level) -> Self {
        let level = Flate2Level::new(level.get());
        match coding {
            Coding::Gzip => Self {
                compress: Compress::new(level, false),
                framing: Framing::Gzip {
                    header: &GZIP_HEADER,
                    crc: Crc::new(),
                },
                trailer: None,
            },
            Coding::Deflate => Self {
                compress: Compress::new(level, true),
                framing: Framing::Zlib,
                trailer: None,
            },
        }
    }

    /// Writes what is left of the gzip header to `out`; returns the bytes written.
    fn write_header(&mut self, out: &mut [u8]) -> usize {
        let Framing::Gzip { header, .. } = &mut self.framing else {
            return 0;
        };
        let n = header.len().min(out.len());
        out[..n].copy_from_slice(&header[..n]);
        *header = &header[n..];
        n
    }

    /// Runs the compressor once over `input` into `out`.
    fn run(
        &mut self,
        input: &[u8],
        out: &mut [u8],
        flush: FlushCompress,
    ) -> Result<(usize, usize, Status), flate2::CompressError> {
        let (in_before, out_before) = (self.compress.total_in(), self.compress.total_out());
        let status = self.compress.compress(input, out, flush)?;
        let consumed = usize::try_from(self.compress.total_in() - in_before)
            .expect("consumed no more than the input's length");
        let written = usize::try_from(self.compress.total_out() - out_before)
            .expect("wrote no more than the output's length");
        if let Framing::Gzip { crc, .. } = &mut self.framing {
            crc.update(&input[..consumed]);
        }
        Ok((consumed, written, status))
    }

    /// Compresses `input` and, when `flush` is set, sync-flushes it: everything taken so
    /// far is then decodable from the output, at a byte boundary. Call again with the
    /// rest of the input (an empty one once all is taken, to continue the flush) while
    /// `done` is false. An empty `input` never starts a flush.
    pub(crate) fn encode(
        &mut self,
        input: &[u8],
        out: &mut [u8],
        flush: bool,
    ) -> Result<Progress, flate2::CompressError> {
        let mut written = self.write_header(out);
        // A call with no input only continues a flush whose output did not fit: asking
        // for another sync flush then would start a new (empty) block each time, and
        // with a tiny `out` never finish.
        let mode = if flush && !input.is_empty() {
            FlushCompress::Sync
        } else {
            FlushCompress::None
        };
        let (consumed, n, _) = self.run(input, &mut out[written..], mode)?;
        written += n;
        // The flush is complete once all input is taken and the compressor stopped with
        // room to spare (it only stops on a full buffer while output is pending).
        let done = consumed == input.len() && written < out.len();
        Ok(Progress {
            consumed,
            written,
            done,
        })
    }

    /// Ends the stream: the last deflate block, then the gzip trailer (CRC-32 and
    /// ISIZE, little-endian) or the zlib Adler-32. Call again while `done` is false.
    pub(crate) fn finish(&mut self, out: &mut [u8]) -> Result<Progress, flate2::CompressError> {
        let mut written = self.write_header(out);
        if self.trailer.is_none() {
            let (_, n, status) = self.run(&[], &mut out[written..], FlushCompress::Finish)?;
            written += n;
            if status != Status::StreamEnd {
                return Ok(Progress {
                    consumed: 0,
                    written,
                    done: false,
                });
            }
            let trailer = match &self.framing {
                Framing::Gzip { crc, .. } => {
                    let mut bytes = [0; 8];
                    bytes[..4].copy_from_slice(&crc.sum().to_le_bytes());
                    bytes[4..].copy_from_slice(&crc.amount().to_le_bytes());
                    (bytes, 0)
                }
                Framing::Zlib => ([0; 8], 8),
            };
            self.trailer = Some(trailer);
        }
        let (bytes, start) = self.trailer.as_mut().expect("set above");
        let n = (8 - *start).min(out.len() - written);
        out[written..written + n].copy_from_slice(&bytes[*start..*start + n]);
        *start += n;
        written += n;
        Ok(Progress {
            consumed: 0,
            written,
            done: *start == 8,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn encode_all(coding: Coding, pieces: &[&[u8]], out_size: usize) -> Vec<u8> {
        let mut encoder = Encoder::new(coding, Level::DEFAULT);
        let mut out = vec![0; out_size];
        let mut result = Vec::new();
        for piece in pieces {
            let mut input = *piece;
            loop {
                let progress = encoder.encode(input, &mut out, true).unwrap();
                result.extend_from_slice(&out[..progress.written]);
                input = &input[progress.consumed..];
                if progress.done {
                    break;
                }
            }
        }
        loop {
            let progress = encoder.finish(&mut out).unwrap();
            result.extend_from_slice(&out[..progress.written]);
            if progress.done {
                break;
            }
        }
        result
    }

    #[test]
    fn encoder_output_reads_back_with_flate2_readers() {
        let text: Vec<u8> = (0..20_000_u32)
            .flat_map(|i| (i % 251).to_le_bytes())
            .collect();
        let pieces: Vec<&[u8]> = text.chunks(777).collect();
        for out_size in [1, 7, 64, 32 * 1024] {
            let gz = encode_all(Coding::Gzip, &pieces, out_size);
            let mut back = Vec::new();
            flate2::read::GzDecoder::new(&gz[..])
                .read_to_end(&mut back)
                .unwrap();
            assert_eq!(back, text, "gzip, out_size {out_size}");

            let zlib = encode_all(Coding::Deflate, &pieces, out_size);
            let mut back = Vec::new();
            flate2::read::ZlibDecoder::new(&zlib[..])
                .read_to_end(&mut back)
                .unwrap();
            assert_eq!(back, text, "zlib, out_size {out_size}");
        }
    }
}

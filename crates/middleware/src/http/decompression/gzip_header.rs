//! [`GzipHeader`]: reads a gzip member header (RFC 1952 §2.3) that may arrive in any
//! number of pieces.

use flate2::Crc;

use super::CorruptBody;

const FHCRC: u8 = 0x02;
const FEXTRA: u8 = 0x04;
const FNAME: u8 = 0x08;
const FCOMMENT: u8 = 0x10;
/// RFC 1952 §2.3.1.2: "A compliant decompressor must give an error indication if any
/// reserved bit is non-zero".
const RESERVED: u8 = 0xe0;

/// The part of the header being read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// The 10 fixed bytes: ID1 ID2 CM FLG MTIME(4) XFL OS.
    Fixed,
    /// XLEN, two bytes, little-endian.
    ExtraLen,
    /// The extra field: this many bytes left to skip.
    Extra(u16),
    /// The original file name, up to a zero byte.
    Name,
    /// The comment, up to a zero byte.
    Comment,
    /// CRC16 of the header so far, two bytes.
    HeaderCrc,
    Done,
}

/// A gzip member header being read. The fields are skipped: only the framing matters.
#[derive(Debug)]
pub(super) struct GzipHeader {
    stage: Stage,
    flags: u8,
    /// Bytes of the stage being read, for the fixed-size stages.
    buf: [u8; 10],
    len: usize,
    /// CRC-32 of the header bytes, for FHCRC.
    crc: Crc,
}

fn corrupt(reason: &'static str) -> CorruptBody {
    CorruptBody::new("gzip", reason)
}

impl GzipHeader {
    pub(super) fn new() -> Self {
        Self {
            stage: Stage::Fixed,
            flags: 0,
            buf: [0; 10],
            len: 0,
            crc: Crc::new(),
        }
    }

    pub(super) fn is_done(&self) -> bool {
        self.stage == Stage::Done
    }

    /// The stage after `after`, skipping the optional fields the flags leave out.
    fn next(&self, after: Stage) -> Stage {
        let order = [
            (Stage::ExtraLen, FEXTRA),
            (Stage::Name, FNAME),
            (Stage::Comment, FCOMMENT),
            (Stage::HeaderCrc, FHCRC),
        ];
        let position = match after {
            Stage::Fixed => 0,
            Stage::ExtraLen | Stage::Extra(_) => 1,
            Stage::Name => 2,
            Stage::Comment => 3,
            Stage::HeaderCrc | Stage::Done => 4,
        };
        order[position..]
            .iter()
            .find(|(_, flag)| self.flags & flag != 0)
            .map_or(Stage::Done, |&(stage, _)| stage)
    }

    /// Reads header bytes from `input` until the header ends or the input does; returns
    /// how many bytes it took.
    pub(super) fn parse(&mut self, input: &[u8]) -> Result<usize, CorruptBody> {
        let mut taken = 0;
        for &byte in input {
            if self.stage == Stage::Done {
                break;
            }
            taken += 1;
            if self.stage != Stage::HeaderCrc {
                self.crc.update(&[byte]);
            }
            self.stage = match self.stage {
                Stage::Fixed => {
                    self.buf[self.len] = byte;
                    self.len += 1;
                    match self.len {
                        2 if self.buf[..2] != [0x1f, 0x8b] => {
                            return Err(corrupt("not a gzip header"));
                        }
                        3 if self.buf[2] != 8 => {
                            return Err(corrupt("compression method is not deflate"));
                        }
                        4 if self.buf[3] & RESERVED != 0 => {
                            return Err(corrupt("reserved header flag set"));
                        }
                        10 => {
                            self.flags = self.buf[3];
                            self.len = 0;
                            self.next(Stage::Fixed)
                        }
                        _ => Stage::Fixed,
                    }
                }
                Stage::ExtraLen => {
                    self.buf[self.len] = byte;
                    self.len += 1;
                    if self.len < 2 {
                        Stage::ExtraLen
                    } else {
                        self.len = 0;
                        match u16::from_le_bytes([self.buf[0], self.buf[1]]) {
                            0 => self.next(Stage::Extra(0)),
                            n => Stage::Extra(n),
                        }
                    }
                }
                Stage::Extra(1) => self.next(Stage::Extra(0)),
                Stage::Extra(n) => Stage::Extra(n - 1),
                Stage::Name if byte == 0 => self.next(Stage::Name),
                Stage::Comment if byte == 0 => self.next(Stage::Comment),
                stage @ (Stage::Name | Stage::Comment) => stage,
                Stage::HeaderCrc => {
                    self.buf[self.len] = byte;
                    self.len += 1;
                    if self.len < 2 {
                        Stage::HeaderCrc
                    } else {
                        // The low 16 bits of the CRC-32 of every header byte before it.
                        let expected = (self.crc.sum() & 0xffff) as u16;
                        if u16::from_le_bytes([self.buf[0], self.buf[1]]) != expected {
                            return Err(corrupt("header checksum mismatch"));
                        }
                        Stage::Done
                    }
                }
                Stage::Done => unreachable!("checked before taking the byte"),
            };
        }
        Ok(taken)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A header with every optional field, FHCRC included.
    fn full_header() -> Vec<u8> {
        let mut header = vec![
            0x1f,
            0x8b,
            8,
            FHCRC | FEXTRA | FNAME | FCOMMENT,
            0,
            0,
            0,
            0,
            0,
            3,
        ];
        header.extend_from_slice(&[3, 0, b'a', b'b', b'c']);
        header.extend_from_slice(b"name.txt\0a comment\0");
        let mut crc = Crc::new();
        crc.update(&header);
        header.extend_from_slice(&((crc.sum() & 0xffff) as u16).to_le_bytes());
        header
    }

    #[test]
    fn gzip_header_with_every_field_parses_in_any_split() {
        let header = full_header();
        for split in 0..=header.len() {
            let mut parser = GzipHeader::new();
            let first = parser.parse(&header[..split]).unwrap();
            assert_eq!(first, split);
            let mut rest = header[split..].to_vec();
            rest.extend_from_slice(b"deflate data");
            let second = parser.parse(&rest).unwrap();
            assert_eq!(first + second, header.len(), "split at {split}");
            assert!(parser.is_done());
        }
    }

    #[test]
    fn gzip_header_rejects_bad_magic_method_flags_and_crc() {
        let reason = |bytes: &[u8]| {
            GzipHeader::new()
                .parse(bytes)
                .unwrap_err()
                .reason()
                .to_owned()
        };
        assert_eq!(reason(b"\x1f\x8c"), "not a gzip header");
        assert_eq!(reason(b"\x1f\x8b\x07"), "compression method is not deflate");
        assert_eq!(reason(b"\x1f\x8b\x08\x20"), "reserved header flag set");
        let mut header = full_header();
        *header.last_mut().unwrap() ^= 1;
        assert_eq!(reason(&header), "header checksum mismatch");
    }
}

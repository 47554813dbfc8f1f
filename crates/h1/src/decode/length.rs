//! Content-Length bodies: hand out slices until the declared length is reached.

use bytes::BytesMut;

use super::Decoded;

/// Counts down a `Content-Length`.
#[derive(Debug)]
pub(crate) struct LengthDecoder {
    remaining: u64,
}

impl LengthDecoder {
    pub(crate) fn new(length: u64) -> Self {
        Self { remaining: length }
    }

    pub(crate) fn remaining(&self) -> u64 {
        self.remaining
    }

    pub(crate) fn decode(&mut self, buf: &mut BytesMut) -> Decoded {
        if self.remaining == 0 {
            return Decoded::End(None);
        }
        if buf.is_empty() {
            return Decoded::NeedData;
        }
        let take = usize::try_from(self.remaining).map_or(buf.len(), |r| r.min(buf.len()));
        self.remaining -= take as u64;
        Decoded::Data(buf.split_to(take).freeze())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_decoder_stops_at_declared_length() {
        let mut d = LengthDecoder::new(5);
        let mut buf = BytesMut::from(&b"hel"[..]);
        assert_eq!(d.decode(&mut buf), Decoded::Data("hel".into()));
        assert_eq!(d.decode(&mut buf), Decoded::NeedData);
        buf.extend_from_slice(b"loGET");
        assert_eq!(d.decode(&mut buf), Decoded::Data("lo".into()));
        assert_eq!(d.decode(&mut buf), Decoded::End(None));
        assert_eq!(&buf[..], b"GET");
    }
}

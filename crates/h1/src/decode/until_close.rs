//! Close-delimited bodies (responses only): everything until EOF.

use bytes::BytesMut;

use super::Decoded;
use crate::error::{Error, ErrorKind};
use crate::limits::Limits;

/// Hands out everything buffered; the end comes from `decode_eof`.
#[derive(Debug)]
pub(crate) struct UntilCloseDecoder {
    total: u64,
}

impl UntilCloseDecoder {
    pub(crate) fn new() -> Self {
        Self { total: 0 }
    }

    pub(crate) fn decode(&mut self, buf: &mut BytesMut, limits: &Limits) -> Result<Decoded, Error> {
        if buf.is_empty() {
            return Ok(Decoded::NeedData);
        }
        // Hand out everything up to the limit first, so the error comes at the same byte
        // however the body was split into reads.
        let allowed = limits
            .max_body_size()
            .map_or(u64::MAX, |max| max.saturating_sub(self.total));
        let take = usize::try_from(allowed).map_or(buf.len(), |a| a.min(buf.len()));
        if take == 0 {
            return Err(Error::new(ErrorKind::BodyTooLarge));
        }
        self.total += take as u64;
        Ok(Decoded::Data(buf.split_to(take).freeze()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn until_close_takes_everything_and_respects_body_limit() {
        let mut d = UntilCloseDecoder::new();
        let mut buf = BytesMut::from(&b"abc"[..]);
        let limits = Limits::default().with_max_body_size(Some(4));
        assert_eq!(d.decode(&mut buf, &limits), Ok(Decoded::Data("abc".into())));
        assert_eq!(d.decode(&mut buf, &limits), Ok(Decoded::NeedData));
        buf.extend_from_slice(b"de");
        assert_eq!(d.decode(&mut buf, &limits), Ok(Decoded::Data("d".into())));
        assert_eq!(
            d.decode(&mut buf, &limits).unwrap_err().kind(),
            ErrorKind::BodyTooLarge
        );
    }
}

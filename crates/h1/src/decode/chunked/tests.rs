use bytes::{Bytes, BytesMut};

use super::*;

fn decode_all(input: &[u8], limits: &Limits) -> Result<(Vec<u8>, Option<http::HeaderMap>), Error> {
    let mut d = ChunkedDecoder::new();
    let mut buf = BytesMut::from(input);
    let mut body = Vec::new();
    loop {
        match d.decode(&mut buf, limits)? {
            Decoded::Data(b) => body.extend_from_slice(&b),
            Decoded::End(t) => return Ok((body, t)),
            Decoded::NeedData => return Err(Error::new(ErrorKind::IncompleteMessage)),
        }
    }
}

fn kind(input: &[u8]) -> ErrorKind {
    decode_all(input, &Limits::default()).unwrap_err().kind()
}

#[test]
fn chunked_decodes_chunks_and_trailers() {
    let (body, trailers) = decode_all(
        b"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Sum: 1\r\n\r\n",
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(body, b"hello world");
    assert_eq!(trailers.unwrap()["x-sum"], "1");
}

#[test]
fn chunked_without_trailers_ends_with_none() {
    let (body, trailers) = decode_all(b"A\r\n0123456789\r\n0\r\n\r\n", &Limits::default()).unwrap();
    assert_eq!(body, b"0123456789");
    assert!(trailers.is_none());
}

#[test]
fn chunked_data_is_a_zero_copy_slice() {
    let mut d = ChunkedDecoder::new();
    let mut buf = BytesMut::from(&b"4\r\nabcd\r\n"[..]);
    let base = buf.as_ptr() as usize;
    let Ok(Decoded::Data(data)) = d.decode(&mut buf, &Limits::default()) else {
        panic!("expected data")
    };
    assert_eq!(data, Bytes::from_static(b"abcd"));
    assert_eq!(data.as_ptr() as usize, base + 3);
}

#[test]
fn chunked_rejects_bare_lf() {
    assert_eq!(kind(b"5\nhello\r\n0\r\n\r\n"), ErrorKind::BadChunk);
    assert_eq!(kind(b"5\r\nhello\n0\r\n\r\n"), ErrorKind::BadChunk);
    assert_eq!(kind(b"5;a\nhello\r\n0\r\n\r\n"), ErrorKind::BadChunk);
    assert_eq!(kind(b"0\r\nX: 1\n\r\n"), ErrorKind::BadTrailer);
}

#[test]
fn chunked_rejects_bad_sizes() {
    assert_eq!(kind(b"\r\n"), ErrorKind::BadChunk);
    assert_eq!(kind(b"-1\r\n"), ErrorKind::BadChunk);
    assert_eq!(kind(b"0x5\r\n"), ErrorKind::BadChunk);
    assert_eq!(kind(b"1 \r\nx\r\n0\r\n\r\n"), ErrorKind::BadChunk);
    assert_eq!(kind(b"10000000000000000\r\n"), ErrorKind::BadChunk);
    assert_eq!(kind(&[b'0'; 40]), ErrorKind::BadChunk);
    assert_eq!(kind(b"5\r\nhelloXX0\r\n\r\n"), ErrorKind::BadChunk);
}

#[test]
fn chunked_size_overflow_is_checked() {
    // sixteen hex digits fit in a u64, seventeen significant ones do not
    let mut d = ChunkedDecoder::new();
    let mut buf = BytesMut::from(&b"ffffffffffffffff\r\n"[..]);
    assert_eq!(
        d.decode(&mut buf, &Limits::default()),
        Ok(Decoded::NeedData)
    );
    assert_eq!(d.state(), ChunkedState::Data);
}

#[test]
fn chunked_extension_is_bounded() {
    let limits = Limits::default().with_max_chunk_extension(8);
    assert!(decode_all(b"1;abcdefg\r\nx\r\n0\r\n\r\n", &limits).is_ok());
    let err = decode_all(b"1;abcdefghi\r\nx\r\n0\r\n\r\n", &limits).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ChunkExtensionTooLong);
    assert_eq!(kind(b"1;a\x00b\r\nx\r\n0\r\n\r\n"), ErrorKind::BadChunk);
}

#[test]
fn chunked_whitespace_before_extension_is_accepted() {
    let (body, _) = decode_all(b"3 ; name=\"v\"\r\nabc\r\n0\r\n\r\n", &Limits::default()).unwrap();
    assert_eq!(body, b"abc");
}

#[test]
fn chunked_trailers_drop_framing_fields() {
    let (_, trailers) = decode_all(
        b"0\r\nContent-Length: 5\r\nX-A: b\r\n\r\n",
        &Limits::default(),
    )
    .unwrap();
    let trailers = trailers.unwrap();
    assert!(!trailers.contains_key("content-length"));
    assert_eq!(trailers["x-a"], "b");
    let (_, only_forbidden) = decode_all(
        b"0\r\nTransfer-Encoding: chunked\r\n\r\n",
        &Limits::default(),
    )
    .unwrap();
    assert!(only_forbidden.is_none());
}

#[test]
fn chunked_trailers_are_bounded() {
    let limits = Limits::default().with_max_trailer_size(16);
    let err = decode_all(b"0\r\nX-Long-Field: 0123456789\r\n\r\n", &limits).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TrailersTooLarge);
    let limits = Limits::default().with_max_headers(1);
    let err = decode_all(b"0\r\nA: 1\r\nB: 2\r\n\r\n", &limits).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::HeaderCount);
    // without a terminator the buffer may not grow past the limit
    let limits = Limits::default().with_max_trailer_size(16);
    let mut d = ChunkedDecoder::new();
    let mut buf = BytesMut::from(&b"0\r\nX: aaaaaaaaaaaaaaaaaaaaaaaaaaaaa"[..]);
    assert_eq!(
        d.decode(&mut buf, &limits).unwrap_err().kind(),
        ErrorKind::TrailersTooLarge
    );
}

#[test]
fn chunked_body_limit_counts_chunks() {
    let limits = Limits::default().with_max_body_size(Some(4));
    assert!(decode_all(b"2\r\nab\r\n2\r\ncd\r\n0\r\n\r\n", &limits).is_ok());
    let err = decode_all(b"2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n", &limits).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BodyTooLarge);
}

#[test]
fn chunked_byte_by_byte_matches_one_buffer() {
    let input = b"3;x=y\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nA: 1\r\nB: 2\r\n\r\n";
    let (whole, whole_trailers) = decode_all(input, &Limits::default()).unwrap();
    let mut d = ChunkedDecoder::new();
    let mut buf = BytesMut::new();
    let mut body = Vec::new();
    let mut trailers = None;
    for &b in input.iter() {
        buf.extend_from_slice(&[b]);
        loop {
            match d.decode(&mut buf, &Limits::default()).unwrap() {
                Decoded::Data(data) => body.extend_from_slice(&data),
                Decoded::End(t) => {
                    trailers = t;
                    break;
                }
                Decoded::NeedData => break,
            }
        }
    }
    assert_eq!(body, whole);
    assert_eq!(trailers, whole_trailers);
    assert_eq!(d.state(), ChunkedState::End);
}

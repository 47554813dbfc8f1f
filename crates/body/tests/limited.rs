//! `Limited`: the exact boundary, frames across it, errors passing through, hints.

use std::convert::Infallible;

use bytes::Bytes;
use futures_util::stream;
use http::HeaderMap;
use spire_body::{Body, BodyExt, BoxError, Frame, Full, LengthLimitError, Limited, StreamBody};

fn chunks(
    parts: &[&'static [u8]],
) -> StreamBody<impl futures_util::Stream<Item = Result<Frame<Bytes>, Infallible>>> {
    let frames: Vec<_> = parts
        .iter()
        .map(|part| Ok(Frame::data(Bytes::from_static(part))))
        .collect();
    StreamBody::new(stream::iter(frames))
}

fn is_limit_error(err: &BoxError, limit: usize) -> bool {
    err.downcast_ref::<LengthLimitError>()
        .is_some_and(|e| e.limit() == limit)
}

#[tokio::test]
async fn limited_passes_a_body_of_exactly_the_limit() {
    let body = Limited::new(Full::new(Bytes::from_static(b"12345")), 5);
    assert_eq!(body.collect().await.unwrap().to_bytes(), "12345");

    let body = chunks(&[b"12", b"3", b"45"]).limited(5);
    assert_eq!(body.collect().await.unwrap().to_bytes(), "12345");
}

#[tokio::test]
async fn limited_fails_one_byte_past_the_limit() {
    let err = Limited::new(Full::new(Bytes::from_static(b"123456")), 5)
        .collect()
        .await
        .unwrap_err();
    assert!(is_limit_error(&err, 5));
    assert_eq!(err.to_string(), "body length limit of 5 bytes exceeded");

    let err = chunks(&[b"12", b"3", b"45", b"6"])
        .limited(5)
        .collect()
        .await
        .unwrap_err();
    assert!(is_limit_error(&err, 5));
}

#[tokio::test]
async fn limited_yields_frames_before_the_one_that_crosses() {
    let mut body = chunks(&[b"abc", b"de", b"f"]).limited(4);
    let first = body.frame().await.unwrap().unwrap().into_data().unwrap();
    assert_eq!(first, "abc");
    let err = body.frame().await.unwrap().unwrap_err();
    assert!(
        is_limit_error(&err, 4),
        "the crossing frame is replaced by the error"
    );
}

#[tokio::test]
async fn limited_zero_allows_only_empty_bodies() {
    assert!(chunks(&[]).limited(0).collect().await.is_ok());
    assert!(chunks(&[b""]).limited(0).collect().await.is_ok());
    assert!(chunks(&[b"x"]).limited(0).collect().await.is_err());
}

#[tokio::test]
async fn limited_does_not_count_trailers() {
    let mut trailers = HeaderMap::new();
    trailers.insert(
        "x-very-long-trailer-name",
        "and a long value too".parse().unwrap(),
    );
    let frames = vec![
        Ok::<_, Infallible>(Frame::data(Bytes::from_static(b"ab"))),
        Ok(Frame::trailers(trailers)),
    ];
    let collected = StreamBody::new(stream::iter(frames))
        .limited(2)
        .collect()
        .await
        .unwrap();
    assert!(collected.trailers().is_some());
    assert_eq!(collected.to_bytes(), "ab");
}

#[tokio::test]
async fn limited_boxes_the_inner_error() {
    let frames = vec![Err::<Frame<Bytes>, _>(std::io::Error::other("inner"))];
    let err = StreamBody::new(stream::iter(frames))
        .limited(100)
        .collect()
        .await
        .unwrap_err();
    assert!(err.downcast_ref::<std::io::Error>().is_some());
    assert!(!err.is::<LengthLimitError>());
}

#[test]
fn limited_size_hint_is_capped_by_the_limit() {
    let body = Full::new(Bytes::from_static(b"abc")).limited(10);
    assert_eq!(body.size_hint().exact(), Some(3));
    let body = chunks(&[b"abc"]).limited(10);
    assert_eq!(body.size_hint().upper(), Some(10));
    assert_eq!(body.size_hint().lower(), 0);
}

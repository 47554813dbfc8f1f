//! `BodyExt::collect` and `Collected`: bytes, trailers, errors, zero-copy.

use std::convert::Infallible;

use bytes::{Buf, Bytes};
use futures_util::{FutureExt, stream};
use http::HeaderMap;
use spire_body::{BodyExt, Empty, Frame, Full, StreamBody, channel};

fn trailers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(*name, value.parse().unwrap());
    }
    map
}

#[tokio::test]
async fn collect_joins_data_and_keeps_trailers() {
    let frames = vec![
        Ok::<_, Infallible>(Frame::data(Bytes::from_static(b"foo"))),
        Ok(Frame::data(Bytes::from_static(b""))),
        Ok(Frame::data(Bytes::from_static(b"bar"))),
        Ok(Frame::trailers(trailers(&[("grpc-status", "0")]))),
    ];
    let collected = StreamBody::new(stream::iter(frames))
        .collect()
        .await
        .unwrap();
    assert_eq!(collected.trailers().unwrap()["grpc-status"], "0");
    assert_eq!(collected.to_bytes(), "foobar");
}

#[tokio::test]
async fn collect_of_empty_body_is_empty() {
    let collected = Empty::<Bytes>::new().collect().await.unwrap();
    assert!(collected.trailers().is_none());
    assert!(collected.to_bytes().is_empty());
}

#[tokio::test]
async fn collect_fails_with_the_body_error() {
    let frames = vec![
        Ok(Frame::data(Bytes::from_static(b"some"))),
        Err("connection reset"),
        Ok(Frame::data(Bytes::from_static(b"never read"))),
    ];
    let err = StreamBody::new(stream::iter(frames))
        .collect()
        .await
        .unwrap_err();
    assert_eq!(err, "connection reset");
}

#[tokio::test]
async fn collect_of_one_bytes_frame_does_not_copy() {
    let data = Bytes::from(vec![9u8; 4096]);
    let ptr = data.as_ptr();
    let bytes = Full::new(data).collect().await.unwrap().to_bytes();
    assert_eq!(bytes.as_ptr(), ptr);
}

#[tokio::test]
async fn collect_aggregate_reads_across_frames() {
    let frames = vec![
        Ok::<_, Infallible>(Frame::data(Bytes::from_static(b"\x00\x00"))),
        Ok(Frame::data(Bytes::from_static(b"\x01\x02"))),
    ];
    let collected = StreamBody::new(stream::iter(frames))
        .collect()
        .await
        .unwrap();
    let mut buf = collected.aggregate();
    assert_eq!(buf.remaining(), 4);
    assert_eq!(buf.get_u32(), 0x0102);
}

#[tokio::test]
async fn collect_waits_for_a_slow_producer() {
    let (mut tx, body) = channel::<Bytes, Infallible>(1);
    let producer = tokio::spawn(async move {
        for part in ["a", "b", "c"] {
            tokio::task::yield_now().await;
            tx.send_data(Bytes::from_static(part.as_bytes()))
                .await
                .unwrap();
        }
    });
    assert_eq!(body.collect().await.unwrap().to_bytes(), "abc");
    producer.await.unwrap();
}

#[tokio::test]
async fn collected_replays_as_a_body() {
    let frames = vec![
        Ok::<_, Infallible>(Frame::data(Bytes::from_static(b"x"))),
        Ok(Frame::trailers(trailers(&[("t", "1")]))),
    ];
    let once = StreamBody::new(stream::iter(frames))
        .collect()
        .await
        .unwrap();
    let twice = once.collect().await.unwrap();
    assert_eq!(twice.trailers().unwrap()["t"], "1");
    assert_eq!(twice.to_bytes(), "x");
}

#[tokio::test]
async fn collect_yields_to_the_executor_on_long_ready_bodies() {
    let frames = || {
        (0..1000u32)
            .map(|i| Ok::<_, Infallible>(Frame::data(Bytes::from(i.to_be_bytes().to_vec()))))
            .collect::<Vec<_>>()
    };
    // Every frame is ready at once, yet one poll must not take all 1000 of them.
    let one_poll = StreamBody::new(stream::iter(frames()))
        .collect()
        .now_or_never();
    assert!(one_poll.is_none(), "collect must yield part way through");

    let collected = StreamBody::new(stream::iter(frames()))
        .collect()
        .await
        .unwrap();
    assert_eq!(collected.to_bytes().len(), 4000);
}

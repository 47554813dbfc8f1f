//! The adapters: `with_trailers`, `map_frame`, `map_err`, `Either`, boxing, streams.

use std::convert::Infallible;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use bytes::Bytes;
use futures_util::{StreamExt, TryStreamExt, stream};
use http::HeaderMap;
use spire_body::{Body, BodyExt, BoxError, Either, Empty, Frame, Full, StreamBody, channel};

fn trailers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(*name, value.parse().unwrap());
    }
    map
}

fn values(map: &HeaderMap, name: &str) -> Vec<String> {
    map.get_all(name)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn with_trailers_adds_trailers_after_the_data() {
    let mut body = pin!(
        Full::new(Bytes::from_static(b"data"))
            .with_trailers(async { Some(Ok(trailers(&[("x-sum", "9")]))) })
    );
    assert!(body.frame().await.unwrap().unwrap().is_data());
    assert!(!body.is_end_stream());
    let last = body.frame().await.unwrap().unwrap();
    assert_eq!(last.into_trailers().unwrap()["x-sum"], "9");
    assert!(body.is_end_stream());
    assert!(body.frame().await.is_none());
}

#[tokio::test]
async fn with_trailers_merges_after_the_inner_trailers() {
    let frames = vec![
        Ok::<_, Infallible>(Frame::data(Bytes::from_static(b"d"))),
        Ok(Frame::trailers(trailers(&[
            ("shared", "inner"),
            ("only-inner", "1"),
        ]))),
    ];
    let body = StreamBody::new(stream::iter(frames))
        .with_trailers(async { Some(Ok(trailers(&[("shared", "outer"), ("only-outer", "2")]))) });
    let collected = body.collect().await.unwrap();
    let got = collected.trailers().unwrap();
    assert_eq!(values(got, "shared"), ["inner", "outer"]);
    assert_eq!(values(got, "only-inner"), ["1"]);
    assert_eq!(values(got, "only-outer"), ["2"]);
    assert_eq!(collected.to_bytes(), "d");
}

#[tokio::test]
async fn with_trailers_none_keeps_the_inner_trailers_or_nothing() {
    let frames = vec![Ok::<_, Infallible>(Frame::<Bytes>::trailers(trailers(&[
        ("a", "1"),
    ])))];
    let collected = StreamBody::new(stream::iter(frames))
        .with_trailers(async { None })
        .collect()
        .await
        .unwrap();
    assert_eq!(collected.trailers().unwrap()["a"], "1");

    let collected = Full::new(Bytes::from_static(b"x"))
        .with_trailers(async { None })
        .collect()
        .await
        .unwrap();
    assert!(collected.trailers().is_none());
}

#[tokio::test]
async fn with_trailers_future_error_fails_the_body() {
    let body = StreamBody::new(stream::iter(vec![Ok(Frame::data(Bytes::from_static(
        b"x",
    )))]))
    .with_trailers(async { Some(Err("checksum unavailable")) });
    assert_eq!(body.collect().await.unwrap_err(), "checksum unavailable");
}

#[tokio::test]
async fn with_trailers_future_runs_only_after_the_data() {
    let (mut tx, rx) = channel::<Bytes, Infallible>(4);
    let done = Arc::new(AtomicBool::new(false));
    let done_in_future = Arc::clone(&done);
    let (trailer_tx, trailer_rx) = tokio::sync::oneshot::channel::<HeaderMap>();
    let mut body = pin!(rx.with_trailers(async move {
        assert!(
            done_in_future.load(Ordering::SeqCst),
            "polled before the body ended"
        );
        trailer_rx.await.ok().map(Ok)
    }));
    tx.send_data(Bytes::from_static(b"streamed")).await.unwrap();
    assert!(body.frame().await.unwrap().unwrap().is_data());
    done.store(true, Ordering::SeqCst);
    drop(tx);
    trailer_tx
        .send(trailers(&[("x-computed", "late")]))
        .unwrap();
    let last = body.frame().await.unwrap().unwrap();
    assert_eq!(last.into_trailers().unwrap()["x-computed"], "late");
}

#[tokio::test]
async fn with_trailers_skips_the_future_when_the_body_fails() {
    let polled = Arc::new(AtomicBool::new(false));
    let polled_in_future = Arc::clone(&polled);
    let body = StreamBody::new(stream::iter(vec![Err::<Frame<Bytes>, _>("broken")])).with_trailers(
        async move {
            polled_in_future.store(true, Ordering::SeqCst);
            None
        },
    );
    assert_eq!(body.collect().await.unwrap_err(), "broken");
    assert!(!polled.load(Ordering::SeqCst));
}

#[tokio::test]
async fn map_frame_sees_data_and_trailers() {
    let frames = vec![
        Ok::<_, Infallible>(Frame::data(Bytes::from_static(b"abc"))),
        Ok(Frame::trailers(trailers(&[("k", "v")]))),
    ];
    let collected = StreamBody::new(stream::iter(frames))
        .map_frame(|frame| match frame.into_trailers() {
            Ok(mut map) => {
                map.insert("added", "yes".parse().unwrap());
                Frame::trailers(map)
            }
            Err(data) => data.map_data(|b: Bytes| Bytes::from(b.to_ascii_uppercase())),
        })
        .collect()
        .await
        .unwrap();
    assert_eq!(collected.trailers().unwrap()["added"], "yes");
    assert_eq!(collected.to_bytes(), "ABC");
}

#[tokio::test]
async fn map_err_changes_the_error() {
    let (tx, body) = channel::<Bytes, &'static str>(1);
    tx.abort("raw");
    let err = body
        .map_err(|e| format!("wrapped: {e}"))
        .collect()
        .await
        .unwrap_err();
    assert_eq!(err, "wrapped: raw");
}

#[tokio::test]
async fn either_delegates_to_each_side() {
    type Choice = Either<Full<Bytes>, Empty<Bytes>>;
    let left: Choice = Either::left(Full::new(Bytes::from_static(b"left")));
    assert!(left.is_left() && !left.is_right());
    assert!(!left.is_end_stream());
    assert_eq!(left.collect().await.unwrap().to_bytes(), "left");

    let right: Choice = Either::right(Empty::new());
    assert!(right.is_right());
    assert!(right.is_end_stream());
    assert!(right.collect().await.unwrap().to_bytes().is_empty());
}

#[tokio::test]
async fn either_boxes_errors_of_both_sides() {
    let (tx, rx) = channel::<Bytes, std::io::Error>(1);
    tx.abort(std::io::Error::other("io side"));
    let body: Either<_, Full<Bytes>> = Either::left(rx);
    let err: BoxError = body.collect().await.unwrap_err();
    assert!(err.is::<std::io::Error>());
    assert_eq!(err.to_string(), "io side");
}

#[tokio::test]
async fn boxed_body_streams_the_same_frames() {
    let frames = vec![
        Ok::<_, Infallible>(Frame::data(Bytes::from_static(b"1"))),
        Ok(Frame::data(Bytes::from_static(b"2"))),
        Ok(Frame::trailers(trailers(&[("t", "v")]))),
    ];
    // StreamExt is in scope too; StreamBody is only a Body, so `boxed` is not ambiguous.
    let body = StreamBody::new(stream::iter(frames)).boxed();
    let kinds: Vec<bool> = body
        .into_stream()
        .map(|frame| frame.unwrap().is_data())
        .collect()
        .await;
    assert_eq!(kinds, [true, true, false]);
}

#[tokio::test]
async fn into_data_stream_yields_data_and_errors() {
    let frames = vec![
        Ok(Frame::data(Bytes::from_static(b"a"))),
        Ok(Frame::trailers(HeaderMap::new())),
    ];
    let data: Vec<Bytes> = StreamBody::new(stream::iter(frames))
        .into_data_stream()
        .try_collect::<Vec<_>>()
        .await
        .map_err(|e: &str| e)
        .unwrap();
    assert_eq!(data, [Bytes::from_static(b"a")]);

    let frames = vec![Ok(Frame::data(Bytes::from_static(b"a"))), Err("bad")];
    let result: Result<Vec<Bytes>, _> = StreamBody::new(stream::iter(frames))
        .into_data_stream()
        .try_collect()
        .await;
    assert_eq!(result.unwrap_err(), "bad");
}

#[tokio::test]
async fn frame_reads_through_a_request() {
    let mut request = http::Request::new(Full::new(Bytes::from_static(b"req body")));
    let data = request.frame().await.unwrap().unwrap().into_data().unwrap();
    assert_eq!(data, "req body");
    assert!(request.is_end_stream());
}

//! `http::replay`: a `ReplayBody` copy yields exactly the original, within the cap.
#![cfg(feature = "http")]

use std::convert::Infallible;

use bytes::Bytes;
use futures_util::FutureExt;
use http::{HeaderMap, HeaderValue};
use proptest::prelude::*;
use spire_body::{Body, BodyExt, Frame, StreamBody, channel};
use spire_middleware::http::replay::{CannotReplay, DEFAULT_CAP, ReplayBody};
use spire_service::BoxError;

type Frames = futures_util::stream::Iter<std::vec::IntoIter<Result<Frame<Bytes>, Infallible>>>;

/// A body yielding `chunks` as data frames, then `trailers` if any.
fn streamed(chunks: &[Vec<u8>], trailers: Option<&HeaderMap>) -> StreamBody<Frames> {
    let mut frames: Vec<Result<Frame<Bytes>, Infallible>> = chunks
        .iter()
        .map(|chunk| Ok(Frame::data(Bytes::from(chunk.clone()))))
        .collect();
    if let Some(trailers) = trailers {
        frames.push(Ok(Frame::trailers(trailers.clone())));
    }
    StreamBody::new(futures_util::stream::iter(frames))
}

fn trailers() -> HeaderMap {
    let mut map = HeaderMap::new();
    map.insert("checksum", HeaderValue::from_static("abc"));
    map
}

/// Polls `body` once, with no runtime (every body here is ready or pending for good).
fn next<B: Body<Data = Bytes, Error = BoxError> + Unpin>(
    body: &mut B,
) -> Option<Option<Result<Frame<Bytes>, BoxError>>> {
    body.frame().now_or_never()
}

fn cannot_replay(err: &BoxError) -> CannotReplay {
    *err.downcast_ref::<CannotReplay>()
        .expect("the error is CannotReplay")
}

#[test]
fn replay_default_cap_is_64_kib() {
    assert_eq!(DEFAULT_CAP, 64 * 1024);
    let body = ReplayBody::new(streamed(&[], None));
    assert_eq!(body.cap(), DEFAULT_CAP);
}

#[tokio::test]
async fn replay_copy_replays_then_continues_where_the_first_attempt_stopped() {
    let (mut tx, inner) = channel::<Bytes, Infallible>(4);
    tx.send_data(Bytes::from("ab")).await.unwrap();
    tx.send_data(Bytes::from("cd")).await.unwrap();
    let mut first = ReplayBody::new(inner);
    let second = first.try_clone().unwrap();

    assert_eq!(
        next(&mut first)
            .unwrap()
            .unwrap()
            .unwrap()
            .into_data()
            .unwrap(),
        "ab"
    );
    // The first attempt drops the body half read.
    drop(first);

    tx.send_data(Bytes::from("ef")).await.unwrap();
    drop(tx);
    assert_eq!(second.collect().await.unwrap().to_bytes(), "abcdef");
}

#[tokio::test]
async fn replay_shares_the_recorded_bytes_without_copying() {
    let data = Bytes::from("shared");
    let mut first = ReplayBody::new(streamed(&[data.to_vec()], None));
    let mut second = first.try_clone().unwrap();
    let a = next(&mut first)
        .unwrap()
        .unwrap()
        .unwrap()
        .into_data()
        .unwrap();
    let b = next(&mut second)
        .unwrap()
        .unwrap()
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(a, b);
    assert_eq!(a.as_ptr(), b.as_ptr(), "the replay is a Bytes clone");
}

#[tokio::test]
async fn replay_trailers_are_replayed() {
    let first = ReplayBody::new(streamed(&[b"x".to_vec()], Some(&trailers())));
    let second = first.try_clone().unwrap();
    let collected = first.collect().await.unwrap();
    assert_eq!(collected.trailers(), Some(&trailers()));
    let collected = second.collect().await.unwrap();
    assert_eq!(collected.trailers(), Some(&trailers()));
    assert_eq!(collected.to_bytes(), "x");
}

#[tokio::test]
async fn replay_over_cap_streams_once_then_refuses() {
    let first = ReplayBody::with_cap(streamed(&[b"1234".to_vec(), b"5".to_vec()], None), 4);
    let early_copy = first.try_clone().unwrap();
    assert!(first.is_replayable());

    // The attempt in progress gets the whole body.
    assert_eq!(first.collect().await.unwrap().to_bytes(), "12345");
    assert!(!early_copy.is_replayable());
    assert!(early_copy.try_clone().is_none());
    let err = early_copy.collect().await.unwrap_err();
    assert!(cannot_replay(&err).is_over_cap());
    assert_eq!(err.to_string(), "body outgrew the replay buffer");
}

#[tokio::test]
async fn replay_at_cap_is_still_replayable() {
    let first = ReplayBody::with_cap(streamed(&[b"12".to_vec(), b"34".to_vec()], None), 4);
    let copy = first.try_clone().unwrap();
    first.collect().await.unwrap();
    assert!(copy.is_replayable());
    assert_eq!(copy.collect().await.unwrap().to_bytes(), "1234");
}

#[test]
fn replay_newer_copy_takes_over_and_the_older_one_fails() {
    let mut first = ReplayBody::new(streamed(&[b"a".to_vec(), b"b".to_vec()], None));
    let mut second = first.try_clone().unwrap();
    let mut unpolled = first.try_clone().unwrap();

    next(&mut first).unwrap().unwrap().unwrap();
    next(&mut second).unwrap().unwrap().unwrap(); // takes over, replays "a"
    let err = next(&mut first).unwrap().unwrap().unwrap_err();
    assert!(cannot_replay(&err).is_superseded());
    assert!(!first.is_end_stream());

    // A copy that never read is not affected: it starts from the beginning.
    let mut all = Vec::new();
    while let Some(frame) = next(&mut unpolled).unwrap() {
        all.extend_from_slice(&frame.unwrap().into_data().unwrap());
    }
    assert_eq!(all, b"ab");
    let err = next(&mut second).unwrap().unwrap().unwrap_err();
    assert!(cannot_replay(&err).is_superseded());
}

#[tokio::test]
async fn replay_size_hint_and_end_stream_are_exact() {
    let first = ReplayBody::new(spire_body::Full::new(Bytes::from("hello")));
    let mut second = first.try_clone().unwrap();
    assert_eq!(first.size_hint().exact(), Some(5));
    assert!(!first.is_end_stream());
    first.collect().await.unwrap();

    assert_eq!(second.size_hint().exact(), Some(5));
    assert!(!second.is_end_stream());
    next(&mut second).unwrap().unwrap().unwrap();
    assert_eq!(second.size_hint().exact(), Some(0));
    assert!(second.is_end_stream());
    assert!(next(&mut second).unwrap().is_none());
}

#[tokio::test]
async fn replay_size_hint_adds_the_unread_rest() {
    let (mut tx, inner) = channel::<Bytes, Infallible>(4);
    tx.send_data(Bytes::from("abc")).await.unwrap();
    let mut first = ReplayBody::new(inner);
    let second = first.try_clone().unwrap();
    next(&mut first).unwrap().unwrap().unwrap();
    // 3 bytes to replay, then an unknown rest.
    assert_eq!(second.size_hint().lower(), 3);
    assert_eq!(second.size_hint().upper(), None);
    drop(tx);
}

#[tokio::test]
async fn replay_failed_original_is_not_replayable() {
    let (tx, inner) = channel::<Bytes, std::io::Error>(1);
    tx.abort(std::io::Error::other("reset"));
    let first = ReplayBody::new(inner);
    let copy = first.try_clone().unwrap();
    let err = first.collect().await.unwrap_err();
    assert!(err.downcast_ref::<std::io::Error>().is_some());
    assert!(!copy.is_replayable());
    assert!(copy.try_clone().is_none());
    let err = copy.collect().await.unwrap_err();
    assert!(cannot_replay(&err).is_failed());
}

/// Drives `attempts` copies in turn; each stops after the given number of frames
/// (`None`: to the end). Returns what the last full read yielded.
fn attempts_then_full_read(
    chunks: &[Vec<u8>],
    trailers: Option<&HeaderMap>,
    stops: &[usize],
    cap: usize,
) -> Result<(Vec<u8>, Option<HeaderMap>), BoxError> {
    let original = ReplayBody::with_cap(streamed(chunks, trailers), cap);
    let kept = original.try_clone().unwrap();
    let mut current = Some(original);
    for stop in stops {
        let Some(mut body) = current.take().or_else(|| kept.try_clone()) else {
            break;
        };
        for _ in 0..*stop {
            if next(&mut body).unwrap().is_none() {
                break;
            }
        }
    }
    let mut body = current.or_else(|| kept.try_clone()).unwrap_or(kept);
    let mut data = Vec::new();
    let mut seen_trailers = None;
    while let Some(frame) = next(&mut body).unwrap() {
        let frame = frame?;
        match frame.into_data() {
            Ok(bytes) => data.extend_from_slice(&bytes),
            Err(frame) => seen_trailers = frame.into_trailers().ok(),
        }
    }
    assert!(body.is_end_stream());
    Ok((data, seen_trailers))
}

proptest! {
    #[test]
    fn replay_any_split_and_any_stops_yield_the_original(
        chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..16), 0..8),
        with_trailers in any::<bool>(),
        stops in proptest::collection::vec(0usize..10, 0..4),
    ) {
        let trailers = with_trailers.then(trailers);
        let (data, seen) = attempts_then_full_read(&chunks, trailers.as_ref(), &stops, DEFAULT_CAP)
            .expect("within the cap");
        prop_assert_eq!(data, chunks.concat());
        prop_assert_eq!(seen, trailers);
    }

    #[test]
    fn replay_over_cap_fails_unless_nothing_was_lost(
        chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 1..16), 1..8),
        cap in 0usize..64,
        stop in 0usize..10,
    ) {
        let total: usize = chunks.iter().map(Vec::len).sum();
        // How many bytes the first attempt read by stopping after `stop` frames.
        let read: usize = chunks.iter().take(stop).map(Vec::len).sum();
        let result = attempts_then_full_read(&chunks, None, &[stop], cap);
        if read > cap {
            let err = result.unwrap_err();
            prop_assert!(err.downcast_ref::<CannotReplay>().is_some_and(CannotReplay::is_over_cap));
        } else {
            let (data, _) = result.expect("the first attempt stayed within the cap");
            prop_assert_eq!(data.len(), total);
            prop_assert_eq!(data, chunks.concat());
        }
    }
}

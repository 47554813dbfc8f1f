//! Property: however a byte sequence is split into frames, collecting gives back the same
//! bytes and trailers; a limit fails exactly when the total is over it.

use std::convert::Infallible;

use bytes::Bytes;
use futures_util::{FutureExt, stream};
use http::{HeaderMap, HeaderName, HeaderValue};
use proptest::prelude::*;
use spire_body::{BodyExt, Frame, LengthLimitError, StreamBody, channel};

/// Splits `data` at the given cut points (any order, repeats allowed: empty frames too).
fn split(data: &Bytes, mut cuts: Vec<usize>) -> Vec<Bytes> {
    cuts.iter_mut().for_each(|cut| *cut %= data.len() + 1);
    cuts.sort_unstable();
    let mut chunks = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0;
    for cut in cuts {
        chunks.push(data.slice(start..cut));
        start = cut;
    }
    chunks.push(data.slice(start..));
    chunks
}

fn trailer_map(pairs: &[(String, String)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    map
}

fn frames(chunks: &[Bytes], trailers: Option<&HeaderMap>) -> Vec<Result<Frame<Bytes>, Infallible>> {
    let mut frames: Vec<_> = chunks.iter().cloned().map(|c| Ok(Frame::data(c))).collect();
    if let Some(trailers) = trailers {
        frames.push(Ok(Frame::trailers(trailers.clone())));
    }
    frames
}

fn trailers_strategy() -> impl Strategy<Value = Option<Vec<(String, String)>>> {
    proptest::option::of(proptest::collection::vec(
        ("x-[a-z]{1,8}", "[a-zA-Z0-9 ]{0,12}"),
        0..4,
    ))
}

proptest! {
    #[test]
    fn prop_collect_any_split_gives_same_bytes_and_trailers(
        data in proptest::collection::vec(any::<u8>(), 0..2048),
        cuts in proptest::collection::vec(any::<usize>(), 0..16),
        trailers in trailers_strategy(),
    ) {
        let data = Bytes::from(data);
        let trailers = trailers.as_deref().map(trailer_map);
        let chunks = split(&data, cuts);
        prop_assert_eq!(chunks.iter().map(Bytes::len).sum::<usize>(), data.len());

        let body = StreamBody::new(stream::iter(frames(&chunks, trailers.as_ref())));
        let collected = body
            .collect()
            .now_or_never()
            .expect("an iterator stream is always ready")
            .unwrap();
        prop_assert_eq!(collected.trailers(), trailers.as_ref());
        prop_assert_eq!(collected.to_bytes(), data);
    }

    #[test]
    fn prop_collect_through_channel_gives_same_bytes_and_trailers(
        data in proptest::collection::vec(any::<u8>(), 0..1024),
        cuts in proptest::collection::vec(any::<usize>(), 0..16),
        trailers in trailers_strategy(),
        capacity in 1usize..4,
    ) {
        let data = Bytes::from(data);
        let trailers = trailers.as_deref().map(trailer_map);
        let chunks = split(&data, cuts);
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let (collected, expected_trailers) = runtime.block_on(async {
            let (mut tx, body) = channel::<Bytes, Infallible>(capacity);
            let sent_trailers = trailers.clone();
            let producer = tokio::spawn(async move {
                for chunk in chunks {
                    tx.send_data(chunk).await.unwrap();
                }
                if let Some(trailers) = sent_trailers {
                    tx.send_trailers(trailers).await.unwrap();
                }
            });
            let collected = body.collect().await.unwrap();
            producer.await.unwrap();
            (collected, trailers)
        });
        prop_assert_eq!(collected.trailers(), expected_trailers.as_ref());
        prop_assert_eq!(collected.to_bytes(), data);
    }

    #[test]
    fn prop_limited_fails_exactly_when_over_the_limit(
        data in proptest::collection::vec(any::<u8>(), 0..512),
        cuts in proptest::collection::vec(any::<usize>(), 0..8),
        limit in 0usize..600,
    ) {
        let data = Bytes::from(data);
        let chunks = split(&data, cuts);
        let result = StreamBody::new(stream::iter(frames(&chunks, None)))
            .limited(limit)
            .collect()
            .now_or_never()
            .expect("an iterator stream is always ready");
        if data.len() <= limit {
            prop_assert_eq!(result.unwrap().to_bytes(), data);
        } else {
            let err = result.unwrap_err();
            prop_assert_eq!(err.downcast_ref::<LengthLimitError>().map(|e| e.limit()), Some(limit));
        }
    }
}

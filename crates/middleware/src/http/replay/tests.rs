use bytes::Bytes;
use futures_util::FutureExt;
use spire_body::{Body, BodyExt, Full};

use super::*;

#[test]
fn over_cap_resets_the_reader_position() {
    let body = ReplayBody::with_cap(Full::new(Bytes::from("12345")), 2);
    let mut body = std::pin::pin!(body);
    let frame = body.frame().now_or_never().unwrap().unwrap().unwrap();
    assert_eq!(frame.into_data().unwrap(), "12345");
    assert!(!body.is_replayable());
    // Nothing recorded, nothing left: the hint must not underflow.
    assert_eq!(body.size_hint().exact(), Some(0));
    assert!(body.is_end_stream());
}

#[test]
fn empty_replays_forever() {
    let body = ReplayBody::<Full<Bytes>>::empty();
    for _ in 0..3 {
        let copy = body.try_clone().unwrap();
        let collected = copy.collect().now_or_never().unwrap().unwrap();
        assert!(collected.to_bytes().is_empty());
    }
}

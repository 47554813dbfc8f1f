//! Size hints: exact for in-memory bodies, and kept exact through the adapters.

use std::convert::Infallible;

use bytes::Bytes;
use spire_body::{Body, BodyExt, Either, Empty, Full, SizeHint};

#[test]
fn size_hint_exact_for_in_memory_bodies() {
    assert_eq!(
        Full::new(Bytes::from_static(b"hello")).size_hint().exact(),
        Some(5)
    );
    assert_eq!(Bytes::from_static(b"hello!").size_hint().exact(), Some(6));
    assert_eq!(Empty::<Bytes>::new().size_hint().exact(), Some(0));
    assert_eq!(String::from("abc").size_hint().exact(), Some(3));
    assert_eq!(vec![0u8; 7].size_hint().exact(), Some(7));
}

#[test]
fn size_hint_survives_map_frame_map_err_and_boxing() {
    let full = || Full::new(Bytes::from_static(b"twelve bytes"));
    assert_eq!(full().map_frame(|f| f).size_hint().exact(), Some(12));
    assert_eq!(
        full()
            .map_err(|never: Infallible| never)
            .size_hint()
            .exact(),
        Some(12)
    );
    assert_eq!(full().boxed().size_hint().exact(), Some(12));
    assert_eq!(full().boxed_unsync().size_hint().exact(), Some(12));
    assert_eq!(
        full()
            .map_frame(|f| f)
            .boxed()
            .limited(100)
            .boxed_unsync()
            .size_hint()
            .exact(),
        Some(12)
    );
    assert_eq!(Empty::<Bytes>::new().boxed().size_hint().exact(), Some(0));
}

#[test]
fn size_hint_of_end_stream_survives_boxing() {
    assert!(Empty::<Bytes>::new().boxed().is_end_stream());
    assert!(Empty::<Bytes>::new().map_frame(|f| f).is_end_stream());
    assert!(!Full::new(Bytes::from_static(b"x")).boxed().is_end_stream());
}

#[test]
fn size_hint_through_either_is_the_chosen_side() {
    let left: Either<Full<Bytes>, Empty<Bytes>> =
        Either::left(Full::new(Bytes::from_static(b"abc")));
    let right: Either<Full<Bytes>, Empty<Bytes>> = Either::right(Empty::new());
    assert_eq!(left.size_hint(), SizeHint::with_exact(3));
    assert_eq!(right.size_hint(), SizeHint::with_exact(0));
}

#[tokio::test]
async fn size_hint_counts_down_as_frames_are_read() {
    let mut body = Full::new(Bytes::from_static(b"abc")).boxed();
    assert_eq!(body.size_hint().exact(), Some(3));
    body.frame().await.unwrap().unwrap();
    assert_eq!(body.size_hint().exact(), Some(0));
    assert!(body.is_end_stream());
}

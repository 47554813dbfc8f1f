//! Unit tests for the `Body` impls on std and `http` types in lib.rs.

use std::borrow::Cow;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use bytes::Bytes;

use crate::{Body, Frame, SizeHint};

/// Polls `body` until it ends; panics on `Pending` (these bodies are all ready) or an error.
fn drain<B>(mut body: B) -> (Vec<Bytes>, usize)
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: std::fmt::Debug,
{
    let mut cx = Context::from_waker(Waker::noop());
    let mut data = Vec::new();
    let mut trailers = 0;
    loop {
        match Pin::new(&mut body).poll_frame(&mut cx) {
            Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
                Ok(bytes) => data.push(bytes),
                Err(_) => trailers += 1,
            },
            Poll::Ready(Some(Err(err))) => panic!("body failed: {err:?}"),
            Poll::Ready(None) => break,
            Poll::Pending => panic!("a ready-made body returned Pending"),
        }
    }
    assert!(body.is_end_stream(), "an ended body must say so");
    assert_eq!(body.size_hint(), SizeHint::with_exact(0));
    (data, trailers)
}

fn check_one_frame<B>(body: B, expected: &[u8])
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: std::fmt::Debug,
{
    assert_eq!(body.size_hint().exact(), Some(expected.len() as u64));
    assert_eq!(body.is_end_stream(), expected.is_empty());
    let (data, trailers) = drain(body);
    assert_eq!(trailers, 0);
    if expected.is_empty() {
        assert!(data.is_empty(), "an empty body yields no frame");
    } else {
        assert_eq!(data, [Bytes::copy_from_slice(expected)]);
    }
}

#[test]
fn std_types_are_one_frame_bodies() {
    check_one_frame(Bytes::from_static(b"bytes"), b"bytes");
    check_one_frame(b"vec".to_vec(), b"vec");
    check_one_frame(String::from("string"), b"string");
    check_one_frame("str", b"str");
    check_one_frame(&b"slice"[..], b"slice");
    check_one_frame(Cow::<'static, [u8]>::Borrowed(b"cow"), b"cow");
    check_one_frame(Cow::<'static, [u8]>::Owned(b"cow".to_vec()), b"cow");
    check_one_frame(Cow::<'static, str>::Borrowed("cow"), b"cow");
    check_one_frame(Cow::<'static, str>::Owned("cow".into()), b"cow");
}

#[test]
fn empty_std_values_are_empty_bodies() {
    check_one_frame(Bytes::new(), b"");
    check_one_frame(Vec::new(), b"");
    check_one_frame(String::new(), b"");
    check_one_frame("", b"");
    check_one_frame(Cow::<'static, str>::Owned(String::new()), b"");
}

#[test]
fn vec_body_hands_over_its_allocation() {
    let vec = vec![5u8; 100];
    let ptr = vec.as_ptr();
    let (data, _) = drain(vec);
    assert_eq!(data[0].as_ptr(), ptr, "Vec<u8> must not be copied");
}

#[test]
fn bytes_body_hands_over_its_allocation() {
    let bytes = Bytes::from(vec![5u8; 100]);
    let ptr = bytes.as_ptr();
    let (data, _) = drain(bytes);
    assert_eq!(data[0].as_ptr(), ptr, "Bytes must not be copied");
}

#[test]
fn pointer_and_message_wrappers_forward_everything() {
    check_one_frame(Box::new(Bytes::from_static(b"box")), b"box");
    check_one_frame(Box::pin(Bytes::from_static(b"pin")), b"pin");
    let mut inner = Bytes::from_static(b"ref");
    check_one_frame(&mut inner, b"ref");
    assert!(
        inner.is_empty(),
        "polling through &mut consumes the inner body"
    );
    check_one_frame(http::Request::new(Bytes::from_static(b"req")), b"req");
    check_one_frame(http::Response::new(Bytes::from_static(b"resp")), b"resp");
}

#[test]
fn pin_of_box_dyn_body_is_a_body() {
    type Dyn = dyn Body<Data = Bytes, Error = std::convert::Infallible> + Send;
    let body: Pin<Box<Dyn>> = Box::pin(String::from("dyn"));
    check_one_frame(body, b"dyn");
}

#[test]
fn default_trait_methods_know_nothing() {
    struct Bare;
    impl Body for Bare {
        type Data = Bytes;
        type Error = ();
        fn poll_frame(
            self: Pin<&mut Self>,
            _cx: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, ()>>> {
            Poll::Ready(None)
        }
    }
    assert!(!Bare.is_end_stream());
    assert_eq!(Bare.size_hint(), SizeHint::new());
}

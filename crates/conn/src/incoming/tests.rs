use std::task::{Context, Poll, Waker};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue};
use spire_body::{Body, BodyExt};

use super::*;

fn noop_cx() -> Context<'static> {
    Context::from_waker(Waker::noop())
}

fn poll_once(body: &mut Incoming) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
    Pin::new(body).poll_frame(&mut noop_cx())
}

#[test]
fn empty_is_at_its_end_with_exact_zero() {
    let mut body = Incoming::empty();
    assert!(body.is_end_stream());
    assert_eq!(body.size_hint().exact(), Some(0));
    assert!(matches!(poll_once(&mut body), Poll::Ready(None)));
}

#[test]
fn channel_size_hint_counts_down_as_data_arrives() {
    let (mut tx, mut body) = Incoming::channel(Some(10), 4);
    assert_eq!(body.size_hint().exact(), Some(10));
    tx.try_send_data(Bytes::from_static(b"abcd")).unwrap();
    let Poll::Ready(Some(Ok(frame))) = poll_once(&mut body) else {
        panic!("expected a data frame");
    };
    assert_eq!(frame.into_data().unwrap(), "abcd");
    assert_eq!(body.size_hint().exact(), Some(6));
    tx.try_send_data(Bytes::from_static(b"efghij")).unwrap();
    assert!(matches!(poll_once(&mut body), Poll::Ready(Some(Ok(_)))));
    assert_eq!(body.size_hint().exact(), Some(0));
}

#[test]
fn channel_without_length_has_open_size_hint() {
    let (_tx, body) = Incoming::channel(None, 4);
    assert_eq!(body.size_hint().exact(), None);
    assert_eq!(body.size_hint().upper(), None);
}

#[tokio::test]
async fn channel_delivers_data_then_trailers_then_end() {
    let (mut tx, body) = Incoming::channel(None, 4);
    tx.try_send_data(Bytes::from_static(b"hello ")).unwrap();
    tx.try_send_data(Bytes::from_static(b"world")).unwrap();
    let mut trailers = HeaderMap::new();
    trailers.insert("x-sum", HeaderValue::from_static("7"));
    tx.try_send_trailers(trailers).unwrap();
    drop(tx);
    let collected = body.collect().await.unwrap();
    assert_eq!(collected.trailers().unwrap()["x-sum"], "7");
    assert_eq!(collected.to_bytes(), "hello world");
}

#[test]
fn channel_full_queue_makes_sender_wait_until_a_frame_is_taken() {
    let (mut tx, mut body) = Incoming::channel(None, 2);
    let mut cx = noop_cx();
    tx.try_send_data(Bytes::from_static(b"1")).unwrap();
    tx.try_send_data(Bytes::from_static(b"2")).unwrap();
    assert!(tx.poll_ready(&mut cx).is_pending());
    let refused = tx.try_send_data(Bytes::from_static(b"3")).unwrap_err();
    assert_eq!(refused, "3");
    assert!(matches!(poll_once(&mut body), Poll::Ready(Some(Ok(_)))));
    assert!(matches!(tx.poll_ready(&mut cx), Poll::Ready(Ok(()))));
    tx.try_send_data(Bytes::from_static(b"3")).unwrap();
}

#[test]
fn channel_abort_yields_the_error_before_queued_data() {
    let (mut tx, mut body) = Incoming::channel(Some(5), 4);
    tx.try_send_data(Bytes::from_static(b"ab")).unwrap();
    tx.abort(Error::new(ErrorKind::Closed));
    let Poll::Ready(Some(Err(err))) = poll_once(&mut body) else {
        panic!("expected the abort error");
    };
    assert!(err.is_closed());
    assert!(matches!(poll_once(&mut body), Poll::Ready(None)));
}

#[test]
fn channel_dropped_body_closes_the_sender() {
    let (mut tx, body) = Incoming::channel(None, 4);
    assert!(!tx.is_closed());
    drop(body);
    assert!(tx.is_closed());
    let mut cx = noop_cx();
    let Poll::Ready(Err(err)) = tx.poll_ready(&mut cx) else {
        panic!("expected the sender to see the closed body");
    };
    assert!(err.is_canceled());
    assert!(tx.try_send_data(Bytes::from_static(b"x")).is_err());
}

#[test]
fn channel_want_becomes_ready_on_first_poll() {
    let (mut tx, mut body) = Incoming::channel(None, 4);
    let mut cx = noop_cx();
    assert!(tx.poll_want(&mut cx).is_pending());
    assert!(poll_once(&mut body).is_pending());
    assert!(matches!(tx.poll_want(&mut cx), Poll::Ready(Ok(()))));
}

#[test]
fn channel_end_stream_only_after_sender_dropped_and_queue_drained() {
    let (mut tx, mut body) = Incoming::channel(None, 4);
    tx.try_send_data(Bytes::from_static(b"x")).unwrap();
    drop(tx);
    assert!(!body.is_end_stream());
    assert!(matches!(poll_once(&mut body), Poll::Ready(Some(Ok(_)))));
    assert!(body.is_end_stream());
}

#[test]
fn content_length_accepts_one_decimal_value_only() {
    let mut headers = HeaderMap::new();
    assert_eq!(content_length(&headers), None);
    headers.insert("content-length", HeaderValue::from_static("42"));
    assert_eq!(content_length(&headers), Some(42));
    headers.insert("content-length", HeaderValue::from_static("+42"));
    assert_eq!(content_length(&headers), None);
    headers.insert("content-length", HeaderValue::from_static("4"));
    headers.append("content-length", HeaderValue::from_static("4"));
    assert_eq!(content_length(&headers), None);
}

#[test]
fn debug_names_the_variant() {
    let text = format!("{:?}", Incoming::empty());
    assert!(text.contains("empty"), "{text}");
}

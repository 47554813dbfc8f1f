//! The body channel: ordering, backpressure, closing, aborting, trailers.

use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};

use bytes::Bytes;
use futures_util::FutureExt;
use http::HeaderMap;
use spire_body::channel::TrySendError;
use spire_body::{Body, BodyExt, channel};

/// Polls a future once, from outside any task.
fn poll_once<F: Future>(future: Pin<&mut F>) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(Waker::noop()))
}

fn trailers(name: &'static str, value: &'static str) -> HeaderMap {
    let mut map = HeaderMap::new();
    map.insert(name, value.parse().unwrap());
    map
}

#[tokio::test]
async fn channel_send_waits_while_buffer_is_full() {
    let (mut tx, mut rx) = channel::<Bytes, &'static str>(2);
    tx.send_data(Bytes::from_static(b"1")).await.unwrap();
    tx.send_data(Bytes::from_static(b"2")).await.unwrap();

    let mut third = pin!(tx.send_data(Bytes::from_static(b"3")));
    assert!(
        poll_once(third.as_mut()).is_pending(),
        "buffer full: the send must wait"
    );
    assert!(poll_once(third.as_mut()).is_pending(), "still full");

    let first = rx.frame().await.unwrap().unwrap().into_data().unwrap();
    assert_eq!(first, "1");
    assert!(matches!(poll_once(third.as_mut()), Poll::Ready(Ok(()))));
}

#[tokio::test]
async fn channel_producer_task_is_held_back_by_capacity() {
    let (mut tx, mut rx) = channel::<Bytes, &'static str>(3);
    let sent = Arc::new(AtomicUsize::new(0));
    let sent_by_producer = Arc::clone(&sent);
    let producer = tokio::spawn(async move {
        for i in 0..10u8 {
            tx.send_data(Bytes::from(vec![i])).await.unwrap();
            sent_by_producer.fetch_add(1, Ordering::SeqCst);
        }
    });

    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    assert_eq!(
        sent.load(Ordering::SeqCst),
        3,
        "the producer stops at capacity"
    );

    rx.frame().await.unwrap().unwrap();
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    assert_eq!(
        sent.load(Ordering::SeqCst),
        4,
        "one frame taken, one more sent"
    );

    let rest = rx.collect().await.unwrap().to_bytes();
    assert_eq!(rest.as_ref(), &[1, 2, 3, 4, 5, 6, 7, 8, 9]);
    producer.await.unwrap();
}

#[tokio::test]
async fn channel_ready_then_try_send_cannot_find_the_buffer_full() {
    let (mut tx, mut rx) = channel::<Bytes, &'static str>(1);
    tx.ready().await.unwrap();
    tx.try_send_data(Bytes::from_static(b"a")).unwrap();
    assert!(tx.ready().now_or_never().is_none(), "full: ready waits");
    match tx.try_send_data(Bytes::from_static(b"b")) {
        Err(TrySendError::Full(data)) => assert_eq!(data, "b"),
        other => panic!("expected Full, got {other:?}"),
    }
    rx.frame().await.unwrap().unwrap();
    tx.ready().await.unwrap();
    tx.try_send_data(Bytes::from_static(b"b")).unwrap();
}

#[tokio::test]
async fn channel_abort_delivers_the_error() {
    let (mut tx, mut rx) = channel::<Bytes, &'static str>(4);
    tx.send_data(Bytes::from_static(b"partial")).await.unwrap();
    let aborter = tokio::spawn(async move { tx.abort("upstream failed") });
    aborter.await.unwrap();
    match rx.frame().await {
        Some(Err(err)) => assert_eq!(err, "upstream failed"),
        other => panic!("expected the abort error, got {other:?}"),
    }
    assert!(rx.frame().await.is_none(), "the body ends after its error");
}

#[tokio::test]
async fn channel_abort_wakes_a_waiting_receiver() {
    let (tx, rx) = channel::<Bytes, &'static str>(4);
    let consumer = tokio::spawn(rx.collect());
    tokio::task::yield_now().await;
    tx.abort("late failure");
    assert_eq!(consumer.await.unwrap().unwrap_err(), "late failure");
}

#[tokio::test]
async fn channel_dropped_receiver_makes_sends_fail() {
    let (mut tx, rx) = channel::<Bytes, &'static str>(1);
    assert!(!tx.is_closed());
    drop(rx);
    assert!(tx.is_closed());
    let err = tx.send_data(Bytes::from_static(b"x")).await.unwrap_err();
    assert_eq!(err.into_inner(), "x");
    assert!(tx.ready().await.is_err());
    assert!(
        tx.try_send_data(Bytes::from_static(b"y"))
            .unwrap_err()
            .is_closed()
    );
    let err = tx.send_trailers(trailers("t", "v")).await.unwrap_err();
    assert_eq!(err.into_inner()["t"], "v");
}

#[tokio::test]
async fn channel_receiver_dropped_while_sender_waits_fails_the_send() {
    let (mut tx, rx) = channel::<Bytes, &'static str>(1);
    tx.send_data(Bytes::from_static(b"fills it")).await.unwrap();
    let producer = tokio::spawn(async move { tx.send_data(Bytes::from_static(b"waits")).await });
    tokio::task::yield_now().await;
    drop(rx);
    let err = producer.await.unwrap().unwrap_err();
    assert_eq!(err.into_inner(), "waits");
}

#[tokio::test]
async fn channel_trailers_come_last() {
    let (mut tx, mut rx) = channel::<Bytes, &'static str>(8);
    tx.send_data(Bytes::from_static(b"a")).await.unwrap();
    tx.send_data(Bytes::from_static(b"b")).await.unwrap();
    tx.send_trailers(trailers("x-sum", "2")).await.unwrap();

    let mut kinds = Vec::new();
    while let Some(frame) = rx.frame().await {
        let frame = frame.unwrap();
        kinds.push(if frame.is_data() { "data" } else { "trailers" });
    }
    assert_eq!(kinds, ["data", "data", "trailers"]);
    assert!(rx.is_end_stream());
}

#[tokio::test]
async fn channel_send_trailers_waits_for_room() {
    let (mut tx, mut rx) = channel::<Bytes, &'static str>(1);
    tx.send_data(Bytes::from_static(b"a")).await.unwrap();
    let mut send = pin!(tx.send_trailers(trailers("k", "v")));
    assert!(poll_once(send.as_mut()).is_pending());
    assert!(rx.frame().await.unwrap().unwrap().is_data());
    assert!(matches!(poll_once(send.as_mut()), Poll::Ready(Ok(()))));
    assert!(rx.frame().await.unwrap().unwrap().is_trailers());
    assert!(rx.frame().await.is_none());
}

#[tokio::test]
async fn channel_dropped_sender_ends_body_without_trailers() {
    let (mut tx, rx) = channel::<Bytes, &'static str>(2);
    tx.send_data(Bytes::from_static(b"only")).await.unwrap();
    drop(tx);
    let collected = rx.collect().await.unwrap();
    assert!(collected.trailers().is_none());
    assert_eq!(collected.to_bytes(), "only");
}

#[tokio::test]
async fn channel_size_hint_is_unknown() {
    let (_tx, rx) = channel::<Bytes, &'static str>(2);
    assert_eq!(rx.size_hint().exact(), None);
    assert_eq!(rx.size_hint().upper(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn channel_many_messages_across_threads_arrive_in_order() {
    const MESSAGES: u32 = 20_000;
    for capacity in [1, 4, 64] {
        let (mut tx, rx) = channel::<Bytes, &'static str>(capacity);
        let producer = tokio::spawn(async move {
            for i in 0..MESSAGES {
                tx.send_data(Bytes::from(i.to_be_bytes().to_vec()))
                    .await
                    .unwrap();
            }
            tx.send_trailers(trailers("x-count", "20000"))
                .await
                .unwrap();
        });
        let consumer = tokio::spawn(async move {
            let mut rx = rx;
            let mut next = 0u32;
            let mut saw_trailers = false;
            while let Some(frame) = rx.frame().await {
                let frame = frame.unwrap();
                assert!(!saw_trailers, "no frame may follow the trailers");
                match frame.into_data() {
                    Ok(data) => {
                        let value = u32::from_be_bytes(data.as_ref().try_into().unwrap());
                        assert_eq!(value, next, "frames arrive in order");
                        next += 1;
                    }
                    Err(frame) => {
                        assert_eq!(frame.into_trailers().unwrap()["x-count"], "20000");
                        saw_trailers = true;
                    }
                }
            }
            assert!(saw_trailers);
            next
        });
        producer.await.unwrap();
        assert_eq!(consumer.await.unwrap(), MESSAGES);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn channel_try_send_with_readiness_across_threads() {
    const MESSAGES: usize = 10_000;
    let (mut tx, rx) = channel::<Bytes, &'static str>(2);
    let producer = tokio::spawn(async move {
        for i in 0..MESSAGES {
            tx.ready().await.unwrap();
            tx.try_send_data(Bytes::from(vec![(i % 251) as u8]))
                .unwrap();
        }
    });
    let collected = rx.collect().await.unwrap().to_bytes();
    producer.await.unwrap();
    assert_eq!(collected.len(), MESSAGES);
    assert!(
        collected
            .iter()
            .enumerate()
            .all(|(i, b)| usize::from(*b) == i % 251)
    );
}

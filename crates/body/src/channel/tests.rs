//! Unit tests for the channel's state machine: wakeups, closing, and buffer reuse.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::Wake;

use bytes::Bytes;

use super::*;

/// A waker that counts how often it was woken.
#[derive(Default)]
struct CountingWaker(AtomicUsize);

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

impl CountingWaker {
    fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

fn counting() -> (Arc<CountingWaker>, Waker) {
    let counter = Arc::new(CountingWaker::default());
    let waker = Waker::from(Arc::clone(&counter));
    (counter, waker)
}

type Rx = Channel<Bytes, &'static str>;

fn poll_rx(rx: &mut Rx, waker: &Waker) -> Poll<Option<Result<Frame<Bytes>, &'static str>>> {
    Pin::new(rx).poll_frame(&mut Context::from_waker(waker))
}

#[test]
fn channel_receiver_is_woken_by_send() {
    let (mut tx, mut rx) = channel::<Bytes, &'static str>(2);
    let (counter, waker) = counting();
    assert!(poll_rx(&mut rx, &waker).is_pending());
    assert_eq!(counter.count(), 0);
    tx.try_send_data(Bytes::from_static(b"x")).unwrap();
    assert_eq!(counter.count(), 1);
    assert!(matches!(poll_rx(&mut rx, &waker), Poll::Ready(Some(Ok(_)))));
}

#[test]
fn channel_sender_is_woken_when_receiver_takes_a_frame() {
    let (mut tx, mut rx) = channel::<Bytes, &'static str>(1);
    let (counter, waker) = counting();
    let mut cx = Context::from_waker(&waker);
    tx.try_send_data(Bytes::from_static(b"1")).unwrap();
    assert!(tx.poll_ready(&mut cx).is_pending());
    assert_eq!(counter.count(), 0);

    let noop = Waker::noop();
    assert!(matches!(poll_rx(&mut rx, noop), Poll::Ready(Some(Ok(_)))));
    assert_eq!(counter.count(), 1);
    assert!(matches!(tx.poll_ready(&mut cx), Poll::Ready(Ok(()))));
}

#[test]
fn channel_dropping_sender_wakes_and_ends_receiver() {
    let (tx, mut rx) = channel::<Bytes, &'static str>(1);
    let (counter, waker) = counting();
    assert!(poll_rx(&mut rx, &waker).is_pending());
    assert!(!rx.is_end_stream());
    drop(tx);
    assert_eq!(counter.count(), 1);
    assert!(rx.is_end_stream());
    assert!(matches!(poll_rx(&mut rx, &waker), Poll::Ready(None)));
}

#[test]
fn channel_dropping_receiver_wakes_waiting_sender() {
    let (mut tx, rx) = channel::<Bytes, &'static str>(1);
    let (counter, waker) = counting();
    tx.try_send_data(Bytes::from_static(b"1")).unwrap();
    assert!(tx.poll_ready(&mut Context::from_waker(&waker)).is_pending());
    drop(rx);
    assert_eq!(counter.count(), 1);
    assert!(tx.is_closed());
    assert!(matches!(
        tx.poll_ready(&mut Context::from_waker(&waker)),
        Poll::Ready(Err(_))
    ));
}

#[test]
fn channel_dropping_receiver_drops_buffered_data() {
    let (mut tx, rx) = channel::<Bytes, &'static str>(4);
    let data = Bytes::from(vec![0u8; 16]);
    tx.try_send_data(data.clone()).unwrap();
    assert!(!data.is_unique(), "the channel holds a reference");
    drop(rx);
    assert!(
        data.is_unique(),
        "dropping the receiver releases buffered frames"
    );
}

#[test]
fn channel_abort_overtakes_buffered_frames() {
    let (mut tx, mut rx) = channel::<Bytes, &'static str>(4);
    tx.try_send_data(Bytes::from_static(b"buffered")).unwrap();
    tx.abort("boom");
    let noop = Waker::noop();
    assert!(!rx.is_end_stream(), "the error is still to come");
    assert!(matches!(
        poll_rx(&mut rx, noop),
        Poll::Ready(Some(Err("boom")))
    ));
    assert!(matches!(poll_rx(&mut rx, noop), Poll::Ready(None)));
    assert!(rx.is_end_stream());
}

#[test]
fn channel_reuses_its_buffer() {
    let (mut tx, mut rx) = channel::<Bytes, &'static str>(4);
    let initial = tx.shared.lock().queue.capacity();
    let noop = Waker::noop();
    for round in 0..1000u32 {
        for _ in 0..4 {
            tx.try_send_data(Bytes::from(round.to_be_bytes().to_vec()))
                .unwrap();
        }
        for _ in 0..4 {
            assert!(matches!(poll_rx(&mut rx, noop), Poll::Ready(Some(Ok(_)))));
        }
    }
    assert_eq!(
        tx.shared.lock().queue.capacity(),
        initial,
        "a bounded channel must not grow its buffer"
    );
}

#[test]
fn channel_registering_same_task_keeps_one_waker() {
    let (_tx, mut rx) = channel::<Bytes, &'static str>(1);
    let (counter, waker) = counting();
    for _ in 0..3 {
        assert!(poll_rx(&mut rx, &waker).is_pending());
    }
    assert_eq!(
        Arc::strong_count(&counter),
        3,
        "counter + waker + one stored clone"
    );
}

#[test]
#[should_panic(expected = "capacity of at least 1")]
fn channel_with_zero_capacity_panics() {
    let _ = channel::<Bytes, &'static str>(0);
}

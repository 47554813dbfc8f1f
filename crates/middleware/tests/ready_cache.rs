//! `ready_cache::ReadyCache`: keyed services split into pending and ready.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Waker};

use spire_middleware::ready_cache::ReadyCache;
use spire_service::{BoxError, Service};
use spire_test::mock::{self, Handle, Mock};

fn noop() -> Context<'static> {
    Context::from_waker(Waker::noop())
}

fn is_dropped(handle: &mut Handle<u8, u8>) -> bool {
    matches!(handle.poll_request(&mut noop()), Poll::Ready(None))
}

/// Ready exactly while its flag is set: unlike the mock, its readiness can go away.
struct Toggle(Arc<AtomicBool>);

impl Service<u8> for Toggle {
    type Response = u8;
    type Error = BoxError;
    type Future = std::future::Ready<Result<u8, BoxError>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        if self.0.load(Ordering::SeqCst) {
            Poll::Ready(Ok(()))
        } else {
            Poll::Pending
        }
    }

    fn call(&mut self, req: u8) -> Self::Future {
        std::future::ready(Ok(req))
    }
}

#[test]
fn ready_cache_moves_ready_services_out_of_pending() {
    let (a, _ha) = mock::pair::<u8, u8>();
    let (b, mut hb) = mock::pair::<u8, u8>();
    hb.allow(0);
    let mut cache = ReadyCache::new();
    cache.push('a', a);
    cache.push('b', b);
    assert_eq!((cache.ready_len(), cache.pending_len()), (0, 2));
    assert!(cache.poll_pending(&mut noop()).is_pending());
    assert_eq!((cache.ready_len(), cache.pending_len()), (1, 1));
    assert_eq!(
        cache.get_ready(&'a').map(|(i, k, _)| (i, *k)),
        Some((0, 'a'))
    );
    assert!(cache.get_ready(&'b').is_none());
    hb.allow(1);
    assert!(matches!(
        cache.poll_pending(&mut noop()),
        Poll::Ready(Ok(()))
    ));
    assert_eq!((cache.ready_len(), cache.pending_len()), (2, 0));
}

#[test]
fn ready_cache_evict_drops_a_ready_service() {
    let (a, mut ha) = mock::pair::<u8, u8>();
    let mut cache = ReadyCache::new();
    cache.push(1, a);
    assert!(cache.poll_pending(&mut noop()).is_ready());
    assert!(!is_dropped(&mut ha));
    assert!(cache.evict(&1));
    assert!(is_dropped(&mut ha));
    assert!(cache.is_empty());
    assert!(!cache.evict(&1));
}

#[test]
fn ready_cache_evict_cancels_a_pending_service() {
    let (a, mut ha) = mock::pair::<u8, u8>();
    ha.allow(0);
    let mut cache = ReadyCache::new();
    cache.push(1, a);
    assert!(cache.poll_pending(&mut noop()).is_pending());
    assert!(cache.evict(&1));
    assert_eq!(cache.pending_len(), 0);
    // Ready now, but canceled: it must not come out as ready, and it is dropped.
    ha.allow(1);
    assert!(matches!(
        cache.poll_pending(&mut noop()),
        Poll::Ready(Ok(()))
    ));
    assert_eq!(cache.ready_len(), 0);
    assert!(is_dropped(&mut ha));
}

#[test]
fn ready_cache_push_of_same_key_replaces_the_pending_service() {
    let (old, mut h_old) = mock::pair::<u8, u8>();
    let (new, mut h_new) = mock::pair::<u8, u8>();
    h_old.allow(0);
    let mut cache = ReadyCache::new();
    cache.push(1, old);
    assert!(cache.poll_pending(&mut noop()).is_pending());
    h_old.allow(1); // the old one becomes ready, too late
    cache.push(1, new);
    assert!(cache.poll_pending(&mut noop()).is_ready());
    assert_eq!(cache.len(), 1);
    assert!(is_dropped(&mut h_old));
    drop(cache.call_ready(&1, 9));
    assert_eq!(h_new.try_next_request().map(|(r, _)| r), Some(9));
}

#[test]
fn ready_cache_failed_service_is_reported_and_dropped() {
    let (a, mut ha) = mock::pair::<u8, u8>();
    let (b, _hb) = mock::pair::<u8, u8>();
    ha.send_error("broken");
    let mut cache = ReadyCache::new();
    cache.push('a', a);
    let Poll::Ready(Err(failed)) = cache.poll_pending(&mut noop()) else {
        panic!("expected a failure");
    };
    assert_eq!(*failed.key(), 'a');
    assert_eq!(failed.error().to_string(), "broken");
    assert!(is_dropped(&mut ha));
    cache.push('b', b);
    assert!(matches!(
        cache.poll_pending(&mut noop()),
        Poll::Ready(Ok(()))
    ));
    assert_eq!(cache.ready_len(), 1);
}

#[test]
fn ready_cache_check_ready_index_moves_a_no_longer_ready_service_back() {
    let flags: Vec<_> = (0..3).map(|_| Arc::new(AtomicBool::new(true))).collect();
    let mut cache = ReadyCache::new();
    for (key, flag) in flags.iter().enumerate() {
        cache.push(key, Toggle(Arc::clone(flag)));
    }
    assert!(cache.poll_pending(&mut noop()).is_ready());
    let key_at = |cache: &ReadyCache<usize, Toggle, u8>, i| *cache.get_ready_index(i).unwrap().0;
    let first = key_at(&cache, 0);
    let last = key_at(&cache, 2);
    assert!(cache.check_ready_index(&mut noop(), 0).unwrap());

    flags[first].store(false, Ordering::SeqCst);
    assert!(!cache.check_ready_index(&mut noop(), 0).unwrap());
    assert_eq!((cache.ready_len(), cache.pending_len()), (2, 1));
    assert_eq!(
        key_at(&cache, 0),
        last,
        "the last ready service took the index"
    );
    assert!(cache.check_ready(&mut noop(), &last).unwrap());
    assert!(
        !cache.check_ready(&mut noop(), &first).unwrap(),
        "pending: not ready"
    );

    flags[first].store(true, Ordering::SeqCst);
    assert!(cache.poll_pending(&mut noop()).is_ready());
    assert_eq!(cache.ready_len(), 3);
}

#[tokio::test]
async fn ready_cache_call_sends_the_service_back_to_pending() {
    let (a, mut ha) = mock::pair::<u8, u8>();
    let (b, _hb) = mock::pair::<u8, u8>();
    let mut cache: ReadyCache<char, Mock<u8, u8>, u8> = ReadyCache::new();
    cache.push('a', a);
    cache.push('b', b);
    assert!(cache.poll_pending(&mut noop()).is_ready());
    let response = cache.call_ready(&'a', 3);
    assert_eq!((cache.ready_len(), cache.pending_len()), (1, 1));
    assert!(cache.get_ready(&'a').is_none());
    let (request, send) = ha.next_request().await.unwrap();
    assert_eq!(request, 3);
    send.send_response(4);
    assert_eq!(response.await.unwrap(), 4);
    // ready again (the mock's readiness is unlimited)
    assert!(cache.poll_pending(&mut noop()).is_ready());
    assert!(cache.get_ready(&'a').is_some());
}

#[test]
#[should_panic(expected = "out of bounds")]
fn ready_cache_call_ready_index_out_of_bounds_panics() {
    let mut cache: ReadyCache<u8, Mock<u8, u8>, u8> = ReadyCache::new();
    drop(cache.call_ready_index(0, 1));
}

//! `LoadShed`: `Overloaded` exactly when the inner service is not ready.

use std::task::{Context, Poll, Waker};

use futures_util::FutureExt;
use spire_middleware::error::Overloaded;
use spire_middleware::load_shed::{LoadShed, LoadShedLayer};
use spire_service::{Layer, Service};
use spire_test::mock::{self, Mock};

fn poll_ready<S: Service<R>, R>(svc: &mut S) -> Poll<Result<(), S::Error>> {
    svc.poll_ready(&mut Context::from_waker(Waker::noop()))
}

#[test]
fn load_shed_is_clone_send_sync() {
    fn assert_traits<T: Send + Sync + Clone + 'static>() {}
    assert_traits::<LoadShed<Mock<u8, u8>>>();
}

#[tokio::test]
async fn load_shed_passes_calls_when_inner_is_ready() {
    let (mock, mut handle) = mock::pair::<u8, u8>();
    let mut svc = LoadShedLayer::new().layer(mock);
    assert!(poll_ready(&mut svc).is_ready());
    let response = svc.call(1);
    let (req, send) = handle.next_request().await.unwrap();
    assert_eq!(req, 1);
    send.send_response(2);
    assert_eq!(response.await.unwrap(), 2);
}

#[tokio::test]
async fn load_shed_returns_overloaded_only_when_inner_is_not_ready() {
    let (mock, mut handle) = mock::pair::<u8, u8>();
    let mut svc = LoadShed::new(mock);

    handle.allow(0);
    assert!(poll_ready(&mut svc).is_ready(), "load shed never waits");
    let err = svc
        .call(1)
        .now_or_never()
        .expect("rejected at once")
        .unwrap_err();
    assert!(err.is::<Overloaded>(), "{err}");
    assert!(
        handle.try_next_request().is_none(),
        "the shed call never reached inner"
    );

    handle.allow(1);
    assert!(poll_ready(&mut svc).is_ready());
    let response = svc.call(2);
    let (req, send) = handle.next_request().await.unwrap();
    assert_eq!(req, 2);
    send.send_response(20);
    assert_eq!(response.await.unwrap(), 20);

    // the budget of one is spent: shed again
    assert!(poll_ready(&mut svc).is_ready());
    assert!(
        svc.call(3)
            .now_or_never()
            .expect("rejected at once")
            .unwrap_err()
            .is::<Overloaded>()
    );
}

#[tokio::test]
async fn load_shed_call_without_poll_ready_is_shed_not_forwarded() {
    let (mock, mut handle) = mock::pair::<u8, u8>();
    let mut svc = LoadShed::new(mock);
    assert!(poll_ready(&mut svc).is_ready());
    let first = svc.call(1);
    // a second call on the same readiness must not reach the mock (it would panic)
    assert!(
        svc.call(2)
            .now_or_never()
            .expect("rejected at once")
            .unwrap_err()
            .is::<Overloaded>()
    );
    handle.next_request().await.unwrap().1.send_response(1);
    assert_eq!(first.await.unwrap(), 1);
}

#[tokio::test]
async fn load_shed_passes_inner_errors() {
    let (mock, mut handle) = mock::pair::<u8, u8>();
    let mut svc = LoadShed::new(mock);
    assert!(poll_ready(&mut svc).is_ready());
    let response = svc.call(1);
    handle.next_request().await.unwrap().1.send_error("inner");
    let err = response.await.unwrap_err();
    assert!(!err.is::<Overloaded>());
    assert_eq!(err.to_string(), "inner");

    handle.send_error("dead");
    match poll_ready(&mut svc) {
        Poll::Ready(Err(e)) => assert_eq!(e.to_string(), "dead"),
        other => panic!("expected the inner poll_ready error, got {other:?}"),
    }
}

#[tokio::test]
async fn load_shed_clone_starts_without_readiness() {
    let (mock, mut handle) = mock::pair::<u8, u8>();
    let mut svc = LoadShed::new(mock);
    assert!(poll_ready(&mut svc).is_ready());
    let mut clone = svc.clone();
    assert!(
        clone
            .call(1)
            .now_or_never()
            .expect("rejected at once")
            .unwrap_err()
            .is::<Overloaded>()
    );
    assert!(handle.try_next_request().is_none());
}

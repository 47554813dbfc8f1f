//! `Filter` and `AsyncFilter`: rejected requests never reach the inner service.

use std::task::{Context, Poll, Waker};

use futures_util::FutureExt;
use spire_middleware::filter::{AsyncFilter, AsyncFilterLayer, Filter, FilterLayer, Predicate};
use spire_service::{BoxError, Layer, Service, ServiceExt};
use spire_test::mock;
use tokio::sync::oneshot;

fn poll_ready<S: Service<R>, R>(svc: &mut S) -> Poll<Result<(), S::Error>> {
    svc.poll_ready(&mut Context::from_waker(Waker::noop()))
}

fn even(x: u32) -> Result<u32, BoxError> {
    if x.is_multiple_of(2) {
        Ok(x)
    } else {
        Err(format!("{x} is odd").into())
    }
}

#[tokio::test]
async fn filter_rejects_without_reaching_inner_and_keeps_its_reservation() {
    let (mock, mut handle) = mock::pair::<u32, u32>();
    handle.allow(1);
    let mut svc = Filter::new(mock, even);
    let err = svc
        .ready()
        .await
        .unwrap()
        .call(3)
        .now_or_never()
        .expect("rejected at once")
        .unwrap_err();
    assert_eq!(err.to_string(), "3 is odd");
    assert!(handle.try_next_request().is_none());

    // the reservation the rejected call did not use is still there (budget was one)
    assert!(poll_ready(&mut svc).is_ready());
    let response = svc.call(4);
    let (req, send) = handle.next_request().await.unwrap();
    assert_eq!(req, 4);
    send.send_response(40);
    assert_eq!(response.await.unwrap(), 40);
}

#[tokio::test]
async fn filter_predicate_can_change_the_request_type() {
    let (mock, mut handle) = mock::pair::<u16, u16>();
    let mut svc = FilterLayer::new(|s: &'static str| s.parse::<u16>()).layer(mock);
    let response = svc.ready().await.unwrap().call("512");
    let (req, send) = handle.next_request().await.unwrap();
    assert_eq!(req, 512);
    send.send_response(req + 1);
    assert_eq!(response.await.unwrap(), 513);
    assert!(svc.ready().await.unwrap().call("nope").await.is_err());
}

#[tokio::test]
async fn filter_passes_inner_errors_and_readiness() {
    let (mock, mut handle) = mock::pair::<u32, u32>();
    let mut svc = Filter::new(mock, even);
    let response = svc.ready().await.unwrap().call(2);
    handle.next_request().await.unwrap().1.send_error("inner");
    assert_eq!(response.await.unwrap_err().to_string(), "inner");

    handle.allow(0);
    assert!(poll_ready(&mut svc).is_pending());
    handle.send_error("down");
    assert!(matches!(poll_ready(&mut svc), Poll::Ready(Err(e)) if e.to_string() == "down"));
}

#[test]
fn predicate_struct_can_keep_state() {
    struct AtMost(u32);
    impl Predicate<()> for AtMost {
        type Request = ();
        fn check(&mut self, (): ()) -> Result<(), BoxError> {
            if self.0 == 0 {
                return Err("quota used".into());
            }
            self.0 -= 1;
            Ok(())
        }
    }
    let mut p = AtMost(2);
    assert!(p.check(()).is_ok());
    assert!(p.check(()).is_ok());
    assert_eq!(p.check(()).unwrap_err().to_string(), "quota used");
}

#[tokio::test]
async fn async_filter_calls_inner_only_after_the_check_passes() {
    let (mock, mut handle) = mock::pair::<u32, u32>();
    let (allow_tx, allow_rx) = oneshot::channel::<bool>();
    let mut allow_rx = Some(allow_rx);
    let mut svc = AsyncFilter::new(mock, move |x: u32| {
        let rx = allow_rx.take().expect("one request in this test");
        async move {
            match rx.await {
                Ok(true) => Ok(x),
                _ => Err("denied"),
            }
        }
    });
    let response = tokio::spawn(svc.ready().await.unwrap().call(8));
    tokio::task::yield_now().await;
    assert!(handle.try_next_request().is_none(), "still checking");
    allow_tx.send(true).unwrap();
    let (req, send) = handle.next_request().await.unwrap();
    assert_eq!(req, 8);
    send.send_response(80);
    assert_eq!(response.await.unwrap().unwrap(), 80);
}

#[tokio::test]
async fn async_filter_rejects_and_releases_the_reservation() {
    let (mock, mut handle) = mock::pair::<u32, u32>();
    handle.allow(1);
    let mut svc = AsyncFilterLayer::new(|x: u32| async move { even(x) }).layer(mock);
    let err = svc
        .ready()
        .await
        .unwrap()
        .call(5)
        .now_or_never()
        .expect("rejected at once")
        .unwrap_err();
    assert_eq!(err.to_string(), "5 is odd");
    assert!(handle.try_next_request().is_none());
    // the ready clone went into the future and was dropped with it: budget is spent
    assert!(poll_ready(&mut svc).is_pending());
    handle.allow(1);
    // the check runs in the response future: drive it from a task
    let response = tokio::spawn(svc.ready().await.unwrap().call(6));
    let (req, send) = handle.next_request().await.unwrap();
    assert_eq!(req, 6);
    send.send_response(60);
    assert_eq!(response.await.unwrap().unwrap(), 60);
}

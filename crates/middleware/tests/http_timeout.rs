//! `http::timeout`: 408 at the deadline and not before, with the paused clock.
#![cfg(feature = "http")]

use std::time::Duration;

use bytes::Bytes;
use futures_util::FutureExt;
use http::{Request, Response, StatusCode};
use spire_body::{BodyExt, Full};
use spire_middleware::http::timeout::TimeoutLayer;
use spire_service::{Layer, Service, ServiceExt};

type Mock = spire_test::mock::Mock<Request<()>, Response<Full<Bytes>>>;
type Handle = spire_test::mock::Handle<Request<()>, Response<Full<Bytes>>>;

fn pair() -> (Mock, Handle) {
    spire_test::mock::pair()
}

#[tokio::test(start_paused = true)]
async fn timeout_answers_408_at_the_deadline_and_not_before() {
    let (mock, mut handle) = pair();
    let mut svc = TimeoutLayer::new(Duration::from_secs(10)).layer(mock);
    let mut response = Box::pin(svc.ready().await.unwrap().call(Request::new(())));
    let (_request, send) = handle.next_request().await.unwrap();

    tokio::time::advance(Duration::from_millis(9_999)).await;
    assert!(
        response.as_mut().now_or_never().is_none(),
        "answered before the deadline"
    );
    assert!(!send.is_canceled());

    tokio::time::advance(Duration::from_millis(1)).await;
    let answer = response
        .as_mut()
        .now_or_never()
        .expect("answered at the deadline")
        .unwrap();
    drop(response);
    let response = answer;
    assert_eq!(response.status(), StatusCode::REQUEST_TIMEOUT);
    assert!(
        response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .is_empty()
    );
    assert!(send.is_canceled(), "the inner future was not dropped");
}

#[tokio::test(start_paused = true)]
async fn timeout_response_in_time_passes_through() {
    let (mock, mut handle) = pair();
    let mut svc = TimeoutLayer::new(Duration::from_secs(10)).layer(mock);
    let response = svc.ready().await.unwrap().call(Request::new(()));
    let (_request, send) = handle.next_request().await.unwrap();
    tokio::time::advance(Duration::from_secs(9)).await;
    let mut ok = Response::new(Full::new(Bytes::from_static(b"done")));
    *ok.status_mut() = StatusCode::CREATED;
    send.send_response(ok);
    let response = response.await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(
        response.into_body().collect().await.unwrap().to_bytes(),
        "done"
    );
}

#[tokio::test(start_paused = true)]
async fn timeout_inner_error_passes_through_unboxed() {
    let (mock, mut handle) = pair();
    let mut svc = TimeoutLayer::new(Duration::from_secs(1)).layer(mock);
    let response = svc.ready().await.unwrap().call(Request::new(()));
    let (_request, send) = handle.next_request().await.unwrap();
    send.send_error("inner failure");
    assert_eq!(response.await.unwrap_err().to_string(), "inner failure");
}

#[tokio::test(start_paused = true)]
async fn timeout_clock_starts_at_call_not_at_readiness() {
    let (mock, mut handle) = pair();
    handle.allow(0);
    let mut svc = TimeoutLayer::new(Duration::from_secs(1)).layer(mock);
    let mut ready = svc.ready();
    assert!((&mut ready).now_or_never().is_none());
    tokio::time::advance(Duration::from_secs(5)).await;
    handle.allow(1);
    let svc = ready.await.unwrap();
    let mut response = std::pin::pin!(svc.call(Request::new(())));
    let (_request, send) = handle.next_request().await.unwrap();
    tokio::time::advance(Duration::from_millis(500)).await;
    assert!(response.as_mut().now_or_never().is_none());
    send.send_response(Response::new(Full::default()));
    assert_eq!(response.await.unwrap().status(), StatusCode::OK);
}

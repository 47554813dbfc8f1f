//! `http::metrics`: in-flight counting from `call` to the end of the response body.
#![cfg(feature = "http")]

use std::convert::Infallible;

use bytes::Bytes;
use http::{Request, Response};
use spire_body::{BodyExt, Channel, Full, channel};
use spire_middleware::http::metrics::InFlightRequestsLayer;
use spire_service::{Layer, Service, ServiceExt};

type Mock = spire_test::mock::Mock<Request<()>, Response<Channel<Bytes, Infallible>>>;

#[tokio::test]
async fn in_flight_counts_until_the_streamed_body_ends() {
    let (mock, mut handle): (Mock, _) = spire_test::mock::pair();
    let (layer, counter) = InFlightRequestsLayer::pair();
    let mut svc = layer.layer(mock);

    let first = svc.ready().await.unwrap().call(Request::new(()));
    let second = svc.ready().await.unwrap().call(Request::new(()));
    assert_eq!(counter.get(), 2);

    let (_, send_first) = handle.next_request().await.unwrap();
    let (_, send_second) = handle.next_request().await.unwrap();
    let (mut tx, body) = channel::<Bytes, Infallible>(2);
    send_first.send_response(Response::new(body));
    send_second.send_error("failed");

    let response = first.await.unwrap();
    assert!(second.await.is_err());
    assert_eq!(
        counter.get(),
        1,
        "the failed call still counts, or the streamed one does not"
    );

    tx.send_data(Bytes::from_static(b"part")).await.unwrap();
    drop(tx);
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(bytes, "part");
    assert_eq!(counter.get(), 0);
}

#[tokio::test]
async fn in_flight_dropping_the_response_future_gives_the_count_back() {
    let (mock, mut handle): (Mock, _) = spire_test::mock::pair();
    let (layer, counter) = InFlightRequestsLayer::pair();
    let mut svc = layer.layer(mock);
    let response = svc.ready().await.unwrap().call(Request::new(()));
    let (_, send) = handle.next_request().await.unwrap();
    assert_eq!(counter.get(), 1);
    drop(response);
    assert_eq!(counter.get(), 0);
    assert!(send.is_canceled());
}

#[tokio::test]
async fn in_flight_counter_is_shared_by_every_service_of_the_layer() {
    let (layer, counter) = InFlightRequestsLayer::pair();
    let make = || {
        layer.layer(spire_service::service_fn(|_: Request<()>| async {
            Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(b"x"))))
        }))
    };
    let a = make().oneshot(Request::new(())).await.unwrap();
    let b = make().oneshot(Request::new(())).await.unwrap();
    assert_eq!(counter.get(), 2);
    drop(a);
    assert_eq!(counter.get(), 1);
    drop(b);
    assert_eq!(counter.get(), 0);
}

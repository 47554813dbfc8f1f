//! `http::metrics`: in-flight counting from `call` to the end of the response body, and the
//! request metrics (counts and latency buckets by status class) with the paused clock.
#![cfg(feature = "http")]

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use spire_body::{BodyExt, Channel, Full, channel};
use spire_middleware::http::metrics::{
    BUCKETS, InFlightRequestsLayer, LatencyHistogram, RequestMetricsLayer, StatusClass,
};
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

type FullMock = spire_test::mock::Mock<Request<()>, Response<Full<Bytes>>>;

fn with_status(status: StatusCode) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(b"x")));
    *response.status_mut() = status;
    response
}

#[tokio::test(start_paused = true)]
async fn request_metrics_latency_lands_in_its_bucket() {
    let (mock, mut handle): (FullMock, _) = spire_test::mock::pair();
    let (layer, metrics) = RequestMetricsLayer::pair();
    let mut svc = layer.layer(mock);
    let latencies = [
        Duration::from_micros(50),
        Duration::from_micros(100),
        Duration::from_micros(101),
        Duration::from_millis(3),
        Duration::from_millis(3),
        Duration::from_secs(60),
        Duration::from_secs(61),
    ];
    for latency in latencies {
        let response = svc.ready().await.unwrap().call(Request::new(()));
        let (_, send) = handle.next_request().await.unwrap();
        tokio::time::advance(latency).await;
        send.send_response(with_status(StatusCode::OK));
        drop(response.await.unwrap());
    }

    let snapshot = metrics.snapshot();
    let ok = snapshot.class(StatusClass::Success);
    let mut expected = [0; BUCKETS];
    expected[0] = 2; // 50 µs and 100 µs: bounds are inclusive
    expected[1] = 1; // 101 µs: up to 250 µs
    expected[5] = 2; // 3 ms: up to 5 ms
    expected[17] = 1; // 60 s: the last bound
    expected[18] = 1; // 61 s: overflow
    assert_eq!(ok.buckets, expected);
    assert_eq!(ok.count(), 7);
    assert_eq!(ok.sum, latencies.iter().sum::<Duration>());
    assert_eq!(ok.cumulative()[BUCKETS - 1], 7);
    assert_eq!(snapshot.total(), 7);
    assert_eq!(snapshot.in_flight, 0);
}

#[tokio::test(start_paused = true)]
async fn request_metrics_counts_each_status_class() {
    let (mock, mut handle): (FullMock, _) = spire_test::mock::pair();
    let (layer, metrics) = RequestMetricsLayer::pair();
    let mut svc = layer.layer(mock);
    let statuses = [
        StatusCode::SWITCHING_PROTOCOLS,
        StatusCode::OK,
        StatusCode::NO_CONTENT,
        StatusCode::MOVED_PERMANENTLY,
        StatusCode::NOT_FOUND,
        StatusCode::TOO_MANY_REQUESTS,
        StatusCode::SERVICE_UNAVAILABLE,
    ];
    for status in statuses {
        let response = svc.ready().await.unwrap().call(Request::new(()));
        let (_, send) = handle.next_request().await.unwrap();
        send.send_response(with_status(status));
        assert_eq!(response.await.unwrap().status(), status);
    }

    let snapshot = metrics.snapshot();
    let counts = StatusClass::ALL.map(|class| snapshot.count(class));
    assert_eq!(counts, [1, 2, 1, 2, 1, 0]);
    assert_eq!(snapshot.total(), 7);
    assert_eq!(
        snapshot.class(StatusClass::Success).buckets[0],
        2,
        "answered at once: the first bucket"
    );
}

#[tokio::test(start_paused = true)]
async fn request_metrics_counts_errors_as_failed_with_their_latency() {
    let (mock, mut handle): (FullMock, _) = spire_test::mock::pair();
    let (layer, metrics) = RequestMetricsLayer::pair();
    let mut svc = layer.layer(mock);
    let response = svc.ready().await.unwrap().call(Request::new(()));
    let (_, send) = handle.next_request().await.unwrap();
    tokio::time::advance(Duration::from_secs(2)).await;
    assert_eq!(metrics.snapshot().total(), 0, "counted before it ended");
    assert_eq!(metrics.in_flight(), 1);
    send.send_error("refused");
    assert_eq!(response.await.unwrap_err().to_string(), "refused");

    let snapshot = metrics.snapshot();
    assert_eq!(snapshot.in_flight, 0);
    assert_eq!(snapshot.count(StatusClass::Failed), 1);
    assert_eq!(snapshot.total(), 1);
    let failed = snapshot.class(StatusClass::Failed);
    let bucket = LatencyHistogram::bucket_of(Duration::from_secs(2));
    assert_eq!(bucket, 13, "over 1 s, up to 2.5 s");
    assert_eq!(failed.buckets[bucket], 1);
    assert_eq!(failed.sum, Duration::from_secs(2));
}

#[tokio::test(start_paused = true)]
async fn request_metrics_latency_stops_at_the_head_and_in_flight_at_the_body() {
    let (mock, mut handle): (Mock, _) = spire_test::mock::pair();
    let (layer, metrics) = RequestMetricsLayer::pair();
    let mut svc = layer.layer(mock);
    let response = svc.ready().await.unwrap().call(Request::new(()));
    let (_, send) = handle.next_request().await.unwrap();
    tokio::time::advance(Duration::from_millis(7)).await;
    let (mut tx, body) = channel::<Bytes, Infallible>(2);
    send.send_response(Response::new(body));
    let response = response.await.unwrap();

    tokio::time::advance(Duration::from_secs(5)).await;
    tx.send_data(Bytes::from_static(b"late")).await.unwrap();
    drop(tx);
    assert_eq!(metrics.in_flight(), 1, "the body is still streaming");
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(bytes, "late");

    let snapshot = metrics.snapshot();
    assert_eq!(snapshot.in_flight, 0);
    let ok = snapshot.class(StatusClass::Success);
    assert_eq!(ok.sum, Duration::from_millis(7));
    assert_eq!(
        ok.buckets[LatencyHistogram::bucket_of(Duration::from_millis(7))],
        1
    );
}

#[tokio::test(start_paused = true)]
async fn request_metrics_cancelled_call_is_counted_in_no_class() {
    let (mock, mut handle): (FullMock, _) = spire_test::mock::pair();
    let (layer, metrics) = RequestMetricsLayer::pair();
    let mut svc = layer.layer(mock);
    let response = svc.ready().await.unwrap().call(Request::new(()));
    let (_, send) = handle.next_request().await.unwrap();
    drop(response);
    assert!(send.is_canceled());
    let snapshot = metrics.snapshot();
    assert_eq!(snapshot.total(), 0);
    assert_eq!(snapshot.in_flight, 0);
}

#[tokio::test(start_paused = true)]
async fn request_metrics_are_shared_by_every_service_of_the_layer() {
    let (layer, metrics) = RequestMetricsLayer::pair();
    let make = |status| {
        layer.layer(spire_service::service_fn(
            move |_: Request<()>| async move { Ok::<_, Infallible>(with_status(status)) },
        ))
    };
    make(StatusCode::OK)
        .oneshot(Request::new(()))
        .await
        .unwrap();
    make(StatusCode::BAD_GATEWAY)
        .oneshot(Request::new(()))
        .await
        .unwrap();
    let snapshot = metrics.clone().snapshot();
    assert_eq!(snapshot.count(StatusClass::Success), 1);
    assert_eq!(snapshot.count(StatusClass::ServerError), 1);
}

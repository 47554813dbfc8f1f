//! `http::limit`: 413 up front for declared sizes, a mid-stream error for streamed bodies.
#![cfg(feature = "http")]

use std::convert::Infallible;

use bytes::Bytes;
use http::{Request, Response, StatusCode, header};
use spire_body::{Body, BodyExt, Channel, Full, LengthLimitError, Limited, channel};
use spire_middleware::http::limit::RequestBodyLimitLayer;
use spire_service::{Layer, Service, ServiceExt, service_fn};

type Streamed = Channel<Bytes, Infallible>;

#[tokio::test]
async fn limit_content_length_over_limit_is_413_without_calling_inner() {
    let (mock, mut handle) =
        spire_test::mock::pair::<Request<Limited<Streamed>>, Response<Full<Bytes>>>();
    let mut svc = RequestBodyLimitLayer::new(8).layer(mock);
    let (_tx, body) = channel::<Bytes, Infallible>(1);
    let request = Request::builder()
        .header(header::CONTENT_LENGTH, "9")
        .body(body)
        .unwrap();

    let response = svc.ready().await.unwrap().call(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        handle.try_next_request().is_none(),
        "inner service was called"
    );
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "text/plain; charset=utf-8"
    );
    let body = response.into_body();
    assert_eq!(body.size_hint().exact(), Some(21));
    assert_eq!(
        body.collect().await.unwrap().to_bytes(),
        "length limit exceeded"
    );
}

#[tokio::test]
async fn limit_content_length_at_limit_reaches_inner() {
    let (mock, mut handle) =
        spire_test::mock::pair::<Request<Limited<Full<Bytes>>>, Response<Full<Bytes>>>();
    let mut svc = RequestBodyLimitLayer::new(8).layer(mock);
    let request = Request::builder()
        .header(header::CONTENT_LENGTH, "8")
        .body(Full::new(Bytes::from_static(b"12345678")))
        .unwrap();
    let response = svc.ready().await.unwrap().call(request);
    let (request, send) = handle.next_request().await.unwrap();
    assert_eq!(
        request.into_body().collect().await.unwrap().to_bytes(),
        "12345678"
    );
    send.send_response(Response::new(Full::new(Bytes::from_static(b"ok"))));
    let response = response.await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.into_body().collect().await.unwrap().to_bytes(),
        "ok"
    );
}

#[tokio::test]
async fn limit_known_body_size_over_limit_is_413_without_content_length() {
    let inner = service_fn(|_: Request<Limited<Full<Bytes>>>| async {
        panic!("inner service must not be called");
        #[expect(unreachable_code, reason = "gives the async block its output type")]
        Ok::<Response<Full<Bytes>>, Infallible>(Response::new(Full::default()))
    });
    let svc = RequestBodyLimitLayer::new(3).layer(inner);
    let response = svc
        .oneshot(Request::new(Full::new(Bytes::from_static(b"abcd"))))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

/// The handler collects the body and reports what happened.
fn collecting()
-> impl Service<Request<Limited<Streamed>>, Response = Response<Full<Bytes>>, Error = Infallible> {
    service_fn(|request: Request<Limited<Streamed>>| async move {
        let text = match request.into_body().collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(err) => {
                let limit = err
                    .downcast_ref::<LengthLimitError>()
                    .expect("a length limit error")
                    .limit();
                Bytes::from(format!("limit {limit}"))
            }
        };
        Ok::<_, Infallible>(Response::new(Full::new(text)))
    })
}

#[tokio::test]
async fn limit_streamed_body_crossing_limit_errors_mid_stream() {
    let svc = RequestBodyLimitLayer::new(5).layer(collecting());
    let (mut tx, body) = channel::<Bytes, Infallible>(4);
    tx.send_data(Bytes::from_static(b"abc")).await.unwrap();
    tx.send_data(Bytes::from_static(b"def")).await.unwrap();
    drop(tx);
    let response = svc.oneshot(Request::new(body)).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.into_body().collect().await.unwrap().to_bytes(),
        "limit 5"
    );
}

#[tokio::test]
async fn limit_streamed_body_within_limit_passes_whole() {
    let svc = RequestBodyLimitLayer::new(6).layer(collecting());
    let (mut tx, body) = channel::<Bytes, Infallible>(4);
    tx.send_data(Bytes::from_static(b"abc")).await.unwrap();
    tx.send_data(Bytes::from_static(b"def")).await.unwrap();
    drop(tx);
    let response = svc.oneshot(Request::new(body)).await.unwrap();
    assert_eq!(
        response.into_body().collect().await.unwrap().to_bytes(),
        "abcdef"
    );
}

#[tokio::test]
async fn limit_content_length_under_limit_but_lying_body_still_errors() {
    let svc = RequestBodyLimitLayer::new(5).layer(collecting());
    let (mut tx, body) = channel::<Bytes, Infallible>(4);
    tx.send_data(Bytes::from_static(b"0123456789"))
        .await
        .unwrap();
    drop(tx);
    let request = Request::builder()
        .header(header::CONTENT_LENGTH, "2")
        .body(body)
        .unwrap();
    let response = svc.oneshot(request).await.unwrap();
    assert_eq!(
        response.into_body().collect().await.unwrap().to_bytes(),
        "limit 5"
    );
}

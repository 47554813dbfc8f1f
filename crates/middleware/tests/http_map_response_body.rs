//! `http::map_response_body`: the function runs on each response body; head and errors pass.
#![cfg(feature = "http")]

use std::convert::Infallible;

use bytes::Bytes;
use http::{Request, Response, StatusCode, header};
use spire_body::{BodyExt, Full, UnsyncBoxBody};
use spire_middleware::http::map_response_body::MapResponseBodyLayer;
use spire_service::{Layer, ServiceExt, service_fn};

#[tokio::test]
async fn map_response_body_boxes_the_body_and_keeps_the_head() {
    let inner = service_fn(|_: Request<()>| async {
        Ok::<_, Infallible>(
            Response::builder()
                .status(StatusCode::CREATED)
                .header(header::ETAG, "\"1\"")
                .body(Full::new(Bytes::from_static(b"made")))
                .unwrap(),
        )
    });
    let svc = MapResponseBodyLayer::new(|body: Full<Bytes>| {
        body.map_frame(|f| f.map_data(|d| Bytes::from(d.to_ascii_uppercase())))
            .boxed_unsync()
    })
    .layer(inner);
    let response: Response<UnsyncBoxBody<Bytes, Infallible>> =
        svc.oneshot(Request::new(())).await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()[header::ETAG], "\"1\"");
    assert_eq!(
        response.into_body().collect().await.unwrap().to_bytes(),
        "MADE"
    );
}

#[tokio::test]
async fn map_response_body_passes_inner_error_through() {
    let failing = service_fn(|_: Request<()>| async {
        Err::<Response<String>, _>(std::io::Error::other("nope"))
    });
    let svc = MapResponseBodyLayer::new(String::into_bytes).layer(failing);
    assert_eq!(
        svc.oneshot(Request::new(())).await.unwrap_err().to_string(),
        "nope"
    );
}

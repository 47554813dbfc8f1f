//! `http::request_id`: ids are made when missing, kept when given, unique, and propagated.
#![cfg(feature = "http")]

use std::collections::HashSet;
use std::convert::Infallible;

use http::{HeaderName, HeaderValue, Request, Response};
use spire_middleware::http::request_id::{
    MakeRequestHex, MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use spire_service::{Layer, Service, ServiceExt, service_fn};

/// The id the handler sees: (header, extension).
fn seen_ids()
-> impl Service<Request<()>, Response = (Option<HeaderValue>, Option<RequestId>), Error = Infallible>
+ Clone {
    service_fn(|request: Request<()>| async move {
        Ok::<_, Infallible>((
            request.headers().get("x-request-id").cloned(),
            request.extensions().get::<RequestId>().cloned(),
        ))
    })
}

#[tokio::test]
async fn set_request_id_makes_header_and_extension_when_missing() {
    let svc = SetRequestIdLayer::x_request_id(MakeRequestHex::new()).layer(seen_ids());
    let (header, extension) = svc.oneshot(Request::new(())).await.unwrap();
    let header = header.expect("header set");
    assert_eq!(header.len(), 32);
    assert!(
        header
            .to_str()
            .unwrap()
            .bytes()
            .all(|b| b.is_ascii_hexdigit())
    );
    assert_eq!(extension.unwrap().header_value(), &header);
}

#[tokio::test]
async fn set_request_id_keeps_an_incoming_id() {
    let svc = SetRequestIdLayer::x_request_id(MakeRequestHex::new()).layer(seen_ids());
    let request = Request::builder()
        .header("x-request-id", "client-id")
        .body(())
        .unwrap();
    let (header, extension) = svc.oneshot(request).await.unwrap();
    assert_eq!(header.unwrap(), "client-id");
    assert_eq!(extension.unwrap().header_value(), "client-id");
}

#[tokio::test]
async fn set_request_id_ids_are_unique_across_calls_and_clones() {
    let mut svc = SetRequestIdLayer::x_request_id(MakeRequestHex::new()).layer(seen_ids());
    let mut other = svc.clone();
    let mut ids = HashSet::new();
    for _ in 0..500 {
        let (a, _) = svc
            .ready()
            .await
            .unwrap()
            .call(Request::new(()))
            .await
            .unwrap();
        let (b, _) = other
            .ready()
            .await
            .unwrap()
            .call(Request::new(()))
            .await
            .unwrap();
        assert!(ids.insert(a.unwrap()));
        assert!(ids.insert(b.unwrap()));
    }
    assert_eq!(ids.len(), 1000);
}

#[derive(Clone)]
struct Never;

impl MakeRequestId for Never {
    fn make_request_id<B>(&mut self, _request: &Request<B>) -> Option<RequestId> {
        None
    }
}

#[tokio::test]
async fn set_request_id_maker_returning_none_sets_nothing() {
    let svc = SetRequestIdLayer::x_request_id(Never).layer(seen_ids());
    assert_eq!(svc.oneshot(Request::new(())).await.unwrap(), (None, None));
}

#[tokio::test]
async fn set_request_id_custom_header_name() {
    let name = HeaderName::from_static("x-correlation-id");
    let inner = service_fn(|request: Request<()>| async move {
        Ok::<_, Infallible>(
            request.headers().get("x-correlation-id").is_some()
                && !request.headers().contains_key("x-request-id"),
        )
    });
    let svc = SetRequestIdLayer::new(name, MakeRequestHex::new()).layer(inner);
    assert!(svc.oneshot(Request::new(())).await.unwrap());
}

fn ok_response() -> impl Service<Request<()>, Response = Response<()>, Error = Infallible> + Clone {
    service_fn(|_: Request<()>| async { Ok::<_, Infallible>(Response::new(())) })
}

#[tokio::test]
async fn propagate_request_id_copies_made_id_to_response() {
    let svc = SetRequestIdLayer::x_request_id(MakeRequestHex::new())
        .layer(PropagateRequestIdLayer::x_request_id().layer(ok_response()));
    let response = svc.oneshot(Request::new(())).await.unwrap();
    let header = response.headers()["x-request-id"].clone();
    assert_eq!(header.len(), 32);
    assert_eq!(
        response
            .extensions()
            .get::<RequestId>()
            .unwrap()
            .header_value(),
        &header
    );
}

#[tokio::test]
async fn propagate_request_id_keeps_response_own_id() {
    let inner = service_fn(|_: Request<()>| async {
        Ok::<_, Infallible>(
            Response::builder()
                .header("x-request-id", "server")
                .body(())
                .unwrap(),
        )
    });
    let svc = PropagateRequestIdLayer::x_request_id().layer(inner);
    let request = Request::builder()
        .header("x-request-id", "client")
        .body(())
        .unwrap();
    let response = svc.oneshot(request).await.unwrap();
    let all: Vec<_> = response.headers().get_all("x-request-id").iter().collect();
    assert_eq!(all, ["server"]);
    assert_eq!(
        response
            .extensions()
            .get::<RequestId>()
            .unwrap()
            .header_value(),
        "server"
    );
}

#[tokio::test]
async fn propagate_request_id_uses_extension_without_header() {
    let svc = PropagateRequestIdLayer::x_request_id().layer(ok_response());
    let mut request = Request::new(());
    request
        .extensions_mut()
        .insert(RequestId::new(HeaderValue::from_static("ext")));
    let response = svc.oneshot(request).await.unwrap();
    assert_eq!(response.headers()["x-request-id"], "ext");
}

#[tokio::test]
async fn propagate_request_id_without_id_adds_nothing() {
    let svc = PropagateRequestIdLayer::x_request_id().layer(ok_response());
    let response = svc.oneshot(Request::new(())).await.unwrap();
    assert!(response.headers().is_empty());
    assert!(response.extensions().get::<RequestId>().is_none());
}

//! `http::catch_panic`: panics in `call` and in the future become 500s; the service lives on.
#![cfg(feature = "http")]

use std::any::Any;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{Request, Response, StatusCode, header};
use spire_body::{BodyExt, Full};
use spire_middleware::http::catch_panic::{CatchPanic, CatchPanicLayer};
use spire_service::{Layer, Service, ServiceExt, service_fn};

fn ok(text: &'static str) -> Response<Full<Bytes>> {
    Response::new(Full::new(Bytes::from_static(text.as_bytes())))
}

/// Panics in the response future when the path is `/boom`.
fn panicking_future()
-> impl Service<Request<()>, Response = Response<Full<Bytes>>, Error = Infallible> + Clone {
    service_fn(|request: Request<()>| async move {
        assert!(request.uri().path() != "/boom", "panic in the future");
        Ok::<_, Infallible>(ok("fine"))
    })
}

/// Panics in `call` itself when the path is `/boom`, and counts the calls that return.
#[derive(Clone, Default)]
struct PanicsInCall {
    calls: Arc<AtomicUsize>,
}

impl Service<Request<()>> for PanicsInCall {
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = std::future::Ready<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<()>) -> Self::Future {
        assert!(request.uri().path() != "/boom", "panic in call");
        self.calls.fetch_add(1, Ordering::SeqCst);
        std::future::ready(Ok(ok("fine")))
    }
}

fn boom() -> Request<()> {
    Request::builder().uri("/boom").body(()).unwrap()
}

#[tokio::test]
async fn catch_panic_in_future_is_500_and_service_is_usable_after() {
    let mut svc = CatchPanicLayer::new().layer(panicking_future());
    let response = svc.ready().await.unwrap().call(boom()).await.unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "text/plain; charset=utf-8"
    );
    assert!(response.body().is_panic());
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(body, "internal server error");
    assert!(
        !body.windows(5).any(|w| w == b"panic"),
        "panic message leaked"
    );

    let response = svc
        .ready()
        .await
        .unwrap()
        .call(Request::new(()))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(!response.body().is_panic());
    assert_eq!(
        response.into_body().collect().await.unwrap().to_bytes(),
        "fine"
    );
}

#[tokio::test]
async fn catch_panic_in_call_is_500_and_service_is_usable_after() {
    let inner = PanicsInCall::default();
    let calls = Arc::clone(&inner.calls);
    let mut svc = CatchPanic::new(inner);
    let response = svc.ready().await.unwrap().call(boom()).await.unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(calls.load(Ordering::SeqCst), 0);

    for _ in 0..3 {
        let response = svc
            .ready()
            .await
            .unwrap()
            .call(Request::new(()))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn catch_panic_custom_response_sees_the_payload() {
    let custom = |panic: Box<dyn Any + Send>| {
        let message = panic
            .downcast_ref::<&'static str>()
            .copied()
            .unwrap_or("other");
        let mut response = Response::new(Full::new(Bytes::from(format!("caught: {message}"))));
        *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
        response
    };
    let svc = CatchPanicLayer::custom(custom).layer(panicking_future());
    let response = svc.oneshot(boom()).await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        response.into_body().collect().await.unwrap().to_bytes(),
        "caught: panic in the future"
    );
}

#[tokio::test]
async fn catch_panic_passes_inner_error_through() {
    let failing = service_fn(|_: Request<()>| async {
        Err::<Response<Full<Bytes>>, _>(std::io::Error::other("refused"))
    });
    let err = CatchPanic::new(failing)
        .oneshot(Request::new(()))
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "refused");
}

/// A future that is pending once, then panics: the panic comes on a later poll.
struct PanicOnSecondPoll(bool);

impl Future for PanicOnSecondPoll {
    type Output = Result<Response<Full<Bytes>>, Infallible>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        assert!(!self.0, "late panic");
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

#[tokio::test]
async fn catch_panic_on_a_later_poll_is_500() {
    let inner = service_fn(|_: Request<()>| PanicOnSecondPoll(false));
    let response = CatchPanic::new(inner)
        .oneshot(Request::new(()))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
}

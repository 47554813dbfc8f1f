//! HTTP/1.1 server and its service: errors become `500`, and readiness gates reading.

use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use spire_body::Full;
use spire_conn::Incoming;
use spire_service::{BoxError, Service, service_fn};
use spire_test::wire::{read_exactly, read_to_close};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

mod support;
use support::{LIMIT, no_date, serve};

#[tokio::test]
async fn service_error_is_answered_with_500_and_a_close() {
    let service = service_fn(|_req: Request<Incoming>| async {
        Err::<Response<Full<Bytes>>, BoxError>("database is down".into())
    });
    let (addr, server) = serve(no_date(), service).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    // A second request is pipelined: it must not be served after the failure.
    client
        .write_all(b"GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(
        read_to_close(&mut client).await,
        "HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    );
    let err = timeout(LIMIT, server).await.unwrap().unwrap().unwrap_err();
    assert!(err.is_user(), "{err:?}");
    let source = std::error::Error::source(&err).expect("the service's error");
    assert_eq!(source.to_string(), "database is down");
}

#[tokio::test]
async fn response_body_error_closes_the_connection_mid_body() {
    let service = service_fn(|_req: Request<Incoming>| async {
        let (mut tx, body) = spire_body::channel::<Bytes, BoxError>(2);
        tokio::spawn(async move {
            tx.send_data(Bytes::from_static(b"partial")).await.unwrap();
            tokio::time::sleep(Duration::from_millis(20)).await;
            tx.abort("disk failed".into());
        });
        Ok::<_, Infallible>(Response::new(body))
    });
    let (addr, server) = serve(no_date(), service).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    client
        .write_all(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        .await
        .unwrap();
    let response = read_to_close(&mut client).await;
    // The chunked body never gets its last chunk: the client can tell it is incomplete.
    assert_eq!(
        response,
        "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n7\r\npartial"
    );
    let err = timeout(LIMIT, server).await.unwrap().unwrap().unwrap_err();
    assert!(err.is_user(), "{err:?}");
}

#[tokio::test]
async fn invalid_response_head_is_replaced_by_500() {
    // A 204 must not carry Content-Length: the codec refuses the head as it is.
    let service = service_fn(|_req: Request<Incoming>| async {
        let response = Response::builder()
            .status(204)
            .header("content-length", "3")
            .body(Full::new(Bytes::from_static(b"abc")))
            .unwrap();
        Ok::<_, Infallible>(response)
    });
    let (addr, server) = serve(no_date(), service).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    client
        .write_all(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(
        read_to_close(&mut client).await,
        "HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    );
    let err = timeout(LIMIT, server).await.unwrap().unwrap().unwrap_err();
    assert!(err.is_user(), "{err:?}");
}

/// A service that turns not ready after every call until the test opens its gate.
#[derive(Clone, Default)]
struct Gated {
    open: Arc<AtomicBool>,
    waker: Arc<Mutex<Option<Waker>>>,
    calls: Arc<AtomicUsize>,
}

impl Gated {
    fn open(&self) {
        self.open.store(true, Ordering::SeqCst);
        if let Some(waker) = self.waker.lock().unwrap().take() {
            waker.wake();
        }
    }
}

impl Service<Request<Incoming>> for Gated {
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = std::future::Ready<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        if self.open.load(Ordering::SeqCst) {
            return Poll::Ready(Ok(()));
        }
        *self.waker.lock().unwrap() = Some(cx.waker().clone());
        Poll::Pending
    }

    fn call(&mut self, req: Request<Incoming>) -> Self::Future {
        assert!(
            self.open.swap(false, Ordering::SeqCst),
            "call without readiness"
        );
        self.calls.fetch_add(1, Ordering::SeqCst);
        let path = Bytes::from(req.uri().path().to_owned());
        std::future::ready(Ok(Response::new(Full::new(path))))
    }
}

#[tokio::test]
async fn next_request_waits_for_poll_ready() {
    let gated = Gated::default();
    gated.open();
    let (addr, server) = serve(no_date(), gated.clone()).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    client
        .write_all(b"GET /1 HTTP/1.1\r\nHost: a\r\n\r\n")
        .await
        .unwrap();
    let first = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n/1";
    assert_eq!(read_exactly(&mut client, first.len()).await, first);

    client
        .write_all(b"GET /2 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut byte = [0; 1];
    let early = timeout(Duration::from_millis(200), client.read(&mut byte)).await;
    assert!(early.is_err(), "no response while the service is not ready");
    assert_eq!(gated.calls.load(Ordering::SeqCst), 1);

    gated.open();
    assert_eq!(
        read_to_close(&mut client).await,
        "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n/2"
    );
    assert_eq!(gated.calls.load(Ordering::SeqCst), 2);
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn poll_ready_error_ends_the_connection() {
    struct Broken;
    impl Service<Request<Incoming>> for Broken {
        type Response = Response<Full<Bytes>>;
        type Error = BoxError;
        type Future = std::future::Ready<Result<Self::Response, BoxError>>;
        fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
            Poll::Ready(Err("overloaded for good".into()))
        }
        fn call(&mut self, _req: Request<Incoming>) -> Self::Future {
            unreachable!("never ready")
        }
    }
    let (addr, server) = serve(no_date(), Broken).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    client
        .write_all(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        .await
        .unwrap();
    // The request was never read, so the close may reach the client as a reset.
    let mut buf = Vec::new();
    match timeout(LIMIT, client.read_to_end(&mut buf)).await.unwrap() {
        Ok(_) => assert!(buf.is_empty(), "no response: {buf:?}"),
        Err(err) => assert_eq!(err.kind(), std::io::ErrorKind::ConnectionReset),
    }
    let err = timeout(LIMIT, server).await.unwrap().unwrap().unwrap_err();
    assert!(err.is_user(), "{err:?}");
}

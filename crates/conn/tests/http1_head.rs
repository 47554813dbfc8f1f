//! HTTP/1.1 server: responses to HEAD carry no body bytes.

use std::convert::Infallible;

use bytes::Bytes;
use http::{Request, Response};
use spire_body::{Body, Full};
use spire_conn::Incoming;
use spire_service::{Service, service_fn};
use spire_test::wire::{read_exactly, read_to_close};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::time::timeout;

mod support;
use support::{LIMIT, no_date, serve};

fn hello() -> impl Service<
    Request<Incoming>,
    Response = Response<Full<Bytes>>,
    Error = Infallible,
    Future = impl Send + 'static,
> + Send
+ 'static {
    service_fn(|_req: Request<Incoming>| async {
        Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(b"hello"))))
    })
}

#[tokio::test]
async fn head_response_has_the_length_but_no_body() {
    let (addr, server) = serve(no_date(), hello()).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    client
        .write_all(b"HEAD / HTTP/1.1\r\nHost: a\r\n\r\n")
        .await
        .unwrap();
    let head = "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n";
    assert_eq!(read_exactly(&mut client, head.len()).await, head);

    // The next response starts right after the head: no body bytes were sent.
    client
        .write_all(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(
        read_to_close(&mut client).await,
        "HTTP/1.1 200 OK\r\ncontent-length: 5\r\nconnection: close\r\n\r\nhello"
    );
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn head_response_with_a_streamed_body_sends_no_chunks() {
    let service = service_fn(|_req: Request<Incoming>| async {
        let (mut tx, body) = spire_body::channel::<Bytes, Infallible>(2);
        tokio::spawn(async move {
            let _ = tx.send_data(Bytes::from_static(b"streamed")).await;
        });
        Ok::<_, Infallible>(Response::new(body))
    });
    let (addr, server) = serve(no_date(), service).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    client
        .write_all(b"HEAD / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let response = read_to_close(&mut client).await;
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    assert!(
        response.ends_with("\r\n\r\n"),
        "no body bytes: {response:?}"
    );
    assert!(!response.contains("streamed"), "{response:?}");
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

/// A body that is always ready with more data, and counts how often it was polled. It gives
/// up after many polls so that a driver which keeps polling it fails this test instead of
/// spinning forever.
struct Endless {
    polls: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Body for Endless {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<spire_body::Frame<Bytes>, Infallible>>> {
        let polls = self.polls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        std::task::Poll::Ready(
            (polls < 10_000).then(|| Ok(spire_body::Frame::data(Bytes::from_static(b"x")))),
        )
    }
}

#[tokio::test]
async fn head_response_never_polls_the_body() {
    let polls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = polls.clone();
    let service = service_fn(move |_req: Request<Incoming>| {
        let polls = counter.clone();
        async move { Ok::<_, Infallible>(Response::new(Endless { polls })) }
    });
    let (addr, server) = serve(no_date(), service).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    client
        .write_all(b"HEAD / HTTP/1.1\r\nHost: a\r\n\r\nHEAD / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let response = read_to_close(&mut client).await;
    assert_eq!(
        response.matches("HTTP/1.1 200 OK\r\n").count(),
        2,
        "{response}"
    );
    assert!(!response.contains("\r\n\r\nx"), "no body bytes: {response}");
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
    assert_eq!(polls.load(std::sync::atomic::Ordering::SeqCst), 0);
}

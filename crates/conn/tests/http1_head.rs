//! HTTP/1.1 server: responses to HEAD carry no body bytes.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use spire_body::{Body, Full};
use spire_conn::{Incoming, server::http1::Builder};
use spire_service::{BoxError, Service, service_fn};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio::time::timeout;

const LIMIT: Duration = Duration::from_secs(20);

/// Accepts one connection and serves it; the handle yields the connection's result.
async fn serve<S, B>(
    builder: Builder,
    service: S,
) -> (SocketAddr, JoinHandle<Result<(), spire_conn::Error>>)
where
    S: Service<Request<Incoming>, Response = Response<B>> + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: Body + Send + 'static,
    B::Error: Into<BoxError>,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let handle = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        builder.serve_connection(socket, service).await
    });
    (addr, handle)
}

fn no_date() -> Builder {
    let mut builder = Builder::new();
    builder.date_header(false);
    builder
}

async fn read_to_close(stream: &mut TcpStream) -> String {
    let mut buf = Vec::new();
    timeout(LIMIT, stream.read_to_end(&mut buf))
        .await
        .expect("server closes in time")
        .expect("read until close");
    String::from_utf8(buf).unwrap()
}

async fn read_exactly(stream: &mut TcpStream, len: usize) -> String {
    let mut buf = vec![0; len];
    timeout(LIMIT, stream.read_exact(&mut buf))
        .await
        .expect("bytes in time")
        .expect("bytes");
    String::from_utf8(buf).unwrap()
}

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

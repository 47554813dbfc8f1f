//! HTTP/1.1 server timers, with short real durations: header read, write stall.

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use spire_body::Full;
use spire_conn::{Incoming, server::http1::Builder};
use spire_service::{Service, service_fn};
use spire_test::wire::read_to_close;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
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

fn short_header_timeout() -> Builder {
    let mut builder = no_date();
    builder.header_read_timeout(Duration::from_millis(200));
    builder
}

const TIMEOUT_408: &str =
    "HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";

#[tokio::test]
async fn slow_head_is_answered_with_408_and_closed() {
    let (addr, server) = serve(short_header_timeout(), hello()).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    let started = tokio::time::Instant::now();
    client.write_all(b"GET / HTTP/1.1\r\nHo").await.unwrap();
    assert_eq!(read_to_close(&mut client).await, TIMEOUT_408);
    assert!(started.elapsed() >= Duration::from_millis(150));
    let err = timeout(LIMIT, server).await.unwrap().unwrap().unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}

#[tokio::test]
async fn silent_fresh_connection_is_answered_with_408() {
    let (addr, server) = serve(short_header_timeout(), hello()).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    assert_eq!(read_to_close(&mut client).await, TIMEOUT_408);
    let err = timeout(LIMIT, server).await.unwrap().unwrap().unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}

#[tokio::test]
async fn header_timer_restarts_with_each_request() {
    // Two requests, each sent within the timeout but together taking longer than it.
    let (addr, server) = serve(short_header_timeout(), hello()).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    let response = "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello";
    for _ in 0..2 {
        tokio::time::sleep(Duration::from_millis(120)).await;
        client
            .write_all(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            .await
            .unwrap();
        let mut buf = vec![0; response.len()];
        timeout(LIMIT, client.read_exact(&mut buf))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(buf, response.as_bytes());
    }
    drop(client);
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn idle_keep_alive_connection_uses_the_keep_alive_timeout_not_408() {
    let mut builder = short_header_timeout();
    builder.keep_alive_timeout(Duration::from_millis(300));
    let (addr, server) = serve(builder, hello()).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    client
        .write_all(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        .await
        .unwrap();
    // Idle after the response: closed quietly, without a 408.
    assert_eq!(
        read_to_close(&mut client).await,
        "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello"
    );
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn stalled_write_times_out() {
    let mut builder = no_date();
    builder.write_timeout(Duration::from_millis(200));
    let service = service_fn(|_req: Request<Incoming>| async {
        let big = Bytes::from(vec![b'x'; 32 * 1024 * 1024]);
        Ok::<_, Infallible>(Response::new(Full::new(big)))
    });
    let (addr, server) = serve(builder, service).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    client
        .write_all(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        .await
        .unwrap();
    // The client never reads: the server gives up on its own.
    let err = timeout(LIMIT, server).await.unwrap().unwrap().unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(err.kind(), spire_conn::ErrorKind::WriteTimeout);
    drop(client);
}

#[tokio::test]
async fn trickled_head_does_not_extend_the_header_timeout() {
    // Slowloris: a byte every 40 ms keeps the socket busy but the head never completes.
    let (addr, server) = serve(short_header_timeout(), hello()).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    let started = tokio::time::Instant::now();
    let mut sent = 0;
    let mut response = Vec::new();
    for byte in b"GET / HTTP/1.1\r\nHost: a\r\nX-Slow: "
        .iter()
        .cycle()
        .take(200)
    {
        if client.write_all(&[*byte]).await.is_err() {
            break;
        }
        sent += 1;
        let mut buf = [0; 256];
        if let Ok(read) = timeout(Duration::from_millis(40), client.read(&mut buf)).await {
            let n = read.unwrap();
            response.extend_from_slice(&buf[..n]);
            if n == 0 {
                break;
            }
        }
    }
    let elapsed = started.elapsed();
    assert_eq!(String::from_utf8(response).unwrap(), TIMEOUT_408);
    assert!(elapsed < Duration::from_secs(2), "closed after {elapsed:?}");
    assert!(sent < 50, "{sent} bytes accepted after the deadline");
    let err = timeout(LIMIT, server).await.unwrap().unwrap().unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}

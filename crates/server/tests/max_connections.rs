//! The connection limit makes accepting wait: the connection over the limit is neither
//! refused nor served until an open one closes, and is then served.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use spire_body::Full;
use spire_conn::Incoming;
use spire_server::{Builder, Stats};
use spire_service::service_fn;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio::time::timeout;

const LIMIT: Duration = Duration::from_secs(10);

async fn start(
    max: usize,
) -> (
    SocketAddr,
    Stats,
    JoinHandle<Result<(), spire_server::Error>>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let service = service_fn(|req: Request<Incoming>| async move {
        let text = format!("served {}", req.uri().path());
        Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(text))))
    });
    let mut builder = Builder::new();
    builder.max_connections(max);
    let server = builder.serve(listener, service);
    let stats = server.stats();
    (addr, stats, tokio::spawn(server.into_future()))
}

async fn request(socket: &mut TcpStream, path: &str) {
    let request = format!("GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
    socket.write_all(request.as_bytes()).await.unwrap();
}

async fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let started = tokio::time::Instant::now();
    while !done() {
        assert!(started.elapsed() < LIMIT, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test]
async fn connection_over_the_limit_waits_until_one_closes_then_is_served() {
    let (addr, stats, server) = start(2).await;

    // Two connections fill the server; they send nothing yet, so they stay open.
    let first = TcpStream::connect(addr).await.unwrap();
    let second = TcpStream::connect(addr).await.unwrap();
    wait_for("two accepted connections", || stats.connections_open() == 2).await;

    // The third connects (the kernel completes the handshake) and sends its request, but
    // is not accepted: no answer, and the server counts only two.
    let mut third = TcpStream::connect(addr).await.unwrap();
    request(&mut third, "/third").await;
    let mut buf = [0; 256];
    let early = timeout(Duration::from_millis(300), third.read(&mut buf)).await;
    assert!(
        early.is_err(),
        "the third connection was answered over the limit: {early:?}"
    );
    assert_eq!(stats.connections_accepted(), 2);
    assert_eq!(stats.connections_open(), 2);

    // One closes; the third is accepted and served.
    drop(first);
    let mut out = Vec::new();
    timeout(LIMIT, third.read_to_end(&mut out))
        .await
        .unwrap()
        .unwrap();
    let response = String::from_utf8(out).unwrap();
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    assert!(response.ends_with("served /third"), "{response}");
    assert_eq!(stats.connections_accepted(), 3);

    drop(second);
    wait_for("all connections closed", || stats.connections_open() == 0).await;
    server.abort();
}

#[tokio::test]
async fn limit_of_one_serves_connections_one_after_another() {
    let (addr, stats, server) = start(1).await;
    let mut sockets = Vec::new();
    for i in 0..3 {
        let mut socket = TcpStream::connect(addr).await.unwrap();
        request(&mut socket, &format!("/{i}")).await;
        sockets.push(socket);
    }
    for (i, socket) in sockets.iter_mut().enumerate() {
        let mut out = Vec::new();
        timeout(LIMIT, socket.read_to_end(&mut out))
            .await
            .unwrap()
            .unwrap();
        let response = String::from_utf8(out).unwrap();
        assert!(response.ends_with(&format!("served /{i}")), "{response}");
        assert!(stats.connections_open() <= 1);
    }
    assert_eq!(stats.connections_accepted(), 3);
    server.abort();
}

//! Protocol detection is bounded: a peer that connects and says nothing, or only the start
//! of the HTTP/2 preface, is closed when the detection timeout runs out.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

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

const DETECTION: Duration = Duration::from_millis(300);
const LIMIT: Duration = Duration::from_secs(10);

async fn start(
    detection: Option<Duration>,
) -> (
    SocketAddr,
    Stats,
    JoinHandle<Result<(), spire_server::Error>>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut builder = Builder::new();
    builder.timeouts().detection(detection);
    let service = service_fn(|_req: Request<Incoming>| async {
        Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(b"hi"))))
    });
    let server = builder.serve(listener, service);
    let stats = server.stats();
    (addr, stats, tokio::spawn(server.into_future()))
}

/// Waits for the server to close `socket`; returns how long that took.
async fn time_until_closed(socket: &mut TcpStream, started: Instant) -> Duration {
    let mut buf = [0; 64];
    let read = timeout(LIMIT, socket.read(&mut buf))
        .await
        .expect("server never closed");
    match read {
        Ok(0) => {}
        Ok(n) => panic!("server sent {:?} instead of closing", &buf[..n]),
        // A reset is a close too.
        Err(err) => assert_eq!(err.kind(), std::io::ErrorKind::ConnectionReset),
    }
    started.elapsed()
}

#[tokio::test]
async fn silent_peer_is_closed_after_the_detection_timeout() {
    let (addr, stats, server) = start(Some(DETECTION)).await;
    let started = Instant::now();
    let mut socket = TcpStream::connect(addr).await.unwrap();
    let took = time_until_closed(&mut socket, started).await;
    assert!(took >= DETECTION, "closed too early: {took:?}");
    assert!(took < DETECTION * 10, "closed too late: {took:?}");
    assert_eq!(stats.connections_accepted(), 1);
    server.abort();
}

#[tokio::test]
async fn peer_sending_three_preface_bytes_is_closed_after_the_detection_timeout() {
    let (addr, _stats, server) = start(Some(DETECTION)).await;
    let started = Instant::now();
    let mut socket = TcpStream::connect(addr).await.unwrap();
    socket.write_all(b"PRI").await.unwrap();
    let took = time_until_closed(&mut socket, started).await;
    assert!(took >= DETECTION, "closed too early: {took:?}");
    assert!(took < DETECTION * 10, "closed too late: {took:?}");
    server.abort();
}

#[tokio::test]
async fn detection_timeout_does_not_touch_a_peer_that_spoke_in_time() {
    let (addr, _stats, server) = start(Some(DETECTION)).await;
    let mut socket = TcpStream::connect(addr).await.unwrap();
    // The request line starts at once, then the rest comes after the detection timeout:
    // only the (much longer) header read timeout applies by then.
    socket.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
    tokio::time::sleep(DETECTION * 2).await;
    socket
        .write_all(b"Host: test\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut out = Vec::new();
    timeout(LIMIT, socket.read_to_end(&mut out))
        .await
        .unwrap()
        .unwrap();
    let response = String::from_utf8(out).unwrap();
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    server.abort();
}

#[tokio::test]
async fn detection_timeout_off_leaves_a_silent_peer_connected() {
    let (addr, stats, server) = start(None).await;
    let mut socket = TcpStream::connect(addr).await.unwrap();
    let mut buf = [0; 1];
    let read = timeout(DETECTION * 3, socket.read(&mut buf)).await;
    assert!(read.is_err(), "the connection must still be open: {read:?}");
    assert_eq!(stats.connections_open(), 1);
    server.abort();
}

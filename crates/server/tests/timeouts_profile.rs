//! The timeout profile reaches both protocols: each `Timeouts` setting changes what a
//! connection does, and a stalled write is cut off over HTTP/1 and HTTP/2 alike.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::stream;
use http::{Request, Response};
use spire_body::{Either, Frame, Full, StreamBody};
use spire_conn::Incoming;
use spire_server::{Builder, Stats, Timeouts};
use spire_service::service_fn;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio::time::timeout;

const LIMIT: Duration = Duration::from_secs(10);
const SHORT: Duration = Duration::from_millis(300);

/// A response body that never ends: 64 KiB chunks of zeros, for as long as it is polled.
type Endless = StreamBody<stream::RepeatWith<fn() -> Result<Frame<Bytes>, Infallible>>>;

fn endless() -> Endless {
    fn chunk() -> Result<Frame<Bytes>, Infallible> {
        static ZEROS: [u8; 64 * 1024] = [0; 64 * 1024];
        Ok(Frame::data(Bytes::from_static(&ZEROS)))
    }
    StreamBody::new(stream::repeat_with(chunk as fn() -> _))
}

async fn start(
    configure: impl FnOnce(&mut Timeouts),
) -> (
    SocketAddr,
    Stats,
    JoinHandle<Result<(), spire_server::Error>>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut builder = Builder::new();
    configure(builder.timeouts());
    // `/endless` streams forever; anything else gets a short answer.
    let service = service_fn(|req: Request<Incoming>| async move {
        let body = if req.uri().path() == "/endless" {
            Either::left(endless())
        } else {
            Either::right(Full::new(Bytes::from_static(b"ok")))
        };
        Ok::<_, Infallible>(Response::new(body))
    });
    let server = builder.serve(listener, service);
    let stats = server.stats();
    (addr, stats, tokio::spawn(server.into_future()))
}

async fn wait_for(what: &str, within: Duration, mut done: impl FnMut() -> bool) -> Duration {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < within, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    started.elapsed()
}

#[tokio::test]
async fn header_read_setting_reaches_http1() {
    let (addr, _stats, server) = start(|t| {
        t.header_read(SHORT);
    })
    .await;
    let mut socket = TcpStream::connect(addr).await.unwrap();
    let started = Instant::now();
    socket
        .write_all(b"GET / HTTP/1.1\r\nHost: t\r\n")
        .await
        .unwrap(); // unfinished head
    let mut out = Vec::new();
    timeout(LIMIT, socket.read_to_end(&mut out))
        .await
        .unwrap()
        .unwrap();
    let took = started.elapsed();
    let response = String::from_utf8_lossy(&out);
    assert!(response.starts_with("HTTP/1.1 408"), "{response}");
    assert!(took >= SHORT && took < LIMIT / 2, "{took:?}");
    server.abort();
}

#[tokio::test]
async fn keep_alive_setting_closes_an_idle_http1_connection() {
    let (addr, stats, server) = start(|t| {
        t.keep_alive(SHORT);
    })
    .await;
    let mut socket = TcpStream::connect(addr).await.unwrap();
    socket
        .write_all(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    while !buf.ends_with(b"\r\n\r\nok") {
        let mut chunk = [0; 1024];
        let n = timeout(LIMIT, socket.read(&mut chunk))
            .await
            .unwrap()
            .unwrap();
        assert!(
            n > 0,
            "closed before the response: {:?}",
            String::from_utf8_lossy(&buf)
        );
        buf.extend_from_slice(&chunk[..n]);
    }
    assert!(
        buf.starts_with(b"HTTP/1.1 200"),
        "{:?}",
        String::from_utf8_lossy(&buf)
    );
    let idle_since = Instant::now();
    let mut rest = Vec::new();
    timeout(LIMIT, socket.read_to_end(&mut rest))
        .await
        .unwrap()
        .unwrap();
    let idle = idle_since.elapsed();
    assert!(rest.is_empty());
    assert!(idle >= SHORT / 2 && idle < LIMIT / 2, "{idle:?}");
    wait_for("the connection to close", LIMIT, || {
        stats.connections_open() == 0
    })
    .await;
    server.abort();
}

#[tokio::test]
async fn http2_idle_setting_closes_an_idle_http2_connection() {
    let (addr, _stats, server) = start(|t| {
        t.http2_idle(SHORT);
    })
    .await;
    let socket = TcpStream::connect(addr).await.unwrap();
    let (_send, conn) = h2::client::handshake(socket).await.unwrap();
    let started = Instant::now();
    // No streams at all: the server sends GOAWAY after the idle timeout, which ends the
    // client's connection cleanly.
    timeout(LIMIT, conn).await.expect("still open").unwrap();
    let took = started.elapsed();
    assert!(took >= SHORT / 2 && took < LIMIT / 2, "{took:?}");
    server.abort();
}

#[tokio::test]
async fn stalled_http1_write_is_cut_off_by_the_write_timeout() {
    let (addr, stats, server) = start(|t| {
        t.write(SHORT);
    })
    .await;
    let mut socket = TcpStream::connect(addr).await.unwrap();
    socket
        .write_all(b"GET /endless HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    // Never read: the socket buffers fill, the server's write stalls, and the timeout
    // closes the connection.
    wait_for("one connection", LIMIT, || {
        stats.connections_accepted() == 1
    })
    .await;
    wait_for("the stalled connection to close", LIMIT, || {
        stats.connections_open() == 0
    })
    .await;
    drop(socket);
    server.abort();
}

/// Opens an HTTP/2 connection with huge windows, starts a GET, and stops reading the
/// socket once the response head is in: only the write timeout can end the server's side.
async fn stall_http2(addr: SocketAddr) -> (h2::client::SendRequest<Bytes>, oneshot::Sender<()>) {
    let socket = TcpStream::connect(addr).await.unwrap();
    let (mut send, conn) = h2::client::Builder::new()
        .initial_window_size(1 << 30)
        .initial_connection_window_size(1 << 30)
        .handshake::<_, Bytes>(socket)
        .await
        .unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let mut conn = conn;
        tokio::select! {
            _ = &mut conn => {}
            _ = stopped => {}
        }
        // Hold the connection without polling it: nothing reads the socket any more.
        std::future::pending::<()>().await;
        drop(conn);
    });
    let request = Request::get("http://t/endless").body(()).unwrap();
    let (response, _) = send.send_request(request, true).unwrap();
    let response = timeout(LIMIT, response).await.unwrap().unwrap();
    assert_eq!(response.status(), 200);
    (send, stop)
}

#[tokio::test]
async fn stalled_http2_write_is_cut_off_by_the_write_timeout() {
    let (addr, stats, server) = start(|t| {
        t.write(SHORT);
    })
    .await;
    let (_send, stop) = stall_http2(addr).await;
    stop.send(()).unwrap();
    wait_for("the stalled connection to close", LIMIT, || {
        stats.connections_open() == 0
    })
    .await;
    server.abort();
}

#[tokio::test]
async fn without_a_write_timeout_a_stalled_http2_connection_stays_open() {
    let (addr, stats, server) = start(|t| {
        t.write(None);
    })
    .await;
    let (_send, stop) = stall_http2(addr).await;
    stop.send(()).unwrap();
    tokio::time::sleep(SHORT * 4).await;
    assert_eq!(stats.connections_open(), 1);
    server.abort();
}

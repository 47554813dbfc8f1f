//! HTTP/1.1 server: large bodies stream both ways with backpressure, and memory stays bounded
//! when one side is slow.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use spire_body::{Body, BodyExt, Full};
use spire_conn::{Incoming, server::http1::Builder};
use spire_service::{BoxError, Service, service_fn};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::task::JoinHandle;
use tokio::time::timeout;

const LIMIT: Duration = Duration::from_secs(60);
const EIGHT_MIB: usize = 8 * 1024 * 1024;
const CHUNK: usize = 64 * 1024;
/// Small socket buffers, so that what the kernel holds does not hide the server's own
/// buffering.
const SOCKET_BUFFER: u32 = 64 * 1024;

/// Accepts one connection on a listener with small socket buffers and serves it.
async fn serve<S, B>(service: S) -> (SocketAddr, JoinHandle<Result<(), spire_conn::Error>>)
where
    S: Service<Request<Incoming>, Response = Response<B>> + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: Body + Send + 'static,
    B::Error: Into<BoxError>,
{
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_send_buffer_size(SOCKET_BUFFER).unwrap();
    socket.set_recv_buffer_size(SOCKET_BUFFER).unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(8).unwrap();
    let addr = listener.local_addr().unwrap();
    let handle = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let mut builder = Builder::new();
        builder.date_header(false);
        builder.serve_connection(socket, service).await
    });
    (addr, handle)
}

async fn connect(addr: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_send_buffer_size(SOCKET_BUFFER).unwrap();
    socket.set_recv_buffer_size(SOCKET_BUFFER).unwrap();
    socket.connect(addr).await.unwrap()
}

/// The byte at `offset` of the test pattern (not periodic in 64 KiB, to catch reordering).
fn pattern(offset: usize) -> u8 {
    u8::try_from((offset / 7 + offset / 65_521) % 251).unwrap()
}

fn pattern_chunk(start: usize, len: usize) -> Bytes {
    (start..start + len).map(pattern).collect()
}

/// Reads a response head, byte by byte, up to and including the blank line.
async fn read_head(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let byte = timeout(LIMIT, stream.read_u8()).await.unwrap().unwrap();
        head.push(byte);
    }
    String::from_utf8(head).unwrap()
}

#[tokio::test]
async fn eight_mib_echo_streams_both_ways_to_a_slow_reader() {
    // The service answers with the request body itself: each piece goes back out as it comes.
    let service = service_fn(|req: Request<Incoming>| async move {
        Ok::<_, Infallible>(Response::new(req.into_body()))
    });
    let (addr, server) = serve(service).await;
    let stream = connect(addr).await;
    let (mut reader, mut writer) = stream.into_split();

    let upload = tokio::spawn(async move {
        let head = format!("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: {EIGHT_MIB}\r\n\r\n");
        writer.write_all(head.as_bytes()).await.unwrap();
        for start in (0..EIGHT_MIB).step_by(CHUNK) {
            writer
                .write_all(&pattern_chunk(start, CHUNK))
                .await
                .unwrap();
        }
        writer
    });

    let mut stream_head = Vec::new();
    while !stream_head.ends_with(b"\r\n\r\n") {
        stream_head.push(timeout(LIMIT, reader.read_u8()).await.unwrap().unwrap());
    }
    let head = String::from_utf8(stream_head).unwrap();
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    assert!(
        head.contains(&format!("content-length: {EIGHT_MIB}\r\n")),
        "{head}"
    );

    // A slow reader: small reads with pauses.
    let mut received = 0;
    let mut buf = vec![0; 16 * 1024];
    while received < EIGHT_MIB {
        let n = timeout(LIMIT, reader.read(&mut buf))
            .await
            .unwrap()
            .unwrap();
        assert!(n > 0, "body cut short at {received}");
        for (i, byte) in buf[..n].iter().enumerate() {
            assert_eq!(*byte, pattern(received + i), "byte {}", received + i);
        }
        received += n;
        if received % (512 * 1024) < n {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    let writer = timeout(LIMIT, upload).await.unwrap().unwrap();
    drop(writer);
    drop(reader);
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn response_producer_waits_while_the_client_does_not_read() {
    let produced = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&produced);
    let service = service_fn(move |_req: Request<Incoming>| {
        let counter = Arc::clone(&counter);
        async move {
            let (mut tx, body) = spire_body::channel::<Bytes, Infallible>(1);
            tokio::spawn(async move {
                for start in (0..EIGHT_MIB).step_by(CHUNK) {
                    if tx.send_data(pattern_chunk(start, CHUNK)).await.is_err() {
                        return;
                    }
                    counter.fetch_add(CHUNK, Ordering::SeqCst);
                }
            });
            Ok::<_, Infallible>(Response::new(body))
        }
    });
    let (addr, server) = serve(service).await;
    let mut client = connect(addr).await;
    client
        .write_all(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let head = read_head(&mut client).await;
    assert!(head.contains("transfer-encoding: chunked"), "{head}");

    // Stop reading for a while: the producer must be held back, not buffered without bound.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let early = produced.load(Ordering::SeqCst);
    assert!(
        early < 2 * 1024 * 1024,
        "the producer ran ahead by {early} bytes while nobody read"
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        produced.load(Ordering::SeqCst),
        early,
        "the producer is waiting"
    );

    let mut rest = Vec::new();
    timeout(LIMIT, client.read_to_end(&mut rest))
        .await
        .unwrap()
        .unwrap();
    assert!(rest.ends_with(b"0\r\n\r\n"));
    assert_eq!(produced.load(Ordering::SeqCst), EIGHT_MIB);
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn slow_service_holds_back_the_request_body() {
    let (go_tx, go_rx) = tokio::sync::oneshot::channel::<()>();
    let go_rx = std::sync::Mutex::new(Some(go_rx));
    let service = service_fn(move |req: Request<Incoming>| {
        let go = go_rx.lock().unwrap().take();
        async move {
            if let Some(go) = go {
                let _ = go.await;
            }
            let body = req.into_body().collect().await?.to_bytes();
            let intact = body.iter().enumerate().all(|(i, b)| *b == pattern(i));
            let text = format!("{} {intact}", body.len());
            Ok::<_, spire_conn::Error>(Response::new(Full::new(Bytes::from(text))))
        }
    });
    let (addr, server) = serve(service).await;
    let stream = connect(addr).await;
    let (mut reader, mut writer) = stream.into_split();
    let sent = Arc::new(AtomicUsize::new(0));
    let sent_counter = Arc::clone(&sent);
    let upload = tokio::spawn(async move {
        let head = format!(
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: {EIGHT_MIB}\r\nConnection: close\r\n\r\n"
        );
        writer.write_all(head.as_bytes()).await.unwrap();
        for start in (0..EIGHT_MIB).step_by(CHUNK) {
            writer
                .write_all(&pattern_chunk(start, CHUNK))
                .await
                .unwrap();
            sent_counter.fetch_add(CHUNK, Ordering::SeqCst);
        }
        writer
    });

    // The service does not read yet: the upload must stall instead of filling the server.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let early = sent.load(Ordering::SeqCst);
    assert!(
        early < 2 * 1024 * 1024,
        "the server took {early} bytes nobody read"
    );

    go_tx.send(()).unwrap();
    let mut response = String::new();
    timeout(LIMIT, reader.read_to_string(&mut response))
        .await
        .unwrap()
        .unwrap();
    assert!(
        response.ends_with(&format!("\r\n\r\n{EIGHT_MIB} true")),
        "{response}"
    );
    drop(timeout(LIMIT, upload).await.unwrap().unwrap());
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

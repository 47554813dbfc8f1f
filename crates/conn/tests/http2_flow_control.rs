//! HTTP/2 flow control reaches the service: a client that stops reading holds back the
//! service's body producer instead of making the server buffer without bound.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use spire_body::channel;
use spire_conn::{Incoming, server::http2::Builder};
use spire_service::service_fn;
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;

const LIMIT: Duration = Duration::from_secs(20);
const CHUNK: usize = 16 * 1024;
const TOTAL: usize = 2 * 1024 * 1024;
/// The server's stream window in the request-body test.
const WINDOW: usize = 32 * 1024;

/// Waits (in real time, on real sockets) until `counter` stops moving.
async fn settle(counter: &AtomicUsize) -> usize {
    let mut last = counter.load(Ordering::SeqCst);
    let mut stable = 0;
    while stable < 5 {
        tokio::time::sleep(Duration::from_millis(40)).await;
        let now = counter.load(Ordering::SeqCst);
        if now == last {
            stable += 1;
        } else {
            stable = 0;
            last = now;
        }
    }
    last
}

/// Waits until the client stream has send window assigned.
async fn wait_for_capacity(upload: &mut h2::SendStream<Bytes>) -> usize {
    loop {
        let capacity = upload.capacity();
        if capacity > 0 {
            return capacity;
        }
        std::future::poll_fn(|cx| upload.poll_capacity(cx))
            .await
            .expect("stream open")
            .expect("no stream error");
    }
}

#[tokio::test]
async fn unread_response_holds_back_the_body_producer() {
    let produced = Arc::new(AtomicUsize::new(0));
    let finished = Arc::new(AtomicBool::new(false));
    let svc = {
        let produced = produced.clone();
        let finished = finished.clone();
        service_fn(move |_req: Request<Incoming>| {
            let produced = produced.clone();
            let finished = finished.clone();
            async move {
                // One frame of buffer: the producer can only run ahead of the socket by that.
                let (mut tx, body) = channel::<Bytes, Infallible>(1);
                tokio::spawn(async move {
                    let chunk = Bytes::from(vec![b'x'; CHUNK]);
                    let mut sent = 0;
                    while sent < TOTAL {
                        if tx.send_data(chunk.clone()).await.is_err() {
                            return;
                        }
                        sent += CHUNK;
                        produced.store(sent, Ordering::SeqCst);
                    }
                    finished.store(true, Ordering::SeqCst);
                });
                Ok::<_, Infallible>(Response::new(body))
            }
        })
    };

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut builder = Builder::new();
    // Keep the per-stream send queue small so the bound below is tight.
    builder.max_send_buf_size(16 * 1024);
    let server = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        builder.serve_connection(socket, svc).await
    });

    // The client announces 64 KiB windows (the HTTP/2 default) and then reads nothing.
    let socket = TcpStream::connect(addr).await.unwrap();
    let (mut send, conn) = h2::client::Builder::new()
        .initial_window_size(64 * 1024)
        .initial_connection_window_size(64 * 1024)
        .handshake::<_, Bytes>(socket)
        .await
        .unwrap();
    let conn = tokio::spawn(conn);

    let req = Request::builder()
        .method(Method::GET)
        .uri("http://localhost/big")
        .body(())
        .unwrap();
    let (response, _) = send.send_request(req, true).unwrap();
    let response = timeout(LIMIT, response).await.unwrap().unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.into_body();

    let held_back_at = timeout(LIMIT, settle(&produced)).await.unwrap();
    eprintln!("producer held back at {held_back_at} bytes");
    assert!(!finished.load(Ordering::SeqCst));
    // The window (64 KiB), plus the channel's one frame, plus the frame being sent, plus
    // what sits in socket buffers on the way: far below the 2 MiB the producer wants to send.
    assert!(
        held_back_at <= 512 * 1024,
        "producer ran ahead to {held_back_at} bytes"
    );

    // Reading resumes the producer until the whole body has crossed.
    let mut received = 0;
    while let Some(chunk) = timeout(LIMIT, body.data()).await.unwrap() {
        let chunk = chunk.unwrap();
        received += chunk.len();
        body.flow_control().release_capacity(chunk.len()).unwrap();
    }
    assert_eq!(received, TOTAL);
    assert!(finished.load(Ordering::SeqCst));
    assert!(held_back_at < received);

    drop(body);
    drop(send);
    timeout(LIMIT, conn).await.unwrap().unwrap().unwrap();
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn unread_request_body_is_bounded_by_the_server_window() {
    // The service never reads the request body; the client can only send up to the stream
    // window the server announced, then it must wait.
    let (started_tx, started_rx) = tokio::sync::oneshot::channel::<()>();
    let started_tx = Arc::new(std::sync::Mutex::new(Some(started_tx)));
    let (release_tx, release_rx) = tokio::sync::watch::channel(false);
    let svc = service_fn(move |req: Request<Incoming>| {
        let started_tx = started_tx.clone();
        let mut release_rx = release_rx.clone();
        async move {
            if let Some(tx) = started_tx.lock().unwrap().take() {
                let _ = tx.send(());
            }
            let _ = release_rx.wait_for(|released| *released).await;
            let len = spire_body::BodyExt::collect(req.into_body())
                .await?
                .to_bytes()
                .len();
            Ok::<_, spire_conn::Error>(Response::new(spire_body::Full::new(Bytes::from(
                len.to_string(),
            ))))
        }
    });

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut builder = Builder::new();
    builder
        .initial_stream_window_size(WINDOW as u32)
        .initial_connection_window_size(1024 * 1024);
    let server = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        builder.serve_connection(socket, svc).await
    });
    let socket = TcpStream::connect(addr).await.unwrap();
    let (mut send, mut conn) = h2::client::handshake(socket).await.unwrap();
    let mut ping_pong = conn.ping_pong().unwrap();
    let conn = tokio::spawn(conn);
    // One round trip: the server's SETTINGS (sent before its PONG) are now applied.
    timeout(LIMIT, ping_pong.ping(h2::Ping::opaque()))
        .await
        .unwrap()
        .unwrap();

    let req = Request::builder()
        .method(Method::POST)
        .uri("http://localhost/upload")
        .body(())
        .unwrap();
    let (response, mut upload) = send.send_request(req, false).unwrap();
    timeout(LIMIT, started_rx).await.unwrap().unwrap();

    // Ask for 1 MiB of window; the server only grants its stream window.
    upload.reserve_capacity(1024 * 1024);
    let granted = timeout(LIMIT, wait_for_capacity(&mut upload))
        .await
        .unwrap();
    assert_eq!(granted, WINDOW);
    upload
        .send_data(Bytes::from(vec![b'y'; granted]), false)
        .unwrap();
    // With the window spent and the service not reading, no more capacity arrives.
    let stalled = timeout(Duration::from_millis(300), wait_for_capacity(&mut upload)).await;
    assert!(
        stalled.is_err(),
        "the server granted window nobody asked for"
    );

    // Once the service reads, window flows again and the rest goes through.
    release_tx.send(true).unwrap();
    let rest = 1024 * 1024 - granted;
    let mut sent = 0;
    while sent < rest {
        upload.reserve_capacity(rest - sent);
        let capacity = timeout(LIMIT, wait_for_capacity(&mut upload))
            .await
            .unwrap();
        let n = capacity.min(rest - sent);
        sent += n;
        upload
            .send_data(Bytes::from(vec![b'y'; n]), sent == rest)
            .unwrap();
    }
    let response = timeout(LIMIT, response).await.unwrap().unwrap();
    let mut body = response.into_body();
    let text = timeout(LIMIT, body.data()).await.unwrap().unwrap().unwrap();
    assert_eq!(text, (1024 * 1024).to_string());

    drop((body, upload));
    drop(send);
    timeout(LIMIT, conn).await.unwrap().unwrap().unwrap();
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn adaptive_window_connection_moves_a_large_upload_intact() {
    const UPLOAD: usize = 4 * 1024 * 1024;
    // The service counts and checks what it reads; PINGs for the window estimate run
    // alongside the data.
    let svc = service_fn(|req: Request<Incoming>| async move {
        let body = spire_body::BodyExt::collect(req.into_body())
            .await?
            .to_bytes();
        let intact = body.iter().enumerate().all(|(i, b)| *b == (i % 241) as u8);
        let text = format!("{} {intact}", body.len());
        Ok::<_, spire_conn::Error>(Response::new(spire_body::Full::new(Bytes::from(text))))
    });
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut builder = Builder::new();
    builder.adaptive_window(true);
    let server = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        builder.serve_connection(socket, svc).await
    });
    let socket = TcpStream::connect(addr).await.unwrap();
    let (mut send, conn) = h2::client::handshake(socket).await.unwrap();
    let conn = tokio::spawn(conn);

    let req = Request::builder()
        .method(Method::POST)
        .uri("http://localhost/upload")
        .body(())
        .unwrap();
    let (response, mut upload) = send.send_request(req, false).unwrap();
    let pattern: Vec<u8> = (0..UPLOAD).map(|i| (i % 241) as u8).collect();
    let mut sent = 0;
    let mut largest_grant = 0;
    while sent < UPLOAD {
        upload.reserve_capacity(UPLOAD - sent);
        let capacity = timeout(LIMIT, wait_for_capacity(&mut upload))
            .await
            .unwrap();
        largest_grant = largest_grant.max(capacity);
        let n = capacity.min(UPLOAD - sent);
        upload
            .send_data(
                Bytes::copy_from_slice(&pattern[sent..sent + n]),
                sent + n == UPLOAD,
            )
            .unwrap();
        sent += n;
    }
    let response = timeout(LIMIT, response).await.unwrap().unwrap();
    let mut body = response.into_body();
    let text = timeout(LIMIT, body.data()).await.unwrap().unwrap().unwrap();
    assert_eq!(text, format!("{UPLOAD} true"));
    // The window started at the protocol's 65,535 bytes and grew while data flowed.
    assert!(largest_grant > 65_535, "window never grew: {largest_grant}");

    drop((body, upload));
    drop(send);
    timeout(LIMIT, conn).await.unwrap().unwrap().unwrap();
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

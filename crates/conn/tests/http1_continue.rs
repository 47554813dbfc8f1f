//! HTTP/1.1 server: `Expect: 100-continue` is answered only when the service reads the body.

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use spire_body::{BodyExt, Full};
use spire_conn::Incoming;
use spire_service::service_fn;
use spire_test::wire::{read_exactly, read_to_close};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

mod support;
use support::{LIMIT, no_date, serve};

const CONTINUE: &str = "HTTP/1.1 100 Continue\r\n\r\n";

#[tokio::test]
async fn continue_is_sent_when_the_service_starts_reading() {
    let (go_tx, go_rx) = tokio::sync::oneshot::channel::<()>();
    let go_rx = std::sync::Mutex::new(Some(go_rx));
    let service = service_fn(move |req: Request<Incoming>| {
        let go = go_rx.lock().unwrap().take();
        async move {
            if let Some(go) = go {
                let _ = go.await;
            }
            let body = req.into_body().collect().await?.to_bytes();
            Ok::<_, spire_conn::Error>(Response::new(Full::new(body)))
        }
    });
    let (addr, server) = serve(no_date(), service).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    client
        .write_all(
            b"PUT /f HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n",
        )
        .await
        .unwrap();

    // The service has not touched the body yet: nothing may arrive.
    let mut byte = [0; 1];
    let early = timeout(Duration::from_millis(150), client.read(&mut byte)).await;
    assert!(early.is_err(), "no 100 Continue before the service reads");

    go_tx.send(()).unwrap();
    assert_eq!(read_exactly(&mut client, CONTINUE.len()).await, CONTINUE);
    client.write_all(b"hello").await.unwrap();
    let response = "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello";
    assert_eq!(read_exactly(&mut client, response.len()).await, response);

    // The connection stays usable.
    client
        .write_all(
            b"PUT /g HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
        )
        .await
        .unwrap();
    assert_eq!(
        read_to_close(&mut client).await,
        "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok"
    );
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn continue_is_not_sent_when_the_service_answers_without_reading() {
    let service = service_fn(|_req: Request<Incoming>| async {
        let mut response = Response::new(Full::new(Bytes::from_static(b"too big")));
        *response.status_mut() = http::StatusCode::PAYLOAD_TOO_LARGE;
        Ok::<_, Infallible>(response)
    });
    let (addr, server) = serve(no_date(), service).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    client
        .write_all(
            b"PUT /f HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n",
        )
        .await
        .unwrap();
    // No 100: the final answer comes straight away, and the connection closes because the
    // client may or may not send the body now.
    assert_eq!(
        read_to_close(&mut client).await,
        "HTTP/1.1 413 Payload Too Large\r\ncontent-length: 7\r\nconnection: close\r\n\r\ntoo big"
    );
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn body_sent_without_waiting_for_continue_is_read() {
    let service = service_fn(|req: Request<Incoming>| async move {
        let body = req.into_body().collect().await?.to_bytes();
        Ok::<_, spire_conn::Error>(Response::new(Full::new(body)))
    });
    let (addr, _server) = serve(no_date(), service).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    client
        .write_all(
            b"PUT /f HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\
              Connection: close\r\n\r\nhi",
        )
        .await
        .unwrap();
    assert_eq!(
        read_to_close(&mut client).await,
        "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nhi"
    );
}

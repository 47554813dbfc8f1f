//! HTTP/1.1 server: chunked request and response bodies, with trailers.

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use spire_body::{BodyExt, Full};
use spire_conn::Incoming;
use spire_service::service_fn;
use spire_test::wire::read_to_close;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::time::timeout;

mod support;
use support::{LIMIT, no_date, serve};

#[tokio::test]
async fn chunked_request_with_trailers_reaches_the_service() {
    let service = service_fn(|req: Request<Incoming>| async move {
        let collected = req.into_body().collect().await?;
        let checksum = collected
            .trailers()
            .and_then(|t| t.get("x-checksum"))
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let text = format!(
            "{} / {checksum}",
            String::from_utf8_lossy(&collected.to_bytes())
        );
        Ok::<_, spire_conn::Error>(Response::new(Full::new(Bytes::from(text))))
    });
    let (addr, server) = serve(no_date(), service).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    client
        .write_all(
            b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n\
              5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Checksum: 42\r\n\r\n",
        )
        .await
        .unwrap();
    assert_eq!(
        read_to_close(&mut client).await,
        "HTTP/1.1 200 OK\r\ncontent-length: 16\r\nconnection: close\r\n\r\nhello world / 42"
    );
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn chunked_response_carries_trailers() {
    let service = service_fn(|_req: Request<Incoming>| async move {
        let (mut tx, body) = spire_body::channel::<Bytes, Infallible>(4);
        tokio::spawn(async move {
            tx.send_data(Bytes::from_static(b"hello")).await.unwrap();
            tokio::time::sleep(Duration::from_millis(20)).await;
            tx.send_data(Bytes::from_static(b" world")).await.unwrap();
            let mut trailers = http::HeaderMap::new();
            trailers.insert("x-checksum", "42".parse().unwrap());
            tx.send_trailers(trailers).await.unwrap();
        });
        Ok::<_, Infallible>(Response::new(body))
    });
    let (addr, server) = serve(no_date(), service).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    client
        .write_all(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(
        read_to_close(&mut client).await,
        "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n\
         5\r\nhello\r\n6\r\n world\r\n0\r\nx-checksum: 42\r\n\r\n"
    );
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn trailers_are_dropped_when_the_response_has_a_length() {
    // A body with an exact size gets Content-Length, which cannot carry trailers.
    let service = service_fn(|_req: Request<Incoming>| async move {
        let mut trailers = http::HeaderMap::new();
        trailers.insert("x-checksum", "42".parse().unwrap());
        let body = Full::new(Bytes::from_static(b"hi"))
            .with_trailers(async move { Some(Ok::<_, Infallible>(trailers)) });
        let mut response = Response::new(body);
        response
            .headers_mut()
            .insert("content-length", "2".parse().unwrap());
        Ok::<_, Infallible>(response)
    });
    let (addr, server) = serve(no_date(), service).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    client
        .write_all(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(
        read_to_close(&mut client).await,
        "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nhi"
    );
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

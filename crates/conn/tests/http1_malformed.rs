//! HTTP/1.1 server: every class of malformed request is answered with the codec's status and
//! the connection closed, without calling the service.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use http::{Request, Response};
use spire_body::Full;
use spire_conn::{Incoming, server::http1::Builder};
use spire_service::service_fn;
use spire_test::wire::read_to_close;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::time::timeout;

mod support;
use support::{LIMIT, no_date, serve};

/// Sends `request`, expects `status` and a close, and checks the service was never called.
async fn rejects(builder: Builder, request: &[u8], status: &str) -> spire_conn::Error {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&calls);
    let service = service_fn(move |_req: Request<Incoming>| {
        counted.fetch_add(1, Ordering::SeqCst);
        async { Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(b"no")))) }
    });
    let (addr, server) = serve(builder, service).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    client.write_all(request).await.unwrap();
    let response = read_to_close(&mut client).await;
    assert_eq!(
        response,
        format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
    );
    assert_eq!(
        calls.load(Ordering::SeqCst),
        0,
        "the service must not see it"
    );
    drop(client);
    let err = timeout(LIMIT, server).await.unwrap().unwrap().unwrap_err();
    assert!(err.is_parse(), "{err:?}");
    err
}

#[tokio::test]
async fn bad_request_line_is_400() {
    rejects(
        no_date(),
        b"G(T / HTTP/1.1\r\nHost: a\r\n\r\n",
        "400 Bad Request",
    )
    .await;
}

#[tokio::test]
async fn missing_host_is_400() {
    rejects(no_date(), b"GET / HTTP/1.1\r\n\r\n", "400 Bad Request").await;
}

#[tokio::test]
async fn transfer_encoding_with_content_length_is_400() {
    let request = b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\
        Content-Length: 5\r\n\r\n0\r\n\r\n";
    rejects(no_date(), request, "400 Bad Request").await;
}

#[tokio::test]
async fn unknown_transfer_coding_is_501() {
    let request = b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n";
    rejects(no_date(), request, "501 Not Implemented").await;
}

#[tokio::test]
async fn transfer_encoding_not_ending_in_chunked_is_400() {
    let request = b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: compress\r\n\r\n";
    rejects(no_date(), request, "400 Bad Request").await;
}

#[tokio::test]
async fn long_request_target_is_414() {
    let mut request = b"GET /".to_vec();
    request.extend(std::iter::repeat_n(b'a', 9 * 1024));
    request.extend_from_slice(b" HTTP/1.1\r\nHost: a\r\n\r\n");
    rejects(no_date(), &request, "414 URI Too Long").await;
}

#[tokio::test]
async fn big_head_is_431() {
    let mut request = b"GET / HTTP/1.1\r\nHost: a\r\nX-Big: ".to_vec();
    request.extend(std::iter::repeat_n(b'b', 70 * 1024));
    request.extend_from_slice(b"\r\n\r\n");
    rejects(no_date(), &request, "431 Request Header Fields Too Large").await;
}

#[tokio::test]
async fn too_many_headers_is_431() {
    let mut builder = no_date();
    builder.max_headers(8);
    let mut request = b"GET / HTTP/1.1\r\nHost: a\r\n".to_vec();
    for i in 0..10 {
        request.extend_from_slice(format!("X-H{i}: v\r\n").as_bytes());
    }
    request.extend_from_slice(b"\r\n");
    rejects(builder, &request, "431 Request Header Fields Too Large").await;
}

#[tokio::test]
async fn http2_request_line_is_505() {
    rejects(
        no_date(),
        b"GET / HTTP/2.0\r\nHost: a\r\n\r\n",
        "505 HTTP Version Not Supported",
    )
    .await;
}

#[tokio::test]
async fn bad_chunk_size_after_the_head_is_400_before_any_response() {
    // The head is fine, so the service is called; the body is not. A service that waits for
    // the body sees an error, and the client gets 400.
    let service = service_fn(|req: Request<Incoming>| async move {
        use spire_body::BodyExt;
        let body = req.into_body().collect().await;
        assert!(body.unwrap_err().is_body());
        Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(b"no"))))
    });
    let (addr, server) = serve(no_date(), service).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    client
        .write_all(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
        .await
        .unwrap();
    assert_eq!(
        read_to_close(&mut client).await,
        "HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    );
    assert!(
        timeout(LIMIT, server)
            .await
            .unwrap()
            .unwrap()
            .unwrap_err()
            .is_parse()
    );
}

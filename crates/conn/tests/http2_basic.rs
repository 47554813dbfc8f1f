//! HTTP/2 server basics over a loopback socket, with the `h2` crate as the client.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_util::future::join_all;
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode};
use spire_body::{Body, BodyExt, Full, channel};
use spire_conn::{Incoming, server::http2::Builder};
use spire_service::{BoxError, Service, service_fn};
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
    S: Service<Request<Incoming>, Response = Response<B>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: Body + Send + 'static,
    B::Data: Send,
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

async fn client(
    addr: SocketAddr,
) -> (
    h2::client::SendRequest<Bytes>,
    JoinHandle<Result<(), h2::Error>>,
) {
    let socket = TcpStream::connect(addr).await.unwrap();
    let (send, conn) = h2::client::handshake(socket).await.unwrap();
    (send, tokio::spawn(conn))
}

fn request(method: Method, path: &str) -> Request<()> {
    Request::builder()
        .method(method)
        .uri(format!("http://localhost{path}"))
        .body(())
        .unwrap()
}

/// Reads a whole response body, giving flow-control window back as it goes.
async fn read_body(body: &mut h2::RecvStream) -> Bytes {
    let mut out = BytesMut::new();
    while let Some(chunk) = body.data().await {
        let chunk = chunk.unwrap();
        body.flow_control().release_capacity(chunk.len()).unwrap();
        out.extend_from_slice(&chunk);
    }
    out.freeze()
}

fn hello() -> impl Service<
    Request<Incoming>,
    Response = Response<Full<Bytes>>,
    Error = Infallible,
    Future = impl Future<Output = Result<Response<Full<Bytes>>, Infallible>> + Send,
> + Clone {
    service_fn(|req: Request<Incoming>| async move {
        let text = format!("hello {}", req.uri().path());
        Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(text))))
    })
}

#[tokio::test]
async fn get_returns_status_headers_and_body() {
    let (addr, server) = serve(Builder::new(), hello()).await;
    let (mut send, conn) = client(addr).await;

    let (response, _) = send
        .send_request(request(Method::GET, "/world"), true)
        .unwrap();
    let response = timeout(LIMIT, response).await.unwrap().unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-length"], "12");
    let date = response.headers()["date"].to_str().unwrap();
    assert!(date.ends_with(" GMT") && date.len() == 29, "{date}");
    let mut body = response.into_body();
    assert_eq!(read_body(&mut body).await, "hello /world");

    drop(body); // every stream handle must go for the client connection to close
    drop(send);
    timeout(LIMIT, conn).await.unwrap().unwrap().unwrap();
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn date_header_can_be_turned_off() {
    let mut builder = Builder::new();
    builder.date_header(false);
    let (addr, server) = serve(builder, hello()).await;
    let (mut send, conn) = client(addr).await;
    let (response, _) = send.send_request(request(Method::GET, "/"), true).unwrap();
    let response = timeout(LIMIT, response).await.unwrap().unwrap();
    assert!(!response.headers().contains_key("date"));
    drop(response); // every stream handle must go for the client connection to close
    drop(send);
    timeout(LIMIT, conn).await.unwrap().unwrap().unwrap();
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn post_echo_streams_4_mib_in_both_directions() {
    const TOTAL: usize = 4 * 1024 * 1024;
    const CHUNK: usize = 64 * 1024;
    // The request body goes straight back as the response body: both directions stream at
    // the same time, under flow control on each side.
    let echo = service_fn(|req: Request<Incoming>| async move {
        Ok::<_, Infallible>(Response::new(req.into_body()))
    });
    let (addr, server) = serve(Builder::new(), echo).await;
    let (mut send, conn) = client(addr).await;

    let (response, mut upload) = send
        .send_request(request(Method::POST, "/echo"), false)
        .unwrap();
    let writer = tokio::spawn(async move {
        let pattern: Vec<u8> = (0..TOTAL).map(|i| (i % 251) as u8).collect();
        let mut sent = 0;
        while sent < TOTAL {
            let len = CHUNK.min(TOTAL - sent);
            upload.reserve_capacity(len);
            let capacity = std::future::poll_fn(|cx| upload.poll_capacity(cx))
                .await
                .unwrap()
                .unwrap();
            let n = capacity.min(len);
            let end = sent + n == TOTAL;
            upload
                .send_data(Bytes::copy_from_slice(&pattern[sent..sent + n]), end)
                .unwrap();
            sent += n;
        }
    });

    let response = timeout(LIMIT, response).await.unwrap().unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.into_body();
    let echoed = timeout(LIMIT, read_body(&mut body)).await.unwrap();
    writer.await.unwrap();
    assert_eq!(echoed.len(), TOTAL);
    assert!(
        echoed
            .iter()
            .enumerate()
            .all(|(i, b)| *b == (i % 251) as u8)
    );

    drop(body); // every stream handle must go for the client connection to close
    drop(send);
    timeout(LIMIT, conn).await.unwrap().unwrap().unwrap();
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn request_body_size_hint_is_exact_from_content_length() {
    let svc = service_fn(|req: Request<Incoming>| async move {
        let hint = req.body().size_hint().exact();
        let body = req.into_body().collect().await?.to_bytes();
        let text = format!("{hint:?} {}", body.len());
        Ok::<_, spire_conn::Error>(Response::new(Full::new(Bytes::from(text))))
    });
    let (addr, server) = serve(Builder::new(), svc).await;
    let (mut send, conn) = client(addr).await;
    let mut req = request(Method::POST, "/");
    req.headers_mut()
        .insert("content-length", HeaderValue::from_static("5"));
    let (response, mut upload) = send.send_request(req, false).unwrap();
    upload
        .send_data(Bytes::from_static(b"12345"), true)
        .unwrap();
    let response = timeout(LIMIT, response).await.unwrap().unwrap();
    let mut body = response.into_body();
    assert_eq!(read_body(&mut body).await, "Some(5) 5");
    drop((body, upload)); // every stream handle must go for the client connection to close
    drop(send);
    timeout(LIMIT, conn).await.unwrap().unwrap().unwrap();
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn hundred_concurrent_streams_on_one_connection() {
    // Every response waits until all 100 requests have arrived: they can only all complete
    // if the streams really run concurrently.
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(100));
    let svc = service_fn(move |req: Request<Incoming>| {
        let barrier = barrier.clone();
        async move {
            barrier.wait().await;
            let text = req.uri().path().to_owned();
            Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(text))))
        }
    });
    let (addr, server) = serve(Builder::new(), svc).await;
    let (send, conn) = client(addr).await;

    let requests = (0..100).map(|i| {
        let send = send.clone();
        async move {
            let mut send = send.ready().await.unwrap();
            let (response, _) = send
                .send_request(request(Method::GET, &format!("/{i}")), true)
                .unwrap();
            let response = response.await.unwrap();
            let mut body = response.into_body();
            (i, read_body(&mut body).await)
        }
    });
    let results = timeout(LIMIT, join_all(requests)).await.unwrap();
    for (i, got) in results {
        assert_eq!(got, format!("/{i}"));
    }

    drop(send);
    timeout(LIMIT, conn).await.unwrap().unwrap().unwrap();
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn response_trailers_reach_the_client() {
    let svc = service_fn(|_req: Request<Incoming>| async move {
        let (mut tx, body) = channel::<Bytes, Infallible>(4);
        tokio::spawn(async move {
            tx.send_data(Bytes::from_static(b"part one, "))
                .await
                .unwrap();
            tx.send_data(Bytes::from_static(b"part two")).await.unwrap();
            let mut trailers = HeaderMap::new();
            trailers.insert("grpc-status", HeaderValue::from_static("0"));
            tx.send_trailers(trailers).await.unwrap();
        });
        Ok::<_, Infallible>(Response::new(body))
    });
    let (addr, server) = serve(Builder::new(), svc).await;
    let (mut send, conn) = client(addr).await;

    let (response, _) = send.send_request(request(Method::GET, "/"), true).unwrap();
    let response = timeout(LIMIT, response).await.unwrap().unwrap();
    assert!(!response.headers().contains_key("content-length"));
    let mut body = response.into_body();
    assert_eq!(read_body(&mut body).await, "part one, part two");
    let trailers = body.trailers().await.unwrap().expect("trailers");
    assert_eq!(trailers["grpc-status"], "0");

    drop(body); // every stream handle must go for the client connection to close
    drop(send);
    timeout(LIMIT, conn).await.unwrap().unwrap().unwrap();
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn request_trailers_reach_the_service() {
    let svc = service_fn(|req: Request<Incoming>| async move {
        let collected = req.into_body().collect().await?;
        let checksum = collected
            .trailers()
            .and_then(|t| t.get("x-checksum"))
            .cloned()
            .unwrap_or(HeaderValue::from_static("none"));
        let mut res = Response::new(Full::new(collected.to_bytes()));
        res.headers_mut().insert("x-got-checksum", checksum);
        Ok::<_, spire_conn::Error>(res)
    });
    let (addr, server) = serve(Builder::new(), svc).await;
    let (mut send, conn) = client(addr).await;

    let (response, mut upload) = send
        .send_request(request(Method::POST, "/"), false)
        .unwrap();
    upload
        .send_data(Bytes::from_static(b"payload"), false)
        .unwrap();
    let mut trailers = HeaderMap::new();
    trailers.insert("x-checksum", HeaderValue::from_static("abc"));
    upload.send_trailers(trailers).unwrap();

    let response = timeout(LIMIT, response).await.unwrap().unwrap();
    assert_eq!(response.headers()["x-got-checksum"], "abc");
    let mut body = response.into_body();
    assert_eq!(read_body(&mut body).await, "payload");

    drop((body, upload)); // every stream handle must go for the client connection to close
    drop(send);
    timeout(LIMIT, conn).await.unwrap().unwrap().unwrap();
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn head_response_ends_after_the_head() {
    let (addr, server) = serve(Builder::new(), hello()).await;
    let (mut send, conn) = client(addr).await;

    let (response, _) = send
        .send_request(request(Method::HEAD, "/page"), true)
        .unwrap();
    let response = timeout(LIMIT, response).await.unwrap().unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.into_body();
    // END_STREAM was on the HEADERS frame: no DATA at all.
    assert!(body.is_end_stream());
    assert!(body.data().await.is_none());

    drop(body); // every stream handle must go for the client connection to close
    drop(send);
    timeout(LIMIT, conn).await.unwrap().unwrap().unwrap();
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn service_error_answers_500_with_empty_body() {
    let svc = service_fn(|_req: Request<Incoming>| async move {
        Err::<Response<Full<Bytes>>, _>(std::io::Error::other("database is down"))
    });
    let (addr, server) = serve(Builder::new(), svc).await;
    let (mut send, conn) = client(addr).await;

    let (response, _) = send.send_request(request(Method::GET, "/"), true).unwrap();
    let response = timeout(LIMIT, response).await.unwrap().unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let mut body = response.into_body();
    let text = read_body(&mut body).await;
    assert!(text.is_empty(), "the error must not leak: {text:?}");

    // The connection survives a failed stream.
    let (response, _) = send.send_request(request(Method::GET, "/"), true).unwrap();
    let response = timeout(LIMIT, response).await.unwrap().unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);

    drop((body, response)); // every stream handle must go for the client connection to close
    drop(send);
    timeout(LIMIT, conn).await.unwrap().unwrap().unwrap();
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn response_body_error_resets_the_stream() {
    let svc = service_fn(|_req: Request<Incoming>| async move {
        let (mut tx, body) = channel::<Bytes, std::io::Error>(4);
        tokio::spawn(async move {
            tx.send_data(Bytes::from_static(b"partial")).await.unwrap();
            tx.abort(std::io::Error::other("disk failed"));
        });
        Ok::<_, Infallible>(Response::new(body))
    });
    let (addr, server) = serve(Builder::new(), svc).await;
    let (mut send, conn) = client(addr).await;

    let (response, _) = send.send_request(request(Method::GET, "/"), true).unwrap();
    let response = timeout(LIMIT, response).await.unwrap().unwrap();
    let mut body = response.into_body();
    let mut error = None;
    while let Some(chunk) = body.data().await {
        match chunk {
            Ok(chunk) => {
                body.flow_control().release_capacity(chunk.len()).unwrap();
            }
            Err(err) => {
                error = Some(err);
                break;
            }
        }
    }
    let error = error.expect("the body must not look complete");
    assert_eq!(error.reason(), Some(h2::Reason::INTERNAL_ERROR));

    drop(body); // every stream handle must go for the client connection to close
    drop(send);
    timeout(LIMIT, conn).await.unwrap().unwrap().unwrap();
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn connection_specific_headers_are_dropped() {
    let svc = service_fn(|_req: Request<Incoming>| async move {
        let mut res = Response::new(Full::new(Bytes::from_static(b"ok")));
        res.headers_mut()
            .insert("connection", HeaderValue::from_static("close"));
        res.headers_mut()
            .insert("keep-alive", HeaderValue::from_static("timeout=5"));
        Ok::<_, Infallible>(res)
    });
    let (addr, server) = serve(Builder::new(), svc).await;
    let (mut send, conn) = client(addr).await;

    let (response, _) = send.send_request(request(Method::GET, "/"), true).unwrap();
    let response = timeout(LIMIT, response).await.unwrap().unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(!response.headers().contains_key("connection"));
    assert!(!response.headers().contains_key("keep-alive"));
    let mut body = response.into_body();
    assert_eq!(read_body(&mut body).await, "ok");

    drop(body); // every stream handle must go for the client connection to close
    drop(send);
    timeout(LIMIT, conn).await.unwrap().unwrap().unwrap();
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn early_hints_go_out_before_the_final_response() {
    let svc = service_fn(|req: Request<Incoming>| async move {
        let hints = req
            .extensions()
            .get::<spire_conn::informational::InformationalSender>()
            .cloned()
            .expect("the driver provides a sender when enabled");
        let hint = Response::builder()
            .status(StatusCode::EARLY_HINTS)
            .header("link", "</style.css>; rel=preload")
            .body(())
            .unwrap();
        hints.send(hint).await?;
        Ok::<_, spire_conn::Error>(Response::new(Full::new(Bytes::from_static(b"page"))))
    });
    let mut builder = Builder::new();
    builder.informational_responses(true);
    let (addr, server) = serve(builder, svc).await;
    let (mut send, conn) = client(addr).await;

    let (mut response, _) = send.send_request(request(Method::GET, "/"), true).unwrap();
    let hint = timeout(
        LIMIT,
        std::future::poll_fn(|cx| response.poll_informational(cx)),
    )
    .await
    .unwrap()
    .expect("an informational response")
    .unwrap();
    assert_eq!(hint.status(), StatusCode::EARLY_HINTS);
    assert_eq!(hint.headers()["link"], "</style.css>; rel=preload");
    let response = timeout(LIMIT, response).await.unwrap().unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.into_body();
    assert_eq!(read_body(&mut body).await, "page");

    drop(body); // every stream handle must go for the client connection to close
    drop(send);
    timeout(LIMIT, conn).await.unwrap().unwrap().unwrap();
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn informational_sender_is_absent_by_default() {
    let svc = service_fn(|req: Request<Incoming>| async move {
        let present = req
            .extensions()
            .get::<spire_conn::informational::InformationalSender>()
            .is_some();
        Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(present.to_string()))))
    });
    let (addr, server) = serve(Builder::new(), svc).await;
    let (mut send, conn) = client(addr).await;
    let (response, _) = send.send_request(request(Method::GET, "/"), true).unwrap();
    let response = timeout(LIMIT, response).await.unwrap().unwrap();
    let mut body = response.into_body();
    assert_eq!(read_body(&mut body).await, "false");
    drop(body); // every stream handle must go for the client connection to close
    drop(send);
    timeout(LIMIT, conn).await.unwrap().unwrap().unwrap();
    server.await.unwrap().unwrap();
}

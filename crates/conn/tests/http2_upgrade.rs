//! Extended CONNECT (RFC 8441) over HTTP/2: the service takes the stream over with
//! `upgrade::on` and gets a byte stream carried in DATA frames.

use std::convert::Infallible;

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use spire_body::Empty;
use spire_conn::{Incoming, server::http2::Builder, upgrade};
use spire_service::service_fn;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;
use tokio::time::timeout;

mod support;
use support::LIMIT;
use support::http2::start;

fn connect_request(protocol: &str) -> Request<()> {
    let mut req = Request::builder()
        .method(Method::CONNECT)
        .uri("http://localhost/chat")
        .body(())
        .unwrap();
    req.extensions_mut()
        .insert(h2::ext::Protocol::from(protocol));
    req
}

#[tokio::test]
async fn extended_connect_hands_the_stream_to_the_service() {
    let svc = service_fn(|mut req: Request<Incoming>| async move {
        let on_upgrade = upgrade::on(&mut req);
        tokio::spawn(async move {
            let mut io = on_upgrade.await.expect("the upgrade succeeds");
            let mut buf = [0; 64];
            loop {
                let n = io.read(&mut buf).await.unwrap();
                if n == 0 {
                    io.shutdown().await.unwrap();
                    return;
                }
                io.write_all(&buf[..n].to_ascii_uppercase()).await.unwrap();
            }
        });
        Ok::<_, Infallible>(Response::new(Empty::<Bytes>::new()))
    });
    let mut builder = Builder::new();
    builder.enable_connect_protocol();
    let (mut send, client_conn, server) = start(builder, svc).await;
    assert!(send.is_extended_connect_protocol_enabled());

    let (response, mut tunnel) = send
        .send_request(connect_request("websocket"), false)
        .unwrap();
    let response = timeout(LIMIT, response).await.unwrap().unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let mut incoming = response.into_body();

    tunnel
        .send_data(Bytes::from_static(b"hello tunnel"), false)
        .unwrap();
    let echoed = timeout(LIMIT, incoming.data())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    incoming
        .flow_control()
        .release_capacity(echoed.len())
        .unwrap();
    assert_eq!(echoed, "HELLO TUNNEL");

    // Ending our side ends the service's reads; it then ends its side.
    tunnel.send_data(Bytes::new(), true).unwrap();
    // (The end may come as an empty DATA frame with END_STREAM.)
    let mut rest = Vec::new();
    while let Some(chunk) = timeout(LIMIT, incoming.data()).await.unwrap() {
        rest.extend_from_slice(&chunk.unwrap());
    }
    assert!(rest.is_empty(), "{rest:?}");
    assert!(incoming.is_end_stream());

    drop((incoming, tunnel));
    drop(send);
    timeout(LIMIT, client_conn).await.unwrap().unwrap().unwrap();
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn connect_answered_with_an_error_status_does_not_upgrade() {
    let (outcome_tx, mut outcome_rx) = mpsc::unbounded_channel();
    let svc = service_fn(move |mut req: Request<Incoming>| {
        let outcome_tx = outcome_tx.clone();
        async move {
            let on_upgrade = upgrade::on(&mut req);
            tokio::spawn(async move {
                let _ = outcome_tx.send(on_upgrade.await.map(|_| ()));
            });
            let mut res = Response::new(Empty::<Bytes>::new());
            *res.status_mut() = StatusCode::FORBIDDEN;
            Ok::<_, Infallible>(res)
        }
    });
    let mut builder = Builder::new();
    builder.enable_connect_protocol();
    let (mut send, client_conn, server) = start(builder, svc).await;

    let (response, tunnel) = send
        .send_request(connect_request("websocket"), false)
        .unwrap();
    let response = timeout(LIMIT, response).await.unwrap().unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let outcome = timeout(LIMIT, outcome_rx.recv()).await.unwrap().unwrap();
    let err = outcome.expect_err("no upgrade after a 403");
    assert_eq!(err.kind(), spire_conn::ErrorKind::NoUpgrade);

    drop((response, tunnel));
    drop(send);
    timeout(LIMIT, client_conn).await.unwrap().unwrap().unwrap();
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn extended_connect_is_off_by_default() {
    let svc = service_fn(|_req: Request<Incoming>| async {
        Ok::<_, Infallible>(Response::new(Empty::<Bytes>::new()))
    });
    let (send, client_conn, server) = start(Builder::new(), svc).await;
    assert!(!send.is_extended_connect_protocol_enabled());
    drop(send);
    timeout(LIMIT, client_conn).await.unwrap().unwrap().unwrap();
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn plain_connect_opens_a_tunnel() {
    // RFC 9113 section 8.5: CONNECT to an authority, no `:protocol`, no setting needed.
    let svc = service_fn(|mut req: Request<Incoming>| async move {
        assert_eq!(
            req.uri().authority().map(|a| a.as_str()),
            Some("example.com:443")
        );
        let on_upgrade = upgrade::on(&mut req);
        tokio::spawn(async move {
            let mut io = on_upgrade.await.expect("the upgrade succeeds");
            io.write_all(b"tunnel open").await.unwrap();
            io.shutdown().await.unwrap();
        });
        Ok::<_, Infallible>(Response::new(Empty::<Bytes>::new()))
    });
    let (mut send, client_conn, server) = start(Builder::new(), svc).await;

    let req = Request::builder()
        .method(Method::CONNECT)
        .uri("example.com:443")
        .body(())
        .unwrap();
    let (response, tunnel) = send.send_request(req, false).unwrap();
    let response = timeout(LIMIT, response).await.unwrap().unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(!response.headers().contains_key("content-length"));
    let mut incoming = response.into_body();
    let mut got = Vec::new();
    while let Some(chunk) = timeout(LIMIT, incoming.data()).await.unwrap() {
        let chunk = chunk.unwrap();
        incoming
            .flow_control()
            .release_capacity(chunk.len())
            .unwrap();
        got.extend_from_slice(&chunk);
    }
    assert_eq!(got, b"tunnel open");

    drop((incoming, tunnel));
    drop(send);
    timeout(LIMIT, client_conn).await.unwrap().unwrap().unwrap();
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

//! Graceful shutdown of an HTTP/2 connection: GOAWAY, in-flight streams finish, new ones are
//! refused, and the connection future resolves cleanly.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use spire_body::Full;
use spire_conn::{Incoming, server::http2::Builder};
use spire_service::service_fn;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};
use tokio::time::timeout;

const LIMIT: Duration = Duration::from_secs(20);

fn get(path: &str) -> Request<()> {
    Request::builder()
        .method(Method::GET)
        .uri(format!("http://localhost{path}"))
        .body(())
        .unwrap()
}

#[tokio::test]
async fn graceful_shutdown_finishes_in_flight_and_refuses_new_streams() {
    // `/slow` waits until the test releases it; every request reports its arrival.
    let (arrived_tx, mut arrived_rx) = mpsc::unbounded_channel::<String>();
    let (release_tx, release_rx) = oneshot::channel::<()>();
    let release_rx = Arc::new(Mutex::new(Some(release_rx)));
    let svc = service_fn(move |req: Request<Incoming>| {
        let arrived_tx = arrived_tx.clone();
        let release_rx = release_rx.clone();
        async move {
            let path = req.uri().path().to_owned();
            arrived_tx.send(path.clone()).unwrap();
            if path == "/slow" {
                let release = release_rx.lock().unwrap().take();
                if let Some(release) = release {
                    let _ = release.await;
                }
            }
            Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(path))))
        }
    });

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (shutdown_tx, shutdown_rx) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let conn = Builder::new().serve_connection(socket, svc);
        let mut conn = std::pin::pin!(conn);
        tokio::select! {
            result = conn.as_mut() => return result,
            _ = shutdown_rx => {}
        }
        conn.as_mut().graceful_shutdown();
        conn.await
    });

    let socket = TcpStream::connect(addr).await.unwrap();
    let (mut send, conn) = h2::client::handshake(socket).await.unwrap();
    let client_conn = tokio::spawn(conn);

    let (slow, _) = send.send_request(get("/slow"), true).unwrap();
    assert_eq!(
        timeout(LIMIT, arrived_rx.recv()).await.unwrap().unwrap(),
        "/slow"
    );

    shutdown_tx.send(()).unwrap();

    // The client sees the GOAWAY: once it has, it refuses to open streams itself, or the
    // server refuses them. Either way, no new request reaches the service.
    let refused = timeout(LIMIT, async {
        loop {
            tokio::time::sleep(Duration::from_millis(20)).await;
            let ready = match send.clone().ready().await {
                Ok(ready) => ready,
                Err(err) => return err,
            };
            let mut ready = ready;
            match ready.send_request(get("/late"), true) {
                Err(err) => return err,
                Ok((response, _)) => {
                    if let Err(err) = response.await {
                        return err;
                    }
                    // Sent before the GOAWAY arrived and served: allowed, but keep trying
                    // until the GOAWAY is seen.
                }
            }
        }
    })
    .await
    .expect("new streams must be refused after GOAWAY");
    assert!(
        refused.is_go_away() || refused.reason() == Some(h2::Reason::REFUSED_STREAM),
        "unexpected error: {refused:?}"
    );

    // The in-flight request still completes.
    release_tx.send(()).unwrap();
    let response = timeout(LIMIT, slow).await.unwrap().unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.into_body();
    let data = timeout(LIMIT, body.data()).await.unwrap().unwrap().unwrap();
    assert_eq!(data, "/slow");
    drop(body);

    // The server connection ends cleanly once the stream is done.
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
    drop(send);
    let client_result = timeout(LIMIT, client_conn).await.unwrap().unwrap();
    if let Err(err) = client_result {
        assert!(err.is_go_away(), "unexpected client error: {err:?}");
        assert_eq!(err.reason(), Some(h2::Reason::NO_ERROR));
    }

    // Nothing else reached the service after the shutdown started, except requests the
    // client managed to send before the GOAWAY (which were answered above).
    while let Ok(path) = arrived_rx.try_recv() {
        assert_eq!(path, "/late");
    }
}

#[tokio::test]
async fn graceful_shutdown_of_an_idle_connection_completes_at_once() {
    let svc = service_fn(|_req: Request<Incoming>| async {
        Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(b"ok"))))
    });
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (shutdown_tx, shutdown_rx) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let conn = Builder::new().serve_connection(socket, svc);
        let mut conn = std::pin::pin!(conn);
        tokio::select! {
            result = conn.as_mut() => return result,
            _ = shutdown_rx => {}
        }
        conn.as_mut().graceful_shutdown();
        conn.await
    });

    let socket = TcpStream::connect(addr).await.unwrap();
    let (mut send, conn) = h2::client::handshake(socket).await.unwrap();
    let client_conn = tokio::spawn(conn);
    let (response, _) = send.send_request(get("/"), true).unwrap();
    let response = timeout(LIMIT, response).await.unwrap().unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    drop(response);

    shutdown_tx.send(()).unwrap();
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
    // The client connection ends too, even though the client still holds its handle.
    let client_result = timeout(LIMIT, client_conn).await.unwrap().unwrap();
    if let Err(err) = client_result {
        assert!(err.is_go_away(), "unexpected client error: {err:?}");
    }
    drop(send);
}

#[tokio::test]
async fn graceful_shutdown_before_the_handshake_closes_after_it() {
    let svc = service_fn(|_req: Request<Incoming>| async {
        Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(b"ok"))))
    });
    let (server_io, client_io) = tokio::io::duplex(64 * 1024);
    let server = tokio::spawn(async move {
        let mut conn = Box::pin(Builder::new().serve_connection(server_io, svc));
        conn.as_mut().graceful_shutdown();
        conn.await
    });
    let (send, conn) = h2::client::handshake(client_io).await.unwrap();
    let client_conn = tokio::spawn(conn);
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
    let client_result = timeout(LIMIT, client_conn).await.unwrap().unwrap();
    if let Err(err) = client_result {
        assert!(err.is_go_away(), "unexpected client error: {err:?}");
    }
    drop(send);
}

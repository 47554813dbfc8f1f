//! The HTTP/2 limits a client can observe: announced settings, oversized header lists, and a
//! request body cut short by a reset.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use spire_body::{BodyExt, Full};
use spire_conn::{Incoming, server::http2::Builder};
use spire_service::{Service, service_fn};
use tokio::sync::oneshot;
use tokio::time::timeout;

mod support;
use support::LIMIT;
use support::http2::start;

fn ok_service() -> impl Service<
    Request<Incoming>,
    Response = Response<Full<Bytes>>,
    Error = Infallible,
    Future = impl Future<Output = Result<Response<Full<Bytes>>, Infallible>> + Send,
> + Clone
+ Send
+ 'static {
    service_fn(|_req: Request<Incoming>| async {
        Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(b"ok"))))
    })
}

fn get() -> Request<()> {
    Request::builder()
        .method(Method::GET)
        .uri("http://localhost/")
        .body(())
        .unwrap()
}

#[tokio::test]
async fn max_concurrent_streams_is_announced_to_the_client() {
    let (send, client_conn, server) = start(Builder::new(), ok_service()).await;
    assert_eq!(send.current_max_send_streams(), 200);
    drop(send);
    timeout(LIMIT, client_conn).await.unwrap().unwrap().unwrap();
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();

    let mut builder = Builder::new();
    builder.max_concurrent_streams(7);
    let (send, client_conn, server) = start(builder, ok_service()).await;
    assert_eq!(send.current_max_send_streams(), 7);
    drop(send);
    timeout(LIMIT, client_conn).await.unwrap().unwrap().unwrap();
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn header_list_over_the_limit_is_refused_and_the_connection_survives() {
    let mut builder = Builder::new();
    builder.max_header_list_size(4 * 1024);
    let (mut send, client_conn, server) = start(builder, ok_service()).await;

    let mut big = get();
    big.headers_mut()
        .insert("x-big", "a".repeat(8 * 1024).parse().unwrap());
    let (response, _) = send.send_request(big, true).unwrap();
    // h2 answers 431 or resets the stream; either way the service never sees it.
    match timeout(LIMIT, response).await.unwrap() {
        Ok(response) => assert_eq!(
            response.status(),
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE
        ),
        Err(err) => assert!(err.is_reset(), "{err:?}"),
    }

    // The connection still serves well-formed requests.
    let (response, _) = send.send_request(get(), true).unwrap();
    let response = timeout(LIMIT, response).await.unwrap().unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    drop(response);

    drop(send);
    timeout(LIMIT, client_conn).await.unwrap().unwrap().unwrap();
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn request_body_cut_by_a_reset_fails_with_a_body_error() {
    let (seen_tx, seen_rx) = oneshot::channel::<spire_conn::Error>();
    let seen_tx = Arc::new(Mutex::new(Some(seen_tx)));
    let (started_tx, started_rx) = oneshot::channel::<()>();
    let started_tx = Arc::new(Mutex::new(Some(started_tx)));
    let svc = service_fn(move |req: Request<Incoming>| {
        let seen_tx = seen_tx.clone();
        let started_tx = started_tx.clone();
        async move {
            if let Some(tx) = started_tx.lock().unwrap().take() {
                let _ = tx.send(());
            }
            // The reading happens in a task of its own: the reset drops the service future.
            tokio::spawn(async move {
                if let Err(err) = req.into_body().collect().await
                    && let Some(tx) = seen_tx.lock().unwrap().take()
                {
                    let _ = tx.send(err);
                }
            });
            std::future::pending::<()>().await;
            Ok::<_, Infallible>(Response::new(Full::new(Bytes::new())))
        }
    });
    let (mut send, client_conn, server) = start(Builder::new(), svc).await;

    let req = Request::builder()
        .method(Method::POST)
        .uri("http://localhost/upload")
        .body(())
        .unwrap();
    let (response, mut upload) = send.send_request(req, false).unwrap();
    upload
        .send_data(Bytes::from_static(b"first half"), false)
        .unwrap();
    timeout(LIMIT, started_rx).await.unwrap().unwrap();
    upload.send_reset(h2::Reason::CANCEL);

    let err = timeout(LIMIT, seen_rx).await.unwrap().unwrap();
    assert!(err.is_body(), "{err:?}");
    let source = std::error::Error::source(&err)
        .and_then(|s| s.downcast_ref::<h2::Error>())
        .expect("the h2 error is the source");
    assert_eq!(source.reason(), Some(h2::Reason::CANCEL));

    drop((response, upload));
    drop(send);
    timeout(LIMIT, client_conn).await.unwrap().unwrap().unwrap();
    timeout(LIMIT, server).await.unwrap().unwrap().unwrap();
}

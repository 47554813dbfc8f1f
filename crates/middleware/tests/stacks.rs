//! The recommended stacks: each layer in them does its job once assembled, in order.
#![cfg(feature = "http")]

use std::collections::VecDeque;
use std::convert::Infallible;
use std::io::{Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode, header};
use spire_body::{BodyExt, Full};
use spire_middleware::error::Elapsed;
use spire_middleware::http::follow_redirect::RequestUri;
use spire_middleware::http::retry::RetryPolicy;
use spire_middleware::stacks::{ClientStack, ServerStack};
use spire_service::{BoxError, Service, ServiceExt, service_fn};

type Body = Full<Bytes>;
/// What a service inside the server stack receives: the body limit wraps the body.
type Limited = spire_body::Limited<Body>;

fn text() -> Bytes {
    Bytes::from("the quick brown fox jumps over the lazy dog\n".repeat(32))
}

fn empty_request() -> Request<Body> {
    Request::new(Full::new(Bytes::new()))
}

async fn body_bytes<B>(body: B) -> Bytes
where
    B: spire_body::Body,
    B::Error: std::fmt::Debug,
{
    body.collect().await.unwrap().to_bytes()
}

// ----- server -----

fn hello() -> impl Service<Request<Limited>, Response = Response<Body>, Error = Infallible> + Clone
{
    service_fn(|_: Request<Limited>| async {
        Ok::<_, Infallible>(Response::new(Full::new(text())))
    })
}

#[tokio::test]
async fn server_sets_and_echoes_a_request_id() {
    let svc = ServerStack::new().into_builder().service(hello());
    let fresh = svc.clone().oneshot(empty_request()).await.unwrap();
    let id = fresh.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(id.len(), 32, "{id}");

    let mut request = empty_request();
    request
        .headers_mut()
        .insert("x-request-id", "from-the-client".parse().unwrap());
    let kept = svc.oneshot(request).await.unwrap();
    assert_eq!(kept.headers()["x-request-id"], "from-the-client");
}

#[tokio::test]
async fn server_turns_a_panic_into_a_500_with_the_request_id() {
    let panicking = service_fn(|_: Request<Limited>| async {
        if true {
            panic!("handler bug");
        }
        Ok::<_, Infallible>(Response::new(Full::new(Bytes::new())))
    });
    let svc = ServerStack::new().into_builder().service(panicking);
    let response = svc.oneshot(empty_request()).await.unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(response.headers().contains_key("x-request-id"));
}

#[tokio::test]
async fn server_refuses_a_declared_body_over_the_limit_without_calling_the_service() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = {
        let calls = Arc::clone(&calls);
        service_fn(move |_: Request<Limited>| {
            calls.fetch_add(1, Ordering::SeqCst);
            async { Ok::<_, Infallible>(Response::new(Full::new(Bytes::new()))) }
        })
    };
    let svc = ServerStack::new()
        .body_limit(16)
        .into_builder()
        .service(counted);
    let request = Request::builder()
        .method(Method::POST)
        .header(header::CONTENT_LENGTH, "17")
        .body(Full::new(Bytes::from(vec![b'x'; 17])))
        .unwrap();
    let response = svc.oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn server_compresses_what_the_client_accepts() {
    let svc = ServerStack::new().into_builder().service(hello());
    let request = Request::builder()
        .header(header::ACCEPT_ENCODING, "gzip")
        .body(Full::new(Bytes::new()))
        .unwrap();
    let response = svc.clone().oneshot(request).await.unwrap();
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "gzip");
    let compressed = body_bytes(response.into_body()).await;
    let mut plain = Vec::new();
    flate2::read::GzDecoder::new(&compressed[..])
        .read_to_end(&mut plain)
        .unwrap();
    assert_eq!(plain, text());

    let svc = ServerStack::new()
        .without_compression()
        .into_builder()
        .service(hello());
    let request = Request::builder()
        .header(header::ACCEPT_ENCODING, "gzip")
        .body(Full::new(Bytes::new()))
        .unwrap();
    let response = svc.oneshot(request).await.unwrap();
    assert!(!response.headers().contains_key(header::CONTENT_ENCODING));
    assert_eq!(body_bytes(response.into_body()).await, text());
}

#[tokio::test(start_paused = true)]
async fn server_answers_408_at_its_timeout() {
    let slow = service_fn(|_: Request<Limited>| async {
        tokio::time::sleep(Duration::from_secs(60)).await;
        Ok::<_, Infallible>(Response::new(Full::new(Bytes::new())))
    });
    let svc = ServerStack::new()
        .timeout(Duration::from_secs(5))
        .into_builder()
        .service(slow);
    let started = tokio::time::Instant::now();
    let response = svc.oneshot(empty_request()).await.unwrap();
    assert_eq!(response.status(), StatusCode::REQUEST_TIMEOUT);
    assert_eq!(started.elapsed(), Duration::from_secs(5));
}

#[tokio::test]
async fn server_sheds_with_503_past_its_concurrency_limit() {
    let (release, released) = tokio::sync::watch::channel(false);
    let blocking = service_fn(move |_: Request<Limited>| {
        let mut released = released.clone();
        async move {
            released.wait_for(|done| *done).await.unwrap();
            Ok::<_, Infallible>(Response::new(Full::new(Bytes::from("done"))))
        }
    });
    let svc = ServerStack::new()
        .concurrency_limit(1)
        .into_builder()
        .service(blocking);

    let first = tokio::spawn(svc.clone().oneshot(empty_request()));
    tokio::task::yield_now().await;
    let shed = svc.clone().oneshot(empty_request()).await.unwrap();
    assert_eq!(shed.status(), StatusCode::SERVICE_UNAVAILABLE);

    release.send(true).unwrap();
    let first = first.await.unwrap().unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    // The permit is back: the next request is served.
    let next = svc.oneshot(empty_request()).await.unwrap();
    assert_eq!(next.status(), StatusCode::OK);
}

// ----- client -----

/// What the backend saw of one request: method, URI and `Accept-Encoding`.
type Seen = (Method, String, Option<String>);

/// A backend answering the scripted responses in order, recording each request's method
/// and URI.
#[derive(Clone)]
struct Scripted {
    responses: Arc<Mutex<VecDeque<Response<Body>>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Scripted {
    fn new(responses: impl IntoIterator<Item = Response<Body>>) -> Self {
        Self {
            responses: Arc::new(Mutex::new(responses.into_iter().collect())),
            seen: Arc::default(),
        }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    fn service<B: Send + 'static>(
        &self,
    ) -> impl Service<
        Request<B>,
        Response = Response<Body>,
        Error = BoxError,
        Future = impl Future<Output = Result<Response<Body>, BoxError>> + Send,
    > + Clone
    + Send
    + 'static {
        let this = self.clone();
        service_fn(move |request: Request<B>| {
            let accept = request
                .headers()
                .get(header::ACCEPT_ENCODING)
                .map(|v| v.to_str().unwrap().to_owned());
            this.seen.lock().unwrap().push((
                request.method().clone(),
                request.uri().to_string(),
                accept,
            ));
            let next = this.responses.lock().unwrap().pop_front();
            async move { next.ok_or_else(|| BoxError::from("no more scripted responses")) }
        })
    }
}

fn status(code: u16) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = StatusCode::from_u16(code).unwrap();
    response
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Full::new(Bytes::new())).unwrap()
}

#[tokio::test(start_paused = true)]
async fn client_retries_an_idempotent_request_on_503() {
    let backend = Scripted::new([status(503), status(200)]);
    let svc = ClientStack::new().into_builder().service(backend.service());
    let response = svc.oneshot(get("http://a.test/x")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(backend.seen().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn client_does_not_retry_a_post() {
    let backend = Scripted::new([status(503), status(200)]);
    let svc = ClientStack::new().into_builder().service(backend.service());
    let request = Request::post("http://a.test/x")
        .body(Full::new(Bytes::from("order")))
        .unwrap();
    let response = svc.oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(backend.seen().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn client_retries_can_be_turned_off() {
    let backend = Scripted::new([status(503), status(200)]);
    let svc = ClientStack::new()
        .retry(RetryPolicy::new().max_attempts(1))
        .into_builder()
        .service(backend.service());
    let response = svc.oneshot(get("http://a.test/x")).await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(backend.seen().len(), 1);
}

#[tokio::test]
async fn client_follows_a_redirect_and_reports_the_final_uri() {
    let mut moved = status(302);
    moved
        .headers_mut()
        .insert(header::LOCATION, "/new".parse().unwrap());
    let backend = Scripted::new([moved, status(200)]);
    let svc = ClientStack::new().into_builder().service(backend.service());
    let response = svc.oneshot(get("http://a.test/old")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let RequestUri(uri) = response.extensions().get::<RequestUri>().unwrap();
    assert_eq!(uri, "http://a.test/new");
    let uris: Vec<String> = backend.seen().into_iter().map(|(_, uri, _)| uri).collect();
    assert_eq!(uris, ["http://a.test/old", "http://a.test/new"]);
}

#[tokio::test]
async fn client_asks_for_and_decodes_compressed_responses() {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(&text()).unwrap();
    let mut gzipped = Response::new(Full::new(Bytes::from(encoder.finish().unwrap())));
    gzipped
        .headers_mut()
        .insert(header::CONTENT_ENCODING, "gzip".parse().unwrap());
    let backend = Scripted::new([gzipped]);
    let svc = ClientStack::new().into_builder().service(backend.service());
    let response = svc.oneshot(get("http://a.test/")).await.unwrap();
    assert!(!response.headers().contains_key(header::CONTENT_ENCODING));
    assert_eq!(body_bytes(response.into_body()).await, text());
    let accept = backend.seen()[0].2.clone().unwrap();
    assert!(accept.contains("gzip"), "{accept}");
}

#[tokio::test(start_paused = true)]
async fn client_times_out_the_whole_call() {
    let never = service_fn(|_: Request<_>| async {
        std::future::pending::<()>().await;
        Ok::<Response<Body>, BoxError>(status(200))
    });
    let svc = ClientStack::new()
        .timeout(Duration::from_secs(2))
        .into_builder()
        .service(never);
    let err = svc.oneshot(get("http://a.test/")).await.unwrap_err();
    assert!(err.is::<Elapsed>(), "{err}");
}

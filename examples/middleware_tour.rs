//! A tour of spire-middleware: real layers around one handler, and what each one does to
//! a request.
//!
//! What it shows:
//! 1. a server stack built with `ServiceBuilder` in the order of `stacks::ServerStack`,
//!    plus CORS, around one handler, driven in-process (no sockets). Each section sends
//!    one or two requests that make one layer act: a request id set and echoed, the trace
//!    layer's hooks, a CORS preflight answered, a body over the limit refused with 413, a
//!    response compressed as `Accept-Encoding` asks, a stuck handler answered 408, a
//!    request past the concurrency limit shed with 503, and a panic turned into a 500;
//! 2. the client stack, `stacks::ClientStack`, around an in-process fake backend: a 503
//!    retried, a redirect followed, a gzip response decoded.
//!
//! Run it with:
//!
//! ```text
//! cargo run --example middleware_tour
//! ```
//!
//! What to look at: the `[trace]` lines are the trace layer's hooks (a `TraceHooks`
//! implementation that prints instead of recording), in the order the layer calls them.
//! Where a layer answers on its own (the preflight, 413, 503), there is no `[handler]`
//! line: the request never reached the handler. In part 2, the `[backend]` lines are what
//! crossed the "wire": two attempts for the retried request, two hops for the redirect, a
//! short gzip body that the caller reads decoded. The output is the same on every run:
//! request ids come from a counter and no latency is printed. Chapter 6 of the study
//! guide (`docs/06-middleware.md`) explains each layer and why the stacks are ordered
//! this way.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

use bytes::{Buf, Bytes};
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode, header};
use spire_body::{Body, BodyExt, Full, Limited};
use spire_middleware::ServiceBuilderExt;
use spire_middleware::http::compression::CompressionLayer;
use spire_middleware::http::cors::CorsLayer;
use spire_middleware::http::follow_redirect::RequestUri;
use spire_middleware::http::replay::ReplayBody;
use spire_middleware::http::request_id::{MakeRequestId, RequestId};
use spire_middleware::http::trace::{FailureClass, ServerErrorsAsFailures, TraceHooks};
use spire_middleware::stacks::ClientStack;
use spire_service::{BoxError, Service, ServiceBuilder, ServiceExt, service_fn};
use tracing::Span;

/// Request ids from a counter (`req-1`, `req-2`, ...). The default maker,
/// `MakeRequestHex`, starts each id with a random per-process prefix.
#[derive(Clone, Default)]
struct CountingIds(Arc<AtomicU64>);

impl MakeRequestId for CountingIds {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let n = self.0.fetch_add(1, Ordering::Relaxed) + 1;
        HeaderValue::from_str(&format!("req-{n}"))
            .ok()
            .map(RequestId::new)
    }
}

/// Trace hooks that print each call instead of recording it, so the trace layer's work is
/// visible without a `tracing` subscriber. Latencies are left out: they differ per run.
#[derive(Clone, Copy)]
struct PrintHooks;

impl TraceHooks for PrintHooks {
    fn make_span<B>(&self, request: &Request<B>) -> Span {
        let id = request.headers().get("x-request-id");
        let id = id.and_then(|id| id.to_str().ok()).unwrap_or("none");
        println!(
            "   [trace] make_span: {} {}, x-request-id {id}",
            request.method(),
            request.uri()
        );
        Span::none()
    }

    fn on_request<B>(&self, _: &Request<B>, _: &Span) {
        println!("   [trace] on_request");
    }

    fn on_response<B>(&self, response: &Response<B>, _: Duration, _: &Span) {
        println!("   [trace] on_response: {}", response.status());
    }

    fn on_body_chunk<D: Buf>(&self, chunk: &D, _: Duration, _: &Span) {
        println!("   [trace] on_body_chunk: {} bytes", chunk.remaining());
    }

    fn on_eos(&self, _: Option<&HeaderMap>, _: Duration, _: &Span) {
        println!("   [trace] on_eos");
    }

    fn on_failure(&self, failure: &FailureClass, _: Duration, _: &Span) {
        println!("   [trace] on_failure: {failure}");
    }
}

/// The handler: one route per behaviour the tour needs.
async fn handler(
    request: Request<Limited<Full<Bytes>>>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    // The id is in the extensions too: no header parsing needed.
    let id = request.extensions().get::<RequestId>();
    let id = id
        .and_then(|id| id.header_value().to_str().ok())
        .unwrap_or("none");
    let path = request.uri().path().to_owned();
    println!("   [handler] {} {path}, request id {id}", request.method());
    let body = match path.as_str() {
        "/hello" => hello_text(),
        "/slow" => {
            tokio::time::sleep(Duration::from_millis(10)).await;
            String::from("slow, but done")
        }
        "/stuck" => std::future::pending().await,
        "/panic" => panic!("the handler has a bug"),
        _ => String::from("not found"),
    };
    println!("   [handler] answering with {} bytes", body.len());
    Ok(Response::new(Full::new(Bytes::from(body))))
}

/// The body of `/hello`: long and repetitive, so it compresses well.
fn hello_text() -> String {
    "Hello from the spire middleware tour!\n".repeat(32)
}

/// Reads a whole response body, as a connection driver writing it out would.
async fn read<B>(response: Response<B>) -> Result<Response<Bytes>, BoxError>
where
    B: Body<Data = Bytes>,
    B::Error: Into<BoxError>,
{
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.map_err(Into::into)?.to_bytes();
    Ok(Response::from_parts(parts, bytes))
}

/// Sends `request` through `svc` (readiness, then call), reads the response and prints a
/// summary: status, the headers the layers set, and the body's size.
async fn send<S, B>(svc: &mut S, request: Request<Full<Bytes>>) -> Result<Response<Bytes>, BoxError>
where
    S: Service<Request<Full<Bytes>>, Response = Response<B>, Error = BoxError>,
    B: Body<Data = Bytes>,
    B::Error: Into<BoxError>,
{
    println!(">> {} {}", request.method(), request.uri());
    let response = read(svc.ready().await?.call(request).await?).await?;
    summary(&response);
    Ok(response)
}

/// Prints a response's status, the headers the layers set and the body's size.
fn summary(response: &Response<Bytes>) {
    let mut line = format!("<< {}", response.status());
    for name in ["x-request-id", "content-encoding", "vary"] {
        if let Some(value) = response.headers().get(name) {
            line += &format!(", {name}: {}", value.to_str().unwrap_or("?"));
        }
    }
    println!("{line}, {} body bytes", response.body().len());
}

/// A GET request with an empty body.
fn get(uri: &str) -> Request<Full<Bytes>> {
    Request::get(uri)
        .body(Full::default())
        .expect("a valid request")
}

fn section(title: &str) {
    println!("\n-- {title}");
}

async fn server_tour() -> Result<(), BoxError> {
    println!("== 1. the server stack ==");
    println!(
        "set id > trace > echo id > catch panic > body limit > compression > cors > timeout > load shed > limit(1)"
    );
    let cors = CorsLayer::new()
        .allow_origin(HeaderValue::from_static("https://app.example"))
        .allow_methods([Method::GET, Method::POST])
        .max_age(Duration::from_secs(600));
    let mut svc = ServiceBuilder::new()
        .set_x_request_id(CountingIds::default())
        .trace(PrintHooks, ServerErrorsAsFailures::new())
        .propagate_x_request_id()
        .catch_panic()
        .request_body_limit(1024)
        .compression()
        // CORS answers a preflight with the inner body type's `Default`, so it goes inside
        // the body limit and compression: their bodies have none.
        .layer(cors)
        .http_timeout(Duration::from_millis(100))
        .http_load_shed()
        .concurrency_limit(1)
        .service_fn(handler);

    section("request id: none sent, so one is set, and echoed on the response");
    send(&mut svc, get("/hello")).await?;

    section("request id: the caller's own is kept");
    let mut request = get("/hello");
    request
        .headers_mut()
        .insert("x-request-id", HeaderValue::from_static("from-the-caller"));
    send(&mut svc, request).await?;

    section("compression: Accept-Encoding: gzip (the trace sees the compressed chunks)");
    let mut request = get("/hello");
    request
        .headers_mut()
        .insert(header::ACCEPT_ENCODING, HeaderValue::from_static("gzip"));
    let response = send(&mut svc, request).await?;
    let sent = response.body().len();
    let written = hello_text().len();
    println!("   {written} bytes from the handler, {sent} bytes of gzip sent");

    section("cors: a preflight is answered by the layer");
    let preflight = Request::options("/hello")
        .header(header::ORIGIN, "https://app.example")
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .body(Full::default())?;
    let response = send(&mut svc, preflight).await?;
    for name in [
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        header::ACCESS_CONTROL_ALLOW_METHODS,
        header::ACCESS_CONTROL_MAX_AGE,
    ] {
        println!("   {name}: {:?}", response.headers()[&name]);
    }

    section("body limit: a 4096-byte upload, limit 1024");
    let upload = Request::post("/upload")
        .header(header::CONTENT_LENGTH, "4096")
        .body(Full::new(Bytes::from(vec![b'x'; 4096])))?;
    let response = send(&mut svc, upload).await?;
    println!("   body: {:?}", response.body());

    section("timeout: the handler never answers, the layer does after 100 ms");
    send(&mut svc, get("/stuck")).await?;

    section("load shed: one request in flight, the concurrency limit is 1");
    println!(">> GET /slow, called but not awaited yet: it holds the only permit");
    let in_flight = svc.ready().await?.call(get("/slow"));
    send(&mut svc, get("/hello")).await?;
    let response = read(in_flight.await?).await?;
    print!("   the request in flight finishes: ");
    summary(&response);

    section("catch panic: the handler panics");
    send(&mut svc, get("/panic")).await?;
    Ok(())
}

/// What the fake backend receives: the retry and the redirect layers each wrap the body
/// in a `ReplayBody`, so it can be sent again.
type BackendRequest = Request<ReplayBody<ReplayBody<Full<Bytes>>>>;

/// The fake backend's routes. `flaky` counts the calls to `/flaky`.
async fn origin(
    request: BackendRequest,
    flaky: Arc<AtomicU32>,
) -> Result<Response<Full<Bytes>>, BoxError> {
    let mut response = Response::new(Full::default());
    match request.uri().path() {
        "/flaky" => {
            let attempt = flaky.fetch_add(1, Ordering::SeqCst) + 1;
            if attempt == 1 {
                *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
            } else {
                *response.body_mut() = Full::new(Bytes::from(format!("ok on attempt {attempt}")));
            }
        }
        "/old" => {
            *response.status_mut() = StatusCode::MOVED_PERMANENTLY;
            response
                .headers_mut()
                .insert(header::LOCATION, HeaderValue::from_static("/new"));
        }
        "/new" => *response.body_mut() = Full::new(Bytes::from("the new place")),
        "/report" => {
            *response.body_mut() = Full::new(Bytes::from("all systems nominal\n".repeat(50)));
        }
        _ => *response.status_mut() = StatusCode::NOT_FOUND,
    }
    Ok(response)
}

/// The backend: `origin` behind the server-side compression layer, and a "wire" that
/// reads each response body whole and prints what would cross the network.
fn backend(
    flaky: Arc<AtomicU32>,
) -> impl Service<BackendRequest, Response = Response<Full<Bytes>>, Error = BoxError> + Clone {
    let app = ServiceBuilder::new()
        .layer(CompressionLayer::new())
        .service_fn(move |request| origin(request, Arc::clone(&flaky)));
    service_fn(move |request: BackendRequest| {
        let line = format!("{} {}", request.method(), request.uri().path());
        let app = app.clone();
        async move {
            let (parts, bytes) = read(app.oneshot(request).await?).await?.into_parts();
            let coding = parts
                .headers
                .get(header::CONTENT_ENCODING)
                .map_or(String::new(), |v| format!(", content-encoding {v:?}"));
            println!(
                "   [backend] {line} -> {}, {} body bytes{coding}",
                parts.status,
                bytes.len()
            );
            Ok(Response::from_parts(parts, Full::new(bytes)))
        }
    })
}

async fn client_tour() -> Result<(), BoxError> {
    println!("\n== 2. the client stack ==");
    println!("trace > timeout > retry > follow redirects > decompression > limit > backend");
    let flaky = Arc::new(AtomicU32::new(0));
    let mut client = ClientStack::new()
        .timeout(Duration::from_secs(5))
        .into_builder()
        .service(backend(Arc::clone(&flaky)));

    section("retry: the first attempt gets a 503");
    let response = send(&mut client, get("http://backend.test/flaky")).await?;
    println!(
        "   attempts: {}, body: {:?}",
        flaky.load(Ordering::SeqCst),
        response.body()
    );

    section("follow redirect: /old moved to /new");
    let response = send(&mut client, get("http://backend.test/old")).await?;
    let uri = response
        .extensions()
        .get::<RequestUri>()
        .map(|uri| uri.0.to_string());
    println!(
        "   final uri: {}, body: {:?}",
        uri.unwrap_or_default(),
        response.body()
    );

    section("decompression: the backend sends gzip, the caller reads text");
    let response = send(&mut client, get("http://backend.test/report")).await?;
    let text = String::from_utf8_lossy(response.body());
    let first_line = text.lines().next().unwrap_or_default();
    println!(
        "   decoded: {} bytes, first line {first_line:?}",
        text.len()
    );
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), BoxError> {
    // The default hook prints the panic's file and line to stderr; print the message only.
    std::panic::set_hook(Box::new(|info| {
        println!(
            "   [panic hook] {}",
            info.payload_as_str().unwrap_or("a panic")
        );
    }));
    server_tour().await?;
    client_tour().await
}

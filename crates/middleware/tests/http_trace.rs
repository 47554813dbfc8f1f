//! `http::trace`: what the span and the events record, the order of the hooks, the
//! classifiers, and redaction, read back through spire-test's recording subscriber.
#![cfg(feature = "http")]

use std::convert::Infallible;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::{Buf, Bytes};
use http::{HeaderMap, HeaderValue, Request, Response, StatusCode, header};
use spire_body::{BodyExt, Channel, Full, channel};
use spire_middleware::http::sensitive_headers::{
    SetSensitiveRequestHeadersLayer, SetSensitiveResponseHeadersLayer,
};
use spire_middleware::http::trace::{
    Classification, Classify, DefaultHooks, FailureClass, REDACTED, ServerErrorsAsFailures,
    StatusInRangeAsFailures, TraceHooks, TraceLayer,
};
use spire_service::{BoxError, Layer, Service, ServiceBuilder, ServiceExt, service_fn};
use spire_test::tracing::{EventRecord, Recorder, SpanRecord};
use tracing::{Level, Span};

type Mock = spire_test::mock::Mock<Request<()>, Response<Full<Bytes>>>;

/// A service that answers every request with `status` and a one-chunk body.
fn answer(
    status: StatusCode,
) -> impl Service<Request<()>, Response = Response<Full<Bytes>>, Error = Infallible> + Clone {
    service_fn(move |_: Request<()>| async move {
        let mut response = Response::new(Full::new(Bytes::from_static(b"body")));
        *response.status_mut() = status;
        Ok::<_, Infallible>(response)
    })
}

fn request(uri: &str) -> Request<()> {
    Request::builder().uri(uri).body(()).unwrap()
}

fn only_span(recorder: &Recorder) -> SpanRecord {
    let spans = recorder.spans();
    assert_eq!(spans.len(), 1, "{spans:#?}");
    spans.into_iter().next().unwrap()
}

fn events_with_message(recorder: &Recorder, message: &str) -> Vec<EventRecord> {
    recorder
        .events()
        .into_iter()
        .filter(|event| event.message() == Some(message))
        .collect()
}

#[tokio::test(start_paused = true)]
async fn trace_span_records_request_fields_then_status_and_latency() {
    let recorder = Recorder::new();
    let _guard = recorder.set_default();
    let (mock, mut handle): (Mock, _) = spire_test::mock::pair();
    let mut svc = TraceLayer::for_http().layer(mock);

    let response = svc
        .ready()
        .await
        .unwrap()
        .call(request("/notes/1?full=yes"));
    let (_, send) = handle.next_request().await.unwrap();
    let span = only_span(&recorder);
    assert_eq!(span.name, "request");
    assert_eq!(span.level, Level::DEBUG);
    assert_eq!(span.field("method"), Some("GET"));
    assert_eq!(span.field("uri"), Some("/notes/1?full=yes"));
    assert_eq!(span.field("version"), Some("HTTP/1.1"));
    assert_eq!(span.field("status"), None, "recorded before the response");
    assert_eq!(span.field("headers"), None, "headers are off by default");

    tokio::time::advance(Duration::from_millis(250)).await;
    let mut created = Response::new(Full::new(Bytes::from_static(b"done")));
    *created.status_mut() = StatusCode::CREATED;
    send.send_response(created);
    let response = response.await.unwrap();

    let span = only_span(&recorder);
    assert_eq!(span.field("status"), Some("201"));
    assert_eq!(span.field("latency"), Some("250ms"));
    let finished = events_with_message(&recorder, "finished processing request");
    assert_eq!(finished.len(), 1);
    assert_eq!(finished[0].span, Some(span.id));
    assert_eq!(finished[0].field("status"), Some("201"));
    assert_eq!(finished[0].field("latency"), Some("250ms"));

    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(bytes, "done");
    assert_eq!(events_with_message(&recorder, "end of stream").len(), 1);
    assert!(events_with_message(&recorder, "response failed").is_empty());
}

#[tokio::test]
async fn trace_inner_service_events_belong_to_the_request_span() {
    let recorder = Recorder::new();
    let _guard = recorder.set_default();
    let svc = ServiceBuilder::new()
        .layer(TraceLayer::for_http())
        .service_fn(|_: Request<()>| async {
            tracing::info!("inside the handler");
            Ok::<_, Infallible>(Response::new(Full::new(Bytes::new())))
        });
    let _response = svc.oneshot(request("/")).await.unwrap();
    let span = only_span(&recorder);
    let inside = events_with_message(&recorder, "inside the handler");
    assert_eq!(inside[0].span, Some(span.id));
}

/// Hooks that write down each call, with its latency, and keep the default span.
#[derive(Clone, Debug, Default)]
struct Journal(Arc<Mutex<Vec<String>>>);

impl Journal {
    fn push(&self, entry: String) {
        self.0.lock().unwrap().push(entry);
    }

    fn entries(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

impl<F: fmt::Display> TraceHooks<F> for Journal {
    fn on_request<B>(&self, request: &Request<B>, _: &Span) {
        self.push(format!("request {}", request.uri()));
    }

    fn on_response<B>(&self, response: &Response<B>, latency: Duration, _: &Span) {
        self.push(format!(
            "response {} at {latency:?}",
            response.status().as_u16()
        ));
    }

    fn on_body_chunk<D: Buf>(&self, chunk: &D, latency: Duration, _: &Span) {
        self.push(format!("chunk {} at {latency:?}", chunk.remaining()));
    }

    fn on_eos(&self, trailers: Option<&HeaderMap>, latency: Duration, _: &Span) {
        let trailers = trailers.map_or(0, HeaderMap::len);
        self.push(format!("eos with {trailers} trailers at {latency:?}"));
    }

    fn on_failure(&self, failure: &F, latency: Duration, _: &Span) {
        self.push(format!("failure {failure} at {latency:?}"));
    }
}

type StreamMock = spire_test::mock::Mock<Request<()>, Response<Channel<Bytes, BoxError>>>;

#[tokio::test(start_paused = true)]
async fn trace_hooks_run_in_order_request_response_chunks_eos() {
    // Takes its turn with the recording tests (see `Recorder::set_default`): a first use
    // of the trace call sites here must not race a recorder being installed.
    let _turn = Recorder::new().set_default();
    let journal = Journal::default();
    let (mock, mut handle): (StreamMock, _) = spire_test::mock::pair();
    let layer = TraceLayer::new(journal.clone(), ServerErrorsAsFailures::new());
    let mut svc = layer.layer(mock);

    let response = svc.ready().await.unwrap().call(request("/stream"));
    let (_, send) = handle.next_request().await.unwrap();
    tokio::time::advance(Duration::from_secs(1)).await;
    let (mut tx, body) = channel::<Bytes, BoxError>(4);
    send.send_response(Response::new(body));
    let mut body = response.await.unwrap().into_body();

    tokio::time::advance(Duration::from_secs(1)).await;
    tx.send_data(Bytes::from_static(b"ab")).await.unwrap();
    assert!(body.frame().await.unwrap().unwrap().is_data());
    tokio::time::advance(Duration::from_secs(1)).await;
    tx.send_data(Bytes::from_static(b"cde")).await.unwrap();
    assert!(body.frame().await.unwrap().unwrap().is_data());
    tokio::time::advance(Duration::from_secs(1)).await;
    let mut trailers = HeaderMap::new();
    trailers.insert("x-checksum", HeaderValue::from_static("7"));
    tx.send_trailers(trailers).await.unwrap();
    assert!(body.frame().await.unwrap().unwrap().is_trailers());
    assert!(body.frame().await.is_none());

    assert_eq!(
        journal.entries(),
        [
            "request /stream",
            "response 200 at 1s",
            "chunk 2 at 2s",
            "chunk 3 at 3s",
            "eos with 1 trailers at 4s",
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn trace_body_without_trailers_reports_eos_once_at_its_end() {
    // Takes its turn with the recording tests (see `Recorder::set_default`): a first use
    // of the trace call sites here must not race a recorder being installed.
    let _turn = Recorder::new().set_default();
    let journal = Journal::default();
    let svc = TraceLayer::new(journal.clone(), ServerErrorsAsFailures::new())
        .layer(answer(StatusCode::OK));
    let response = svc.oneshot(request("/")).await.unwrap();
    let mut body = response.into_body();
    assert!(body.frame().await.unwrap().unwrap().is_data());
    assert!(body.frame().await.is_none());
    assert!(body.frame().await.is_none());
    assert_eq!(
        journal.entries(),
        [
            "request /",
            "response 200 at 0ns",
            "chunk 4 at 0ns",
            "eos with 0 trailers at 0ns"
        ]
    );
}

#[tokio::test]
async fn trace_default_classifier_counts_5xx_as_failure_and_not_4xx() {
    let recorder = Recorder::new();
    let _guard = recorder.set_default();
    for status in [StatusCode::NOT_FOUND, StatusCode::SERVICE_UNAVAILABLE] {
        let svc = TraceLayer::for_http().layer(answer(status));
        let response = svc.oneshot(request("/")).await.unwrap();
        response.into_body().collect().await.unwrap();
    }
    let spans = recorder.spans();
    let failures = events_with_message(&recorder, "response failed");
    assert_eq!(failures.len(), 1, "{failures:#?}");
    assert_eq!(failures[0].level, Level::ERROR);
    assert_eq!(failures[0].field("classification"), Some("status 503"));
    assert_eq!(failures[0].span, Some(spans[1].id));
    assert_eq!(spans[0].field("status"), Some("404"));
}

#[tokio::test(start_paused = true)]
async fn trace_status_in_range_counts_4xx_as_failure() {
    // Takes its turn with the recording tests (see `Recorder::set_default`): a first use
    // of the trace call sites here must not race a recorder being installed.
    let _turn = Recorder::new().set_default();
    let journal = Journal::default();
    let layer = TraceLayer::new(journal.clone(), StatusInRangeAsFailures::for_client());
    for status in [StatusCode::OK, StatusCode::NOT_FOUND] {
        let svc = layer.layer(answer(status));
        svc.oneshot(request("/")).await.unwrap();
    }
    let failures: Vec<_> = journal
        .entries()
        .into_iter()
        .filter(|entry| entry.starts_with("failure"))
        .collect();
    assert_eq!(failures, ["failure status 404 at 0ns"]);
}

#[tokio::test(start_paused = true)]
async fn trace_service_error_is_reported_through_on_failure() {
    let recorder = Recorder::new();
    let _guard = recorder.set_default();
    let journal = Journal::default();
    let (mock, mut handle): (Mock, _) = spire_test::mock::pair();
    let mut svc = TraceLayer::new(journal.clone(), ServerErrorsAsFailures::new()).layer(mock);
    let response = svc.ready().await.unwrap().call(request("/"));
    let (_, send) = handle.next_request().await.unwrap();
    tokio::time::advance(Duration::from_millis(30)).await;
    send.send_error("connection reset");
    assert_eq!(response.await.unwrap_err().to_string(), "connection reset");

    assert_eq!(
        journal.entries(),
        ["request /", "failure error: connection reset at 30ms"]
    );
    let span = only_span(&recorder);
    assert_eq!(span.field("latency"), Some("30ms"));
    assert_eq!(span.field("status"), None);
}

#[tokio::test]
async fn trace_service_error_default_hooks_emit_an_error_event() {
    let recorder = Recorder::new();
    let _guard = recorder.set_default();
    let (mock, mut handle): (Mock, _) = spire_test::mock::pair();
    let hooks = DefaultHooks::new().failure_level(Level::WARN);
    let mut svc = TraceLayer::new(hooks, ServerErrorsAsFailures::new()).layer(mock);
    let response = svc.ready().await.unwrap().call(request("/"));
    let (_, send) = handle.next_request().await.unwrap();
    send.send_error("boom");
    assert!(response.await.is_err());
    let failures = events_with_message(&recorder, "response failed");
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].level, Level::WARN);
    assert_eq!(failures[0].field("classification"), Some("error: boom"));
}

#[tokio::test(start_paused = true)]
async fn trace_body_error_is_reported_through_on_failure_and_ends_the_stream() {
    // Takes its turn with the recording tests (see `Recorder::set_default`): a first use
    // of the trace call sites here must not race a recorder being installed.
    let _turn = Recorder::new().set_default();
    let journal = Journal::default();
    let (mock, mut handle): (StreamMock, _) = spire_test::mock::pair();
    let mut svc = TraceLayer::new(journal.clone(), ServerErrorsAsFailures::new()).layer(mock);
    let response = svc.ready().await.unwrap().call(request("/"));
    let (_, send) = handle.next_request().await.unwrap();
    let (mut tx, body) = channel::<Bytes, BoxError>(4);
    send.send_response(Response::new(body));
    let mut body = response.await.unwrap().into_body();
    tx.send_data(Bytes::from_static(b"x")).await.unwrap();
    tokio::time::advance(Duration::from_secs(2)).await;
    assert!(body.frame().await.unwrap().unwrap().is_data());
    tx.abort("peer went away".into());
    assert!(body.frame().await.unwrap().is_err());
    let _ = body.frame().await;
    assert_eq!(
        journal.entries(),
        [
            "request /",
            "response 200 at 0ns",
            "chunk 1 at 2s",
            "failure error: peer went away at 2s",
        ]
    );
}

/// gRPC's way: the status is in the trailers, so the head cannot tell.
#[derive(Clone, Copy)]
struct GrpcStatus;

impl Classify for GrpcStatus {
    type Failure = FailureClass;

    fn classify_response<B>(&self, _: &Response<B>) -> Classification<FailureClass> {
        Classification::AtEndOfStream
    }

    fn classify_eos(&self, trailers: Option<&HeaderMap>) -> Result<(), FailureClass> {
        match trailers.and_then(|trailers| trailers.get("grpc-status")) {
            Some(code) if code != "0" => Err(FailureClass::Error(format!(
                "grpc-status {}",
                code.to_str().unwrap()
            ))),
            _ => Ok(()),
        }
    }

    fn classify_error<E: fmt::Display>(&self, error: &E) -> FailureClass {
        FailureClass::Error(error.to_string())
    }
}

#[tokio::test(start_paused = true)]
async fn trace_classification_at_end_of_stream_reads_the_trailers() {
    // Takes its turn with the recording tests (see `Recorder::set_default`): a first use
    // of the trace call sites here must not race a recorder being installed.
    let _turn = Recorder::new().set_default();
    let journal = Journal::default();
    let (mock, mut handle): (StreamMock, _) = spire_test::mock::pair();
    let mut svc = TraceLayer::new(journal.clone(), GrpcStatus).layer(mock);
    let response = svc.ready().await.unwrap().call(request("/"));
    let (_, send) = handle.next_request().await.unwrap();
    let (tx, body) = channel::<Bytes, BoxError>(4);
    send.send_response(Response::new(body));
    let response = response.await.unwrap();
    let mut trailers = HeaderMap::new();
    trailers.insert("grpc-status", HeaderValue::from_static("13"));
    tx.send_trailers(trailers).await.unwrap();
    response.into_body().collect().await.unwrap();
    assert_eq!(
        journal.entries(),
        [
            "request /",
            "response 200 at 0ns",
            "eos with 1 trailers at 0ns",
            "failure error: grpc-status 13 at 0ns",
        ]
    );
}

#[tokio::test]
async fn trace_sensitive_header_values_are_redacted() {
    let recorder = Recorder::new();
    let _guard = recorder.set_default();
    let hooks = DefaultHooks::new().include_headers(true);
    let svc = ServiceBuilder::new()
        .layer(SetSensitiveRequestHeadersLayer::new([
            header::AUTHORIZATION,
        ]))
        .layer(TraceLayer::new(hooks, ServerErrorsAsFailures::new()))
        .layer(SetSensitiveResponseHeadersLayer::new([header::SET_COOKIE]))
        .service_fn(|_: Request<()>| async {
            let response = Response::builder()
                .header(header::SET_COOKIE, "session=cookie-secret")
                .header(header::CONTENT_TYPE, "text/plain")
                .body(Full::new(Bytes::from_static(b"hi")))
                .unwrap();
            Ok::<_, Infallible>(response)
        });
    let request = Request::builder()
        .uri("/private")
        .header(header::AUTHORIZATION, "Bearer token-secret")
        .header(header::ACCEPT, "text/plain")
        .body(())
        .unwrap();
    svc.oneshot(request).await.unwrap();

    let span = only_span(&recorder);
    let headers = span.field("headers").expect("request headers recorded");
    assert!(headers.contains(&format!("\"authorization\": {REDACTED}")));
    assert!(headers.contains("\"accept\": \"text/plain\""));
    let finished = &events_with_message(&recorder, "finished processing request")[0];
    let headers = finished
        .field("headers")
        .expect("response headers recorded");
    assert!(headers.contains(&format!("\"set-cookie\": {REDACTED}")));
    assert!(headers.contains("\"content-type\": \"text/plain\""));

    let everything = format!("{:?}{:?}", recorder.spans(), recorder.events());
    assert!(!everything.contains("token-secret"), "{everything}");
    assert!(!everything.contains("cookie-secret"), "{everything}");
}

#[tokio::test]
async fn trace_default_hooks_level_applies_to_span_and_events() {
    let recorder = Recorder::new();
    let _guard = recorder.set_default();
    let hooks = DefaultHooks::new().level(Level::INFO);
    let svc = TraceLayer::new(hooks, ServerErrorsAsFailures::new()).layer(answer(StatusCode::OK));
    svc.oneshot(request("/")).await.unwrap();
    assert_eq!(only_span(&recorder).level, Level::INFO);
    let events = recorder.events();
    assert_eq!(events.len(), 2, "{events:#?}");
    assert!(events.iter().all(|event| event.level == Level::INFO));
    assert_eq!(events[0].message(), Some("started processing request"));
    assert!(events[1].field("headers").is_none());
}

/// Hooks that log from the body hooks, to see which span their events land in.
#[derive(Clone, Debug)]
struct LogBody;

impl TraceHooks for LogBody {
    fn on_body_chunk<D: Buf>(&self, _: &D, _: Duration, _: &Span) {
        tracing::info!("chunk hook");
    }

    fn on_eos(&self, _: Option<&HeaderMap>, _: Duration, _: &Span) {
        tracing::info!("eos hook");
    }
}

#[tokio::test]
async fn trace_body_hooks_run_inside_the_request_span() {
    let recorder = Recorder::new();
    let _guard = recorder.set_default();
    let svc = TraceLayer::new(LogBody, ServerErrorsAsFailures::new()).layer(answer(StatusCode::OK));
    let response = svc.oneshot(request("/")).await.unwrap();
    tracing::info!("between the head and the body");
    response.into_body().collect().await.unwrap();

    let span = only_span(&recorder);
    assert_eq!(
        events_with_message(&recorder, "chunk hook")[0].span,
        Some(span.id)
    );
    assert_eq!(
        events_with_message(&recorder, "eos hook")[0].span,
        Some(span.id)
    );
    let between = &events_with_message(&recorder, "between the head and the body")[0];
    assert_eq!(between.span, None, "the span was left entered");
}

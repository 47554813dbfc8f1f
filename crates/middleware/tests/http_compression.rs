//! `http::compression`: coding choice from `Accept-Encoding`, the skip rules, the headers
//! it changes, streaming, and the round trip through `http::decompression`.
#![cfg(feature = "http")]

use std::convert::Infallible;
use std::io::{Read, Write};

use bytes::Bytes;
use futures_util::{FutureExt, stream};
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode, header};
use proptest::prelude::*;
use spire_body::{Body, BodyExt, Frame, Full, StreamBody, channel};
use spire_middleware::http::compression::{Compression, CompressionLayer, DefaultPredicate};
use spire_middleware::http::decompression::DecompressionLayer;
use spire_service::{Layer, Service, ServiceExt, service_fn};

/// 2 KiB of text that compresses well.
fn text() -> Bytes {
    Bytes::from("the quick brown fox jumps over the lazy dog\n".repeat(48))
}

/// A handler answering `response()`, whatever the request.
fn answering(
    response: impl Fn() -> Response<Full<Bytes>> + Clone,
) -> impl Service<Request<()>, Response = Response<Full<Bytes>>, Error = Infallible> + Clone {
    service_fn(move |_: Request<()>| {
        let response = response.clone();
        async move { Ok::<_, Infallible>(response()) }
    })
}

fn text_response() -> Response<Full<Bytes>> {
    Response::new(Full::new(text()))
}

fn request(accept_encoding: Option<&str>) -> Request<()> {
    let mut builder = Request::builder();
    if let Some(value) = accept_encoding {
        builder = builder.header(header::ACCEPT_ENCODING, value);
    }
    builder.body(()).unwrap()
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn unzlib(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

#[tokio::test]
async fn compression_gzip_body_decodes_to_the_original() {
    let svc = Compression::new(answering(text_response));
    let response = svc.oneshot(request(Some("gzip"))).await.unwrap();
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "gzip");
    let compressed = response.into_body().collect().await.unwrap().to_bytes();
    assert!(
        compressed.len() < text().len() / 10,
        "{} bytes",
        compressed.len()
    );
    assert_eq!(gunzip(&compressed), text());
}

#[tokio::test]
async fn compression_deflate_is_zlib_wrapped() {
    let svc = Compression::new(answering(text_response));
    let response = svc.oneshot(request(Some("deflate"))).await.unwrap();
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "deflate");
    let compressed = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(unzlib(&compressed), text());
}

#[tokio::test]
async fn compression_picks_the_coding_by_q_values() {
    let cases: &[(Option<&str>, Option<&str>)] = &[
        (None, None),
        (Some(""), None),
        (Some("gzip"), Some("gzip")),
        (Some("deflate"), Some("deflate")),
        (Some("gzip, deflate"), Some("gzip")),
        (Some("deflate, gzip"), Some("gzip")),
        (Some("gzip;q=0.5, deflate;q=0.8"), Some("deflate")),
        (Some("gzip;q=0.8, deflate;q=0.8"), Some("gzip")),
        (Some("GZip;Q=1.0"), Some("gzip")),
        (Some("x-gzip"), Some("gzip")),
        (Some("gzip;q=0"), None),
        (Some("gzip;q=0, deflate;q=0.001"), Some("deflate")),
        (Some("*"), Some("gzip")),
        (Some("*;q=0"), None),
        (Some("gzip;q=0, *"), Some("deflate")),
        (Some("identity;q=0"), None),
        (Some("identity;q=0, *;q=0.3"), Some("gzip")),
        (Some("gzip;q=0.5, identity"), None),
        (Some("gzip, identity"), Some("gzip")),
        (Some("br, zstd"), None),
        (Some("br;q=1, deflate;q=0.1"), Some("deflate")),
        (Some("gzip;q=2"), None),
        (Some(" gzip ; q=0.7 ,deflate;q=0.6 "), Some("gzip")),
    ];
    for &(accept, expected) in cases {
        let svc = Compression::new(answering(text_response));
        let response = svc.oneshot(request(accept)).await.unwrap();
        let coding = response
            .headers()
            .get(header::CONTENT_ENCODING)
            .map(|v| v.to_str().unwrap());
        assert_eq!(coding, expected, "Accept-Encoding: {accept:?}");
    }
}

#[tokio::test]
async fn compression_reads_every_accept_encoding_line() {
    let svc = Compression::new(answering(text_response));
    let request = Request::builder()
        .header(header::ACCEPT_ENCODING, "gzip;q=0.1")
        .header(header::ACCEPT_ENCODING, "deflate")
        .body(())
        .unwrap();
    let response = svc.oneshot(request).await.unwrap();
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "deflate");
}

#[tokio::test]
async fn compression_disabled_coding_is_never_chosen() {
    let svc = CompressionLayer::new()
        .gzip(false)
        .layer(answering(text_response));
    let response = svc
        .clone()
        .oneshot(request(Some("gzip, deflate;q=0.1")))
        .await
        .unwrap();
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "deflate");
    let response = svc.oneshot(request(Some("gzip"))).await.unwrap();
    assert!(response.headers().get(header::CONTENT_ENCODING).is_none());
}

/// Sends `response()` through the default layer to a client that accepts gzip; returns
/// the response head and the body bytes.
async fn through_compression(
    method: Method,
    response: impl Fn() -> Response<Full<Bytes>> + Clone,
) -> (http::response::Parts, Bytes) {
    let svc = Compression::new(service_fn(move |_: Request<()>| {
        let response = response.clone();
        async move { Ok::<_, Infallible>(response()) }
    }));
    let request = Request::builder()
        .method(method)
        .header(header::ACCEPT_ENCODING, "gzip")
        .body(())
        .unwrap();
    let (parts, body) = svc.oneshot(request).await.unwrap().into_parts();
    (parts, body.collect().await.unwrap().to_bytes())
}

fn with_header(name: header::HeaderName, value: &'static str) -> Response<Full<Bytes>> {
    let mut response = text_response();
    response
        .headers_mut()
        .insert(name, HeaderValue::from_static(value));
    response
}

fn with_status(status: StatusCode) -> Response<Full<Bytes>> {
    let mut response = text_response();
    *response.status_mut() = status;
    response
}

/// Asserts the response went through untouched: no coding, no Vary, same bytes.
fn assert_untouched(parts: &http::response::Parts, body: &Bytes, why: &str) {
    let encoding = parts.headers.get(header::CONTENT_ENCODING);
    assert!(
        encoding.is_none() || encoding.unwrap() == "br",
        "{why}: {encoding:?}"
    );
    assert!(
        !parts.headers.contains_key(header::VARY),
        "{why}: Vary added"
    );
    assert_eq!(*body, text(), "{why}: body changed");
}

#[tokio::test]
async fn compression_skips_a_response_already_encoded() {
    let (parts, body) =
        through_compression(Method::GET, || with_header(header::CONTENT_ENCODING, "br")).await;
    assert_eq!(parts.headers[header::CONTENT_ENCODING], "br");
    assert_untouched(&parts, &body, "already encoded");
}

#[tokio::test]
async fn compression_skips_bodies_under_the_minimum_size() {
    // Exact size hint: 31 bytes < 32.
    let (parts, body) = through_compression(Method::GET, || {
        Response::new(Full::new(Bytes::from(vec![b'a'; 31])))
    })
    .await;
    assert!(!parts.headers.contains_key(header::CONTENT_ENCODING));
    assert_eq!(body.len(), 31);
    // 32 bytes are compressed.
    let (parts, _) = through_compression(Method::GET, || {
        Response::new(Full::new(Bytes::from(vec![b'a'; 32])))
    })
    .await;
    assert_eq!(parts.headers[header::CONTENT_ENCODING], "gzip");
}

#[tokio::test]
async fn compression_skips_small_content_length_when_the_size_is_unknown() {
    let svc = Compression::new(service_fn(|_: Request<()>| async {
        let (mut tx, body) = channel::<Bytes, Infallible>(1);
        tx.send_data(Bytes::from_static(b"tiny")).await.unwrap();
        let response = Response::builder()
            .header(header::CONTENT_LENGTH, "4")
            .body(body)
            .unwrap();
        Ok::<_, Infallible>(response)
    }));
    let response = svc.oneshot(request(Some("gzip"))).await.unwrap();
    assert!(!response.headers().contains_key(header::CONTENT_ENCODING));
    assert_eq!(response.headers()[header::CONTENT_LENGTH], "4");
}

#[tokio::test]
async fn compression_min_size_is_configurable() {
    let small = || Response::new(Full::new(Bytes::from_static(b"abcdefgh")));
    let svc = CompressionLayer::new().min_size(0).layer(answering(small));
    let response = svc.oneshot(request(Some("gzip"))).await.unwrap();
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "gzip");
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(gunzip(&body), b"abcdefgh");

    let svc = CompressionLayer::new()
        .predicate(DefaultPredicate::new().min_size(4096))
        .layer(answering(text_response));
    let response = svc.oneshot(request(Some("gzip"))).await.unwrap();
    assert!(!response.headers().contains_key(header::CONTENT_ENCODING));
}

#[tokio::test]
async fn compression_skips_event_streams() {
    let (parts, body) = through_compression(Method::GET, || {
        with_header(header::CONTENT_TYPE, "text/event-stream; charset=utf-8")
    })
    .await;
    assert_untouched(&parts, &body, "text/event-stream");
}

#[tokio::test]
async fn compression_skips_images_but_not_svg() {
    for image in ["image/png", "IMAGE/JPEG", "image/webp"] {
        let (parts, body) = through_compression(Method::GET, move || {
            let mut response = text_response();
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(image));
            response
        })
        .await;
        assert_untouched(&parts, &body, image);
    }
    let (parts, _) = through_compression(Method::GET, || {
        with_header(header::CONTENT_TYPE, "image/svg+xml")
    })
    .await;
    assert_eq!(parts.headers[header::CONTENT_ENCODING], "gzip");
    let (parts, _) = through_compression(Method::GET, || {
        with_header(header::CONTENT_TYPE, "text/html")
    })
    .await;
    assert_eq!(parts.headers[header::CONTENT_ENCODING], "gzip");
}

#[tokio::test]
async fn compression_skips_head_responses() {
    let (parts, body) = through_compression(Method::HEAD, text_response).await;
    assert_untouched(&parts, &body, "HEAD");
}

#[tokio::test]
async fn compression_skips_responses_without_a_body_or_partial() {
    for status in [
        StatusCode::NO_CONTENT,
        StatusCode::NOT_MODIFIED,
        StatusCode::PARTIAL_CONTENT,
        StatusCode::from_u16(103).unwrap(),
    ] {
        let (parts, body) = through_compression(Method::GET, move || with_status(status)).await;
        assert_untouched(&parts, &body, status.as_str());
    }
    let (parts, body) = through_compression(Method::GET, || {
        with_header(header::CONTENT_RANGE, "bytes 0-2111/5000")
    })
    .await;
    assert_untouched(&parts, &body, "Content-Range");
}

#[tokio::test]
async fn compression_adjusts_length_ranges_and_etag() {
    let (parts, body) = through_compression(Method::GET, || {
        let mut response = text_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(text().len()));
        headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
        headers.insert(header::ETAG, HeaderValue::from_static("\"v1\""));
        response
    })
    .await;
    assert!(!parts.headers.contains_key(header::CONTENT_LENGTH));
    assert!(!parts.headers.contains_key(header::ACCEPT_RANGES));
    assert_eq!(parts.headers[header::ETAG], "W/\"v1\"");
    assert_eq!(gunzip(&body), text());

    let (parts, _) =
        through_compression(Method::GET, || with_header(header::ETAG, "W/\"weak\"")).await;
    assert_eq!(parts.headers[header::ETAG], "W/\"weak\"");
}

fn vary(headers: &HeaderMap) -> Vec<&str> {
    headers
        .get_all(header::VARY)
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect()
}

#[tokio::test]
async fn compression_vary_is_appended_once() {
    let (parts, _) = through_compression(Method::GET, text_response).await;
    assert_eq!(vary(&parts.headers), ["accept-encoding"]);

    let (parts, _) = through_compression(Method::GET, || with_header(header::VARY, "origin")).await;
    assert_eq!(vary(&parts.headers), ["origin", "accept-encoding"]);

    let (parts, _) = through_compression(Method::GET, || {
        with_header(header::VARY, "Origin, Accept-Encoding")
    })
    .await;
    assert_eq!(vary(&parts.headers), ["Origin, Accept-Encoding"]);

    let (parts, _) = through_compression(Method::GET, || with_header(header::VARY, "*")).await;
    assert_eq!(vary(&parts.headers), ["*"]);
}

#[tokio::test]
async fn compression_vary_is_set_when_identity_was_chosen_for_an_eligible_response() {
    for accept in [None, Some("br"), Some("gzip;q=0")] {
        let svc = Compression::new(answering(text_response));
        let response = svc.oneshot(request(accept)).await.unwrap();
        assert!(!response.headers().contains_key(header::CONTENT_ENCODING));
        assert_eq!(vary(response.headers()), ["accept-encoding"], "{accept:?}");
    }
}

#[tokio::test]
async fn compression_flushes_each_frame_before_the_next_arrives() {
    let (mut tx, body) = channel::<Bytes, Infallible>(1);
    let mut body = Some(body);
    let svc = Compression::new(service_fn(move |_: Request<()>| {
        let body = body.take().expect("called once");
        async move { Ok::<_, Infallible>(Response::new(body)) }
    }));
    let response = svc.oneshot(request(Some("gzip"))).await.unwrap();
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "gzip");
    let mut body = response.into_body();
    let mut decoder = flate2::write::GzDecoder::new(Vec::new());

    for event in ["data: one\n\n", "data: two\n\n"] {
        tx.send_data(Bytes::from(event)).await.unwrap();
        // The sender stays open: the frame must come out on its own.
        let frame = body.frame().await.unwrap().unwrap();
        decoder.write_all(frame.data_ref().unwrap()).unwrap();
        decoder.flush().unwrap();
        assert!(
            decoder.get_ref().ends_with(event.as_bytes()),
            "{event:?} not decodable yet"
        );
        assert!(
            body.frame().now_or_never().is_none(),
            "more output than one frame"
        );
    }
    drop(tx);
    while let Some(frame) = body.frame().await {
        decoder
            .write_all(frame.unwrap().data_ref().unwrap())
            .unwrap();
    }
    assert!(body.is_end_stream());
    assert_eq!(decoder.finish().unwrap(), b"data: one\n\ndata: two\n\n");
}

#[tokio::test]
async fn compression_keeps_trailers_after_the_compressed_stream() {
    let (mut tx, body) = channel::<Bytes, Infallible>(4);
    tx.send_data(text()).await.unwrap();
    let mut trailers = HeaderMap::new();
    trailers.insert("grpc-status", HeaderValue::from_static("0"));
    tx.send_trailers(trailers.clone()).await.unwrap();
    let mut body = Some(body);
    let svc = Compression::new(service_fn(move |_: Request<()>| {
        let body = body.take().expect("called once");
        async move { Ok::<_, Infallible>(Response::new(body)) }
    }));
    let response = svc.oneshot(request(Some("deflate"))).await.unwrap();
    let collected = response.into_body().collect().await.unwrap();
    assert_eq!(collected.trailers(), Some(&trailers));
    assert_eq!(unzlib(&collected.to_bytes()), text());
}

#[tokio::test]
async fn compression_splits_a_large_frame_into_bounded_frames() {
    // Incompressible data: the output is as large as the input.
    let mut state = 0x2545_f491_u32;
    let noise: Vec<u8> = (0..200_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as u8
        })
        .collect();
    let noise = Bytes::from(noise);
    let sent = noise.clone();
    let svc = Compression::new(answering(move || Response::new(Full::new(sent.clone()))));
    let mut body = svc
        .oneshot(request(Some("gzip")))
        .await
        .unwrap()
        .into_body();
    let mut all = Vec::new();
    while let Some(frame) = body.frame().await {
        let data = frame.unwrap().into_data().unwrap();
        assert!(data.len() <= 32 * 1024, "a frame of {} bytes", data.len());
        all.extend_from_slice(&data);
    }
    assert_eq!(gunzip(&all), noise);
}

/// Splits `data` at the given cut points (any order, repeats allowed: empty frames too).
fn split(data: &Bytes, mut cuts: Vec<usize>) -> Vec<Bytes> {
    cuts.iter_mut().for_each(|cut| *cut %= data.len() + 1);
    cuts.sort_unstable();
    let mut chunks = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0;
    for cut in cuts {
        chunks.push(data.slice(start..cut));
        start = cut;
    }
    chunks.push(data.slice(start..));
    chunks
}

/// Bodies that range from incompressible to highly repetitive.
fn body_strategy() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..4096),
        proptest::collection::vec(prop_oneof![Just(b'a'), Just(b'b'), Just(b' ')], 0..20_000),
        (any::<u8>(), 0..100_000_usize).prop_map(|(byte, len)| vec![byte; len]),
    ]
}

proptest! {
    #[test]
    fn prop_compression_round_trips_through_decompression(
        data in body_strategy(),
        cuts in proptest::collection::vec(any::<usize>(), 0..12),
        accept in prop_oneof![Just("gzip"), Just("deflate")],
        level in 0..=9_u32,
    ) {
        let data = Bytes::from(data);
        let chunks = split(&data, cuts);
        let server = CompressionLayer::new()
            .min_size(0)
            .level(spire_middleware::http::compression::Level::new(level))
            .layer(service_fn(move |_: Request<()>| {
                let frames = chunks.clone().into_iter().map(|chunk| Ok::<_, Infallible>(Frame::data(chunk)));
                async move { Ok::<_, Infallible>(Response::new(StreamBody::new(stream::iter(frames)))) }
            }));
        let client = DecompressionLayer::new().layer(server);
        let request = Request::builder().header(header::ACCEPT_ENCODING, accept).body(()).unwrap();
        let response = client
            .oneshot(request)
            .now_or_never()
            .expect("every step is ready at once")
            .unwrap();
        prop_assert!(!response.headers().contains_key(header::CONTENT_ENCODING));
        let collected = response
            .into_body()
            .collect()
            .now_or_never()
            .expect("an iterator stream is always ready")
            .unwrap();
        prop_assert_eq!(collected.to_bytes(), data);
    }
}

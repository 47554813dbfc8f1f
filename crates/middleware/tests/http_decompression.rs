//! `http::decompression`: the client layer (Accept-Encoding, decoding responses), the
//! server layer (decoding requests, 415), the limits against bombs, and corrupt input.
#![cfg(feature = "http")]

use std::convert::Infallible;
use std::io::Write;

use bytes::Bytes;
use futures_util::{FutureExt, stream};
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode, header};
use proptest::prelude::*;
use spire_body::{Body, BodyExt, BoxError, Frame, Full, StreamBody, channel};
use spire_middleware::http::compression::CompressionLayer;
use spire_middleware::http::decompression::{
    CorruptBody, Decompression, DecompressionBody, DecompressionLayer, DecompressionLimitError,
    RequestDecompression, RequestDecompressionLayer,
};
use spire_service::{Layer, Service, ServiceExt, service_fn};

fn text() -> Vec<u8> {
    (0..2000_u32)
        .flat_map(|i| format!("record {i}: {}\n", i * 7919 % 1000).into_bytes())
        .collect()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

fn raw_deflate(data: &[u8]) -> Vec<u8> {
    let mut encoder =
        flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

/// A server answering `body` with `Content-Encoding: coding`, whatever the request.
fn server(
    coding: &'static str,
    body: Vec<u8>,
) -> impl Service<Request<()>, Response = Response<Full<Bytes>>, Error = Infallible> + Clone {
    let body = Bytes::from(body);
    service_fn(move |_: Request<()>| {
        let response = Response::builder()
            .header(header::CONTENT_ENCODING, coding)
            .header(header::CONTENT_LENGTH, body.len())
            .body(Full::new(body.clone()))
            .unwrap();
        async move { Ok::<_, Infallible>(response) }
    })
}

/// Collects a body frame by frame; returns the data yielded and the error, if any.
async fn drain<B>(mut body: B) -> (Vec<u8>, Option<BoxError>)
where
    B: Body<Data = Bytes, Error = BoxError> + Unpin,
{
    let mut data = Vec::new();
    while let Some(frame) = body.frame().await {
        match frame {
            Ok(frame) => {
                if let Ok(bytes) = frame.into_data() {
                    data.extend_from_slice(&bytes);
                }
            }
            Err(err) => return (data, Some(err)),
        }
    }
    (data, None)
}

#[tokio::test]
async fn decompression_sets_accept_encoding_when_absent() {
    let (mock, mut handle) = spire_test::mock::pair::<Request<()>, Response<Full<Bytes>>>();
    let mut svc = Decompression::new(mock);
    let _response = svc.ready().await.unwrap().call(Request::new(()));
    let (request, _send) = handle.next_request().await.unwrap();
    assert_eq!(request.headers()[header::ACCEPT_ENCODING], "gzip, deflate");
}

#[tokio::test]
async fn decompression_keeps_an_accept_encoding_already_set() {
    let (mock, mut handle) = spire_test::mock::pair::<Request<()>, Response<Full<Bytes>>>();
    let mut svc = Decompression::new(mock);
    let request = Request::builder()
        .header(header::ACCEPT_ENCODING, "br")
        .body(())
        .unwrap();
    let _response = svc.ready().await.unwrap().call(request);
    let (request, _send) = handle.next_request().await.unwrap();
    let values: Vec<_> = request
        .headers()
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .collect();
    assert_eq!(values, ["br"]);
}

#[tokio::test]
async fn decompression_accept_encoding_lists_only_enabled_codings() {
    for (layer, expected) in [
        (DecompressionLayer::new().gzip(false), Some("deflate")),
        (DecompressionLayer::new().deflate(false), Some("gzip")),
        (DecompressionLayer::new().gzip(false).deflate(false), None),
    ] {
        let (mock, mut handle) = spire_test::mock::pair::<Request<()>, Response<Full<Bytes>>>();
        let mut svc = layer.layer(mock);
        let _response = svc.ready().await.unwrap().call(Request::new(()));
        let (request, _send) = handle.next_request().await.unwrap();
        let value = request
            .headers()
            .get(header::ACCEPT_ENCODING)
            .map(|v| v.to_str().unwrap());
        assert_eq!(value, expected);
    }
}

#[tokio::test]
async fn decompression_decodes_gzip_zlib_raw_deflate_and_x_gzip() {
    let text = text();
    for (coding, body) in [
        ("gzip", gzip(&text)),
        ("x-gzip", gzip(&text)),
        ("GZIP", gzip(&text)),
        ("deflate", zlib(&text)),
        ("deflate", raw_deflate(&text)),
    ] {
        let svc = Decompression::new(server(coding, body));
        let response = svc.oneshot(Request::new(())).await.unwrap();
        assert!(
            !response.headers().contains_key(header::CONTENT_ENCODING),
            "{coding}"
        );
        assert!(
            !response.headers().contains_key(header::CONTENT_LENGTH),
            "{coding}"
        );
        let (data, err) = drain(response.into_body()).await;
        assert!(err.is_none(), "{coding}: {err:?}");
        assert_eq!(data, text, "{coding}");
    }
}

#[tokio::test]
async fn decompression_passes_other_codings_through_untouched() {
    let svc = Decompression::new(server("br", b"\x0b\x02\x80hello\x03".to_vec()));
    let response = svc.oneshot(Request::new(())).await.unwrap();
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "br");
    assert_eq!(response.headers()[header::CONTENT_LENGTH], "9");
    let body = response.into_body();
    assert_eq!(body.size_hint().exact(), Some(9));
    assert_eq!(
        body.collect().await.unwrap().to_bytes(),
        &b"\x0b\x02\x80hello\x03"[..]
    );

    // A disabled coding is another coding.
    let svc = DecompressionLayer::new()
        .gzip(false)
        .layer(server("gzip", gzip(b"x")));
    let response = svc.oneshot(Request::new(())).await.unwrap();
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "gzip");
}

#[tokio::test]
async fn decompression_leaves_head_and_partial_responses_alone() {
    let svc = Decompression::new(server("gzip", Vec::new()));
    let head = Request::builder().method(Method::HEAD).body(()).unwrap();
    let response = svc.oneshot(head).await.unwrap();
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "gzip");

    let partial = service_fn(|_: Request<()>| async {
        let response = Response::builder()
            .status(StatusCode::PARTIAL_CONTENT)
            .header(header::CONTENT_ENCODING, "gzip")
            .header(header::CONTENT_RANGE, "bytes 0-3/100")
            .body(Full::new(Bytes::from_static(b"\x1f\x8b\x08\x00")))
            .unwrap();
        Ok::<_, Infallible>(response)
    });
    let response = Decompression::new(partial)
        .oneshot(Request::new(()))
        .await
        .unwrap();
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "gzip");
    assert_eq!(
        response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .len(),
        4
    );
}

#[tokio::test]
async fn decompression_passes_trailers_through() {
    let (mut tx, body) = channel::<Bytes, Infallible>(4);
    let compressed = gzip(b"payload");
    tx.send_data(Bytes::copy_from_slice(&compressed[..5]))
        .await
        .unwrap();
    tx.send_data(Bytes::copy_from_slice(&compressed[5..]))
        .await
        .unwrap();
    let mut trailers = HeaderMap::new();
    trailers.insert("x-checksum", HeaderValue::from_static("abc"));
    tx.send_trailers(trailers.clone()).await.unwrap();
    let mut body = Some(body);
    let inner = service_fn(move |_: Request<()>| {
        let body = body.take().expect("called once");
        let response = Response::builder()
            .header(header::CONTENT_ENCODING, "gzip")
            .body(body);
        async move { Ok::<_, Infallible>(response.unwrap()) }
    });
    let response = Decompression::new(inner)
        .oneshot(Request::new(()))
        .await
        .unwrap();
    let collected = response.into_body().collect().await.unwrap();
    assert_eq!(collected.trailers(), Some(&trailers));
    assert_eq!(collected.to_bytes(), "payload");
}

/// 100 MiB of zeros, gzip-compressed as it is read: the compressing server only does
/// the work the client pulls.
fn zip_bomb_server() -> impl Service<
    Request<()>,
    Response = Response<impl Body<Data = Bytes, Error = BoxError>>,
    Error = Infallible,
> {
    let zeros = Bytes::from(vec![0_u8; 1024 * 1024]);
    CompressionLayer::new().layer(service_fn(move |_: Request<()>| {
        let frames = stream::repeat(zeros.clone())
            .take(100)
            .map(|chunk| Ok::<_, Infallible>(Frame::data(chunk)));
        async move { Ok::<_, Infallible>(Response::new(StreamBody::new(frames))) }
    }))
}

use futures_util::StreamExt as _;

#[tokio::test]
async fn decompression_stops_a_zip_bomb_at_the_ratio_limit() {
    let svc = Decompression::new(zip_bomb_server());
    let response = svc.oneshot(Request::new(())).await.unwrap();
    let (data, err) = drain(response.into_body()).await;
    let err = err.expect("the bomb is refused");
    let limit = err
        .downcast_ref::<DecompressionLimitError>()
        .expect("a limit error");
    assert!(limit.is_ratio_limit(), "{limit}");
    assert_eq!(limit.limit(), 100);
    assert!(limit.decompressed() > 100 * limit.compressed());
    // Refused just past the 1 MiB allowance, not after 100 MiB.
    assert!(
        data.len() <= 1024 * 1024 + 32 * 1024,
        "{} bytes yielded",
        data.len()
    );
    assert!(limit.to_string().contains("ratio"), "{limit}");
}

#[tokio::test]
async fn decompression_stops_a_zip_bomb_at_the_size_limit() {
    let svc = DecompressionLayer::new()
        .max_ratio(u64::MAX)
        .max_size(5 * 1024 * 1024)
        .layer(zip_bomb_server());
    let response = svc.oneshot(Request::new(())).await.unwrap();
    let (data, err) = drain(response.into_body()).await;
    let err = err.expect("the bomb is refused");
    let limit = err
        .downcast_ref::<DecompressionLimitError>()
        .expect("a limit error");
    assert!(limit.is_size_limit(), "{limit}");
    assert_eq!(limit.limit(), 5 * 1024 * 1024);
    // Every byte up to the limit, and not one more.
    assert_eq!(data.len(), 5 * 1024 * 1024);
}

#[tokio::test]
async fn decompression_size_limit_is_exact() {
    let text = text();
    let len = text.len() as u64;
    let at_limit = DecompressionLayer::new()
        .max_size(len)
        .layer(server("gzip", gzip(&text)));
    let (data, err) = drain(
        at_limit
            .oneshot(Request::new(()))
            .await
            .unwrap()
            .into_body(),
    )
    .await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(data, text);

    let under = DecompressionLayer::new()
        .max_size(len - 1)
        .layer(server("gzip", gzip(&text)));
    let (data, err) = drain(under.oneshot(Request::new(())).await.unwrap().into_body()).await;
    let err = err.unwrap();
    let limit = err.downcast_ref::<DecompressionLimitError>().unwrap();
    assert!(limit.is_size_limit());
    assert_eq!(limit.limit(), len - 1);
    // The frame that crosses the limit is not yielded.
    assert!((data.len() as u64) < len, "{} bytes yielded", data.len());
}

#[tokio::test]
async fn decompression_ratio_allows_small_very_compressible_bodies() {
    // 512 KiB of spaces: a ratio near 1000, but under the 1 MiB allowance.
    let spaces = vec![b' '; 512 * 1024];
    let svc = Decompression::new(server("gzip", gzip(&spaces)));
    let (data, err) = drain(svc.oneshot(Request::new(())).await.unwrap().into_body()).await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(data.len(), spaces.len());
}

async fn corrupt_reason(coding: &'static str, body: Vec<u8>) -> String {
    let svc = Decompression::new(server(coding, body));
    let (_, err) = drain(svc.oneshot(Request::new(())).await.unwrap().into_body()).await;
    let err = err.expect("corrupt input fails");
    let corrupt = err.downcast_ref::<CorruptBody>().expect("a CorruptBody");
    assert_eq!(
        corrupt.coding(),
        if coding == "gzip" { "gzip" } else { "deflate" }
    );
    corrupt.reason().to_owned()
}

#[tokio::test]
async fn decompression_corrupt_input_is_an_error_not_a_panic() {
    assert_eq!(
        corrupt_reason("gzip", b"plain text".to_vec()).await,
        "not a gzip header"
    );

    let mut flipped = gzip(&text());
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x55;
    let reason = corrupt_reason("gzip", flipped).await;
    assert!(
        reason.starts_with("invalid deflate data") || reason.ends_with("mismatch"),
        "{reason}"
    );

    let whole = gzip(&text());
    let truncated = whole[..whole.len() - 4].to_vec();
    assert_eq!(
        corrupt_reason("gzip", truncated).await,
        "unexpected end of body"
    );

    let mut trailing = gzip(b"hello");
    trailing.extend_from_slice(b"junk");
    assert_eq!(corrupt_reason("gzip", trailing).await, "not a gzip header");

    let mut trailing = zlib(b"hello");
    trailing.push(0);
    assert_eq!(
        corrupt_reason("deflate", trailing).await,
        "bytes after the end of the stream"
    );

    let reason = corrupt_reason("deflate", vec![0xff; 64]).await;
    assert!(reason.starts_with("invalid deflate data"), "{reason}");
}

#[tokio::test]
async fn decompression_joins_gzip_members() {
    let mut body = gzip(b"first, ");
    body.extend_from_slice(&gzip(b"second"));
    let svc = Decompression::new(server("gzip", body));
    let (data, err) = drain(svc.oneshot(Request::new(())).await.unwrap().into_body()).await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(data, b"first, second");
}

#[tokio::test]
async fn decompression_empty_labelled_body_is_empty() {
    let svc = Decompression::new(server("gzip", Vec::new()));
    let (data, err) = drain(svc.oneshot(Request::new(())).await.unwrap().into_body()).await;
    assert!(err.is_none(), "{err:?}");
    assert!(data.is_empty());
}

type Collecting = Request<DecompressionBody<Full<Bytes>>>;

/// A handler that answers with what it read, or the error's text.
fn echo() -> impl Service<Collecting, Response = Response<Full<Bytes>>, Error = Infallible> + Clone
{
    service_fn(|request: Collecting| async move {
        let mut head = format!(
            "ce={:?} cl={:?} ",
            request.headers().get(header::CONTENT_ENCODING),
            request.headers().get(header::CONTENT_LENGTH)
        );
        match request.into_body().collect().await {
            Ok(collected) => head.push_str(std::str::from_utf8(&collected.to_bytes()).unwrap()),
            Err(err) => head.push_str(&format!("error: {err}")),
        }
        Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(head))))
    })
}

fn encoded_request(coding: &str, body: Vec<u8>) -> Request<Full<Bytes>> {
    Request::builder()
        .method(Method::POST)
        .header(header::CONTENT_ENCODING, coding)
        .header(header::CONTENT_LENGTH, body.len())
        .body(Full::new(Bytes::from(body)))
        .unwrap()
}

async fn body_text(response: Response<Full<Bytes>>) -> String {
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[tokio::test]
async fn request_decompression_decodes_and_strips_the_headers() {
    let svc = RequestDecompression::new(echo());
    let response = svc
        .clone()
        .oneshot(encoded_request("gzip", gzip(b"hello")))
        .await
        .unwrap();
    assert_eq!(body_text(response).await, "ce=None cl=None hello");
    let response = svc
        .oneshot(encoded_request("deflate", zlib(b"hello")))
        .await
        .unwrap();
    assert_eq!(body_text(response).await, "ce=None cl=None hello");
}

#[tokio::test]
async fn request_decompression_passes_identity_through() {
    let svc = RequestDecompression::new(echo());
    let request = Request::builder()
        .header(header::CONTENT_LENGTH, "5")
        .body(Full::new(Bytes::from_static(b"plain")))
        .unwrap();
    let response = svc.clone().oneshot(request).await.unwrap();
    assert_eq!(body_text(response).await, "ce=None cl=Some(\"5\") plain");
    let response = svc
        .oneshot(encoded_request("identity", b"plain".to_vec()))
        .await
        .unwrap();
    assert_eq!(
        body_text(response).await,
        "ce=Some(\"identity\") cl=Some(\"5\") plain"
    );
}

#[tokio::test]
async fn request_decompression_answers_415_to_unknown_codings_without_calling_inner() {
    for (layer, coding, accept) in [
        (RequestDecompressionLayer::new(), "br", "gzip, deflate"),
        (
            RequestDecompressionLayer::new(),
            "gzip, gzip",
            "gzip, deflate",
        ),
        (
            RequestDecompressionLayer::new().gzip(false),
            "gzip",
            "deflate",
        ),
        (
            RequestDecompressionLayer::new().gzip(false).deflate(false),
            "deflate",
            "identity",
        ),
    ] {
        let (mock, mut handle) = spire_test::mock::pair::<Collecting, Response<Full<Bytes>>>();
        let mut svc = layer.layer(mock);
        let request = encoded_request(coding, b"...".to_vec());
        let response = svc.ready().await.unwrap().call(request).await.unwrap();
        assert_eq!(
            response.status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{coding}"
        );
        assert_eq!(
            response.headers()[header::ACCEPT_ENCODING],
            accept,
            "{coding}"
        );
        assert!(
            handle.try_next_request().is_none(),
            "inner service was called"
        );
    }
}

#[tokio::test]
async fn request_decompression_limit_and_corruption_reach_the_handler() {
    let svc = RequestDecompressionLayer::new().max_size(10).layer(echo());
    let response = svc
        .oneshot(encoded_request("gzip", gzip(&[b'a'; 100])))
        .await
        .unwrap();
    let text = body_text(response).await;
    assert!(
        text.starts_with(
            "ce=None cl=None error: decompressed body exceeds the size limit of 10 bytes"
        ),
        "{text}"
    );

    let svc = RequestDecompression::new(echo());
    let response = svc
        .oneshot(encoded_request("gzip", b"nope".to_vec()))
        .await
        .unwrap();
    assert_eq!(
        body_text(response).await,
        "ce=None cl=None error: corrupt gzip body: not a gzip header"
    );
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

/// Decodes `encoded` sent as `chunks` with `Content-Encoding: coding`.
fn decode_split(coding: &'static str, chunks: Vec<Bytes>) -> Result<Bytes, BoxError> {
    let inner = service_fn(move |_: Request<()>| {
        let frames = chunks
            .clone()
            .into_iter()
            .map(|chunk| Ok::<_, Infallible>(Frame::data(chunk)));
        let response = Response::builder()
            .header(header::CONTENT_ENCODING, coding)
            .body(StreamBody::new(stream::iter(frames)));
        async move { Ok::<_, Infallible>(response.unwrap()) }
    });
    let response = Decompression::new(inner)
        .oneshot(Request::new(()))
        .now_or_never()
        .expect("ready at once")
        .unwrap();
    let collected = response
        .into_body()
        .collect()
        .now_or_never()
        .expect("an iterator stream is always ready")?;
    Ok(collected.to_bytes())
}

proptest! {
    #[test]
    fn prop_decompression_any_split_gives_the_original(
        data in proptest::collection::vec(prop_oneof![Just(b'x'), Just(b'y'), any::<u8>()], 0..8192),
        cuts in proptest::collection::vec(any::<usize>(), 0..16),
        coding in 0..3_u8,
    ) {
        let (name, encoded) = match coding {
            0 => ("gzip", gzip(&data)),
            1 => ("deflate", zlib(&data)),
            _ => ("deflate", raw_deflate(&data)),
        };
        let chunks = split(&Bytes::from(encoded), cuts);
        prop_assert_eq!(decode_split(name, chunks).unwrap(), data);
    }

    #[test]
    fn prop_decompression_arbitrary_bytes_never_panic(
        data in proptest::collection::vec(any::<u8>(), 0..512),
        cuts in proptest::collection::vec(any::<usize>(), 0..8),
        gzip_magic in any::<bool>(),
    ) {
        let mut data = data;
        if gzip_magic {
            data.splice(0..0, [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
        }
        let chunks = split(&Bytes::from(data), cuts.clone());
        let _ = decode_split("gzip", chunks.clone());
        let _ = decode_split("deflate", chunks);
    }
}

//! The errors a [`DecompressionBody`](super::DecompressionBody) ends with:
//! [`DecompressionLimitError`] and [`CorruptBody`].

use std::fmt;

/// The decompressed body grew past a limit of [`Decompression`](super::Decompression) or
/// [`RequestDecompression`](super::RequestDecompression); the body ends with this error
/// (boxed) instead of yielding the bytes past the limit.
///
/// Two limits exist: the decompressed size, and the expansion ratio (decompressed bytes
/// per compressed byte read so far), which stops a small body that inflates into
/// gigabytes long before the size limit is reached.
///
/// # Examples
///
/// ```
/// use std::io::Write;
///
/// use bytes::Bytes;
/// use http::{Request, Response, header};
/// use spire_body::{BodyExt, Full};
/// use spire_middleware::http::decompression::{DecompressionLayer, DecompressionLimitError};
/// use spire_service::{Layer, ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
/// gzip.write_all(&[0; 10_000]).unwrap();
/// let gzip = Bytes::from(gzip.finish().unwrap());
/// let server = service_fn(move |_: Request<Full<Bytes>>| {
///     let gzip = gzip.clone();
///     async move {
///         let response = Response::builder().header(header::CONTENT_ENCODING, "gzip").body(Full::new(gzip));
///         Ok::<_, std::convert::Infallible>(response.unwrap())
///     }
/// });
/// let client = DecompressionLayer::new().max_size(1000).layer(server);
/// let body = client.oneshot(Request::new(Full::default())).await.unwrap().into_body();
/// let err = body.collect().await.unwrap_err();
/// let limit = err.downcast_ref::<DecompressionLimitError>().unwrap();
/// assert!(limit.is_size_limit());
/// assert_eq!(limit.limit(), 1000);
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecompressionLimitError {
    kind: LimitKind,
    limit: u64,
    decompressed: u64,
    compressed: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LimitKind {
    Size,
    Ratio,
}

impl DecompressionLimitError {
    pub(super) const fn size(limit: u64, decompressed: u64, compressed: u64) -> Self {
        Self {
            kind: LimitKind::Size,
            limit,
            decompressed,
            compressed,
        }
    }

    pub(super) const fn ratio(limit: u64, decompressed: u64, compressed: u64) -> Self {
        Self {
            kind: LimitKind::Ratio,
            limit,
            decompressed,
            compressed,
        }
    }

    /// `true` when the maximum decompressed size was crossed.
    #[must_use]
    pub const fn is_size_limit(&self) -> bool {
        matches!(self.kind, LimitKind::Size)
    }

    /// `true` when the maximum expansion ratio was crossed.
    #[must_use]
    pub const fn is_ratio_limit(&self) -> bool {
        matches!(self.kind, LimitKind::Ratio)
    }

    /// The limit crossed: a size in bytes, or a ratio (decompressed bytes per compressed
    /// byte).
    #[must_use]
    pub const fn limit(&self) -> u64 {
        self.limit
    }

    /// How many decompressed bytes there were when the limit was crossed (for the size
    /// limit, more than [`limit`](Self::limit), though the bytes past it were never
    /// yielded).
    #[must_use]
    pub const fn decompressed(&self) -> u64 {
        self.decompressed
    }

    /// How many compressed bytes had been read when the limit was crossed.
    #[must_use]
    pub const fn compressed(&self) -> u64 {
        self.compressed
    }
}

impl fmt::Display for DecompressionLimitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            LimitKind::Size => write!(
                f,
                "decompressed body exceeds the size limit of {} bytes ({} compressed bytes read)",
                self.limit, self.compressed
            ),
            LimitKind::Ratio => write!(
                f,
                "decompressed body exceeds the expansion ratio limit of {}: {} bytes from {} compressed bytes",
                self.limit, self.decompressed, self.compressed
            ),
        }
    }
}

impl std::error::Error for DecompressionLimitError {}

/// A compressed body could not be decoded: a bad header, bad deflate data, a checksum
/// or length that does not match, a truncated stream, or bytes after its end.
///
/// The body ends with this error (boxed). The wording of [`reason`](Self::reason) is for
/// people and may change.
///
/// # Examples
///
/// ```
/// use bytes::Bytes;
/// use http::{Request, header};
/// use spire_body::{BodyExt, Full};
/// use spire_middleware::http::decompression::{CorruptBody, DecompressionBody, RequestDecompression};
/// use spire_service::{ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let inner = service_fn(|request: Request<DecompressionBody<Full<Bytes>>>| async move {
///     let err = request.into_body().collect().await.unwrap_err();
///     let corrupt = err.downcast_ref::<CorruptBody>().unwrap();
///     assert_eq!(corrupt.coding(), "gzip");
///     Ok::<_, std::convert::Infallible>(http::Response::new(err.to_string()))
/// });
/// let request = Request::builder()
///     .header(header::CONTENT_ENCODING, "gzip")
///     .body(Full::new(Bytes::from_static(b"not gzip at all")))
///     .unwrap();
/// let response = RequestDecompression::new(inner).oneshot(request).await.unwrap();
/// assert_eq!(response.body(), "corrupt gzip body: not a gzip header");
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorruptBody {
    coding: &'static str,
    reason: String,
}

impl CorruptBody {
    pub(super) fn new(coding: &'static str, reason: impl Into<String>) -> Self {
        Self {
            coding,
            reason: reason.into(),
        }
    }

    /// The content coding that failed: `"gzip"` or `"deflate"`.
    #[must_use]
    pub const fn coding(&self) -> &'static str {
        self.coding
    }

    /// What was wrong, in words.
    #[must_use]
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for CorruptBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "corrupt {} body: {}", self.coding, self.reason)
    }
}

impl std::error::Error for CorruptBody {}

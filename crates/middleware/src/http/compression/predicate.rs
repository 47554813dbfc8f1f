//! [`Predicate`], the choice of which responses to compress, and [`DefaultPredicate`].

use http::{Response, header};
use spire_body::Body;

/// Decides whether [`Compression`](super::Compression) compresses a response that it
/// may compress.
///
/// It is asked only after the fixed rules passed: the response has no
/// `Content-Encoding`, is not to a `HEAD` request, is not `1xx`, `204`, `304` or a
/// partial (`206`, `Content-Range`) response. Answering `true` does not force
/// compression: the client's `Accept-Encoding` still decides.
///
/// # Examples
///
/// A predicate that compresses JSON only:
///
/// ```
/// use http::{Response, header};
/// use spire_body::Body;
/// use spire_middleware::http::compression::{CompressionLayer, Predicate};
///
/// #[derive(Clone)]
/// struct JsonOnly;
///
/// impl Predicate for JsonOnly {
///     fn should_compress<B: Body>(&self, response: &Response<B>) -> bool {
///         response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v == "application/json")
///     }
/// }
///
/// let _layer = CompressionLayer::new().predicate(JsonOnly);
/// ```
pub trait Predicate: Clone {
    /// Returns `true` to compress `response` (if the client accepts a coding).
    fn should_compress<B: Body>(&self, response: &Response<B>) -> bool;
}

/// The default [`Predicate`]: compress unless the body is known to be small or its
/// content type gains nothing or must not be held back.
///
/// It skips a response when
/// - its size is known (an exact [`size_hint`](Body::size_hint), else `Content-Length`)
///   and below the minimum size, 32 bytes by default: the gzip framing alone is 18
///   bytes, so compressing tiny bodies makes them larger;
/// - its `Content-Type` is `text/event-stream`: server-sent events are read as they
///   arrive, and a compressor in a proxy or a client may hold them back;
/// - its `Content-Type` is `image/*` other than `image/svg+xml`: those formats are
///   compressed already.
///
/// # Examples
///
/// ```
/// use http::{Response, header};
/// use spire_middleware::http::compression::{DefaultPredicate, Predicate};
///
/// let predicate = DefaultPredicate::new().min_size(4);
/// assert!(!predicate.should_compress(&Response::new("abc")));
/// assert!(predicate.should_compress(&Response::new("abcd")));
/// let png = Response::builder().header(header::CONTENT_TYPE, "image/png").body("....").unwrap();
/// assert!(!predicate.should_compress(&png));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DefaultPredicate {
    min_size: u64,
}

impl DefaultPredicate {
    /// The minimum size unless set: 32 bytes.
    pub const DEFAULT_MIN_SIZE: u64 = 32;

    /// Creates the predicate with a minimum size of 32 bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::compression::DefaultPredicate;
    ///
    /// assert_eq!(DefaultPredicate::new(), DefaultPredicate::default());
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self {
            min_size: Self::DEFAULT_MIN_SIZE,
        }
    }

    /// Sets the minimum size: bodies known to be shorter are not compressed. `0`
    /// compresses every size.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::compression::{DefaultPredicate, Predicate};
    ///
    /// assert!(DefaultPredicate::new().min_size(0).should_compress(&http::Response::new("")));
    /// ```
    #[must_use]
    pub const fn min_size(mut self, min_size: u64) -> Self {
        self.min_size = min_size;
        self
    }
}

impl Default for DefaultPredicate {
    fn default() -> Self {
        Self::new()
    }
}

impl Predicate for DefaultPredicate {
    fn should_compress<B: Body>(&self, response: &Response<B>) -> bool {
        let size = response.body().size_hint().exact().or_else(|| {
            response
                .headers()
                .get(header::CONTENT_LENGTH)?
                .to_str()
                .ok()?
                .trim()
                .parse()
                .ok()
        });
        if size.is_some_and(|size| size < self.min_size) {
            return false;
        }
        let Some(content_type) = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
        else {
            return true;
        };
        let essence = content_type.split(';').next().unwrap_or("").trim();
        let is = |name: &str| essence.eq_ignore_ascii_case(name);
        let is_image = essence
            .get(..6)
            .is_some_and(|prefix| prefix.eq_ignore_ascii_case("image/"));
        !(is("text/event-stream") || (is_image && !is("image/svg+xml")))
    }
}

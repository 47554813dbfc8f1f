//! Limits on what a peer may make the codec buffer.

/// The bounds a [`Connection`](crate::Connection) enforces on peer input.
///
/// Every limit has a safe default; the codec never buffers more than
/// `max_head_size` (or `max_trailer_size` in a trailer section) of unparsed input, so a
/// malicious peer cannot grow memory past these numbers.
///
/// | limit | default | error when exceeded |
/// | --- | --- | --- |
/// | [`max_head_size`](Self::max_head_size) | 64 KiB | [`HeadTooLarge`](crate::ErrorKind::HeadTooLarge) (431) |
/// | [`max_request_line`](Self::max_request_line) | 8 KiB | [`RequestLineTooLong`](crate::ErrorKind::RequestLineTooLong) (414) |
/// | [`max_headers`](Self::max_headers) | 100 | [`HeaderCount`](crate::ErrorKind::HeaderCount) (431) |
/// | [`max_trailer_size`](Self::max_trailer_size) | 16 KiB | [`TrailersTooLarge`](crate::ErrorKind::TrailersTooLarge) (431) |
/// | [`max_chunk_extension`](Self::max_chunk_extension) | 1 KiB per chunk line | [`ChunkExtensionTooLong`](crate::ErrorKind::ChunkExtensionTooLong) (400) |
/// | [`max_body_size`](Self::max_body_size) | none | [`BodyTooLarge`](crate::ErrorKind::BodyTooLarge) (413) |
///
/// 64 KiB of head is what a browser with many cookies needs at most; it is larger than
/// h11's 16 KiB and smaller than hyper's 400 KiB buffer. The trailer section counts against
/// `max_headers` as well.
///
/// # Examples
///
/// ```
/// use spire_h1::{Connection, Limits, Role};
///
/// let limits = Limits::default().with_max_headers(20).with_max_head_size(8 * 1024);
/// assert_eq!(limits.max_headers(), 20);
/// let conn = Connection::with_limits(Role::Server, limits);
/// # let _ = conn;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    max_head_size: usize,
    max_request_line: usize,
    max_headers: usize,
    max_trailer_size: usize,
    max_chunk_extension: usize,
    max_body_size: Option<u64>,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_head_size: 64 * 1024,
            max_request_line: 8 * 1024,
            max_headers: 100,
            max_trailer_size: 16 * 1024,
            max_chunk_extension: 1024,
            max_body_size: None,
        }
    }
}

impl Limits {
    /// The default limits (see the table on [`Limits`]).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(spire_h1::Limits::new().max_headers(), 100);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Largest head (start line + header section + final CRLF), in bytes.
    pub fn max_head_size(&self) -> usize {
        self.max_head_size
    }

    /// Largest request line (or status line), in bytes, not counting its CRLF.
    pub fn max_request_line(&self) -> usize {
        self.max_request_line
    }

    /// Most header lines in one head (and in one trailer section).
    pub fn max_headers(&self) -> usize {
        self.max_headers
    }

    /// Largest trailer section, in bytes.
    pub fn max_trailer_size(&self) -> usize {
        self.max_trailer_size
    }

    /// Longest chunk extension on one chunk-size line, in bytes.
    pub fn max_chunk_extension(&self) -> usize {
        self.max_chunk_extension
    }

    /// Largest body, in bytes, or `None` for no limit.
    pub fn max_body_size(&self) -> Option<u64> {
        self.max_body_size
    }

    /// Sets the largest head size in bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// let l = spire_h1::Limits::new().with_max_head_size(4096);
    /// assert_eq!(l.max_head_size(), 4096);
    /// ```
    pub fn with_max_head_size(mut self, bytes: usize) -> Self {
        self.max_head_size = bytes;
        self
    }

    /// Sets the longest request line (or status line) in bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// let l = spire_h1::Limits::new().with_max_request_line(1024);
    /// assert_eq!(l.max_request_line(), 1024);
    /// ```
    pub fn with_max_request_line(mut self, bytes: usize) -> Self {
        self.max_request_line = bytes;
        self
    }

    /// Sets the most header lines per head and per trailer section.
    ///
    /// # Examples
    ///
    /// ```
    /// let l = spire_h1::Limits::new().with_max_headers(32);
    /// assert_eq!(l.max_headers(), 32);
    /// ```
    pub fn with_max_headers(mut self, count: usize) -> Self {
        self.max_headers = count;
        self
    }

    /// Sets the largest trailer section in bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// let l = spire_h1::Limits::new().with_max_trailer_size(512);
    /// assert_eq!(l.max_trailer_size(), 512);
    /// ```
    pub fn with_max_trailer_size(mut self, bytes: usize) -> Self {
        self.max_trailer_size = bytes;
        self
    }

    /// Sets the longest chunk extension per chunk-size line in bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// let l = spire_h1::Limits::new().with_max_chunk_extension(64);
    /// assert_eq!(l.max_chunk_extension(), 64);
    /// ```
    pub fn with_max_chunk_extension(mut self, bytes: usize) -> Self {
        self.max_chunk_extension = bytes;
        self
    }

    /// Sets the largest body in bytes (`None`: unlimited).
    ///
    /// A `Content-Length` above the limit is rejected as soon as the head is parsed; a chunked
    /// body is rejected when its chunks add up past the limit.
    ///
    /// # Examples
    ///
    /// ```
    /// let l = spire_h1::Limits::new().with_max_body_size(Some(1 << 20));
    /// assert_eq!(l.max_body_size(), Some(1 << 20));
    /// ```
    pub fn with_max_body_size(mut self, bytes: Option<u64>) -> Self {
        self.max_body_size = bytes;
        self
    }
}

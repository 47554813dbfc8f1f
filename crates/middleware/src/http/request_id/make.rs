//! [`RequestId`], [`MakeRequestId`] and the default maker, [`MakeRequestHex`].

use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use http::{HeaderValue, Request};

/// A request's id, as stored in the request's and the response's extensions.
///
/// # Examples
///
/// ```
/// use http::HeaderValue;
/// use spire_middleware::http::request_id::RequestId;
///
/// let id = RequestId::new(HeaderValue::from_static("abc"));
/// assert_eq!(id.header_value(), "abc");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RequestId(HeaderValue);

impl RequestId {
    /// Wraps a header value as a request id.
    ///
    /// # Examples
    ///
    /// ```
    /// let _id = spire_middleware::http::request_id::RequestId::new(http::HeaderValue::from_static("1"));
    /// ```
    #[must_use]
    pub fn new(value: HeaderValue) -> Self {
        Self(value)
    }

    /// The id as a header value.
    #[must_use]
    pub fn header_value(&self) -> &HeaderValue {
        &self.0
    }

    /// Consumes the id, returning its header value.
    #[must_use]
    pub fn into_header_value(self) -> HeaderValue {
        self.0
    }
}

impl From<HeaderValue> for RequestId {
    fn from(value: HeaderValue) -> Self {
        Self(value)
    }
}

/// Makes the id of a request that arrived without one.
///
/// Implement it for your own scheme (UUIDs, ids from an upstream system); returning
/// `None` leaves the request without an id.
///
/// # Examples
///
/// ```
/// use http::{HeaderValue, Request};
/// use spire_middleware::http::request_id::{MakeRequestId, RequestId};
///
/// #[derive(Clone, Default)]
/// struct Sequential(u64);
///
/// impl MakeRequestId for Sequential {
///     fn make_request_id<B>(&mut self, _request: &Request<B>) -> Option<RequestId> {
///         self.0 += 1;
///         Some(RequestId::new(HeaderValue::from(self.0)))
///     }
/// }
///
/// let mut make = Sequential::default();
/// assert_eq!(make.make_request_id(&Request::new(())).unwrap().header_value(), "1");
/// ```
pub trait MakeRequestId {
    /// Returns the id for `request`, or `None` to give it none.
    fn make_request_id<B>(&mut self, request: &Request<B>) -> Option<RequestId>;
}

/// The default [`MakeRequestId`]: 32 lowercase hex digits, unique within the process and
/// unlikely to repeat across processes.
///
/// The first 16 digits are random, drawn once per process (from std's randomly keyed
/// hasher); the last 16 count up from a process-wide counter, so every maker and every
/// clone of one hands out distinct ids without locking. The ids are not secrets: do not
/// use them as tokens.
///
/// # Examples
///
/// ```
/// use http::Request;
/// use spire_middleware::http::request_id::{MakeRequestHex, MakeRequestId};
///
/// let mut make = MakeRequestHex::new();
/// let a = make.make_request_id(&Request::new(())).unwrap();
/// let b = make.make_request_id(&Request::new(())).unwrap();
/// assert_ne!(a, b);
/// assert_eq!(a.header_value().len(), 32);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct MakeRequestHex {
    _private: (),
}

impl MakeRequestHex {
    /// Creates the maker.
    ///
    /// # Examples
    ///
    /// ```
    /// let _make = spire_middleware::http::request_id::MakeRequestHex::new();
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self { _private: () }
    }
}

impl MakeRequestId for MakeRequestHex {
    fn make_request_id<B>(&mut self, _request: &Request<B>) -> Option<RequestId> {
        static PREFIX: OnceLock<u64> = OnceLock::new();
        static COUNTER: AtomicU64 = AtomicU64::new(0);

        let prefix = *PREFIX.get_or_init(|| {
            let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
            hasher.write_u32(std::process::id());
            hasher.finish()
        });
        // Relaxed is enough: only uniqueness matters, not ordering with other memory.
        let count = COUNTER.fetch_add(1, Ordering::Relaxed);

        let mut digits = [0_u8; 32];
        write_hex(prefix, &mut digits[..16]);
        write_hex(count, &mut digits[16..]);
        // Hex digits are always a valid header value.
        HeaderValue::from_bytes(&digits).ok().map(RequestId)
    }
}

/// Writes `value` as 16 lowercase hex digits into `out`.
fn write_hex(value: u64, out: &mut [u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for (i, byte) in out.iter_mut().enumerate() {
        let shift = 60 - 4 * i;
        *byte = DIGITS[((value >> shift) & 0xf) as usize];
    }
}

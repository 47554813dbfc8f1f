//! Original header spelling and order: the public case/order feature.

use bytes::Bytes;
use http::HeaderName;

/// The header names of a message exactly as they were spelled, in the order they appeared.
///
/// When [`Connection::set_preserve_header_case`](crate::Connection::set_preserve_header_case)
/// is on, every parsed head carries one of these (`original` on
/// [`RequestHead`](crate::RequestHead) and [`ResponseHead`](crate::ResponseHead)). When a head
/// to send carries one, the encoder writes the header lines in this order and with this
/// spelling, so a proxy can pass a head through byte for byte. Names are zero-copy slices of
/// the received bytes.
///
/// Values are not stored here: the n-th occurrence of a name in this list is paired with the
/// n-th value of that name in the head's `HeaderMap`. Values the list does not cover are
/// written afterwards in the map's order and default spelling; list entries without a value
/// are skipped.
///
/// # Examples
///
/// ```
/// use spire_h1::OriginalHeaders;
///
/// let mut original = OriginalHeaders::new();
/// original.push("X-Custom-ID");
/// original.push("host");
/// let names: Vec<&[u8]> = original.iter().collect();
/// assert_eq!(names, [&b"X-Custom-ID"[..], b"host"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OriginalHeaders {
    names: Vec<Bytes>,
}

impl OriginalHeaders {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty list with room for `capacity` names.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            names: Vec::with_capacity(capacity),
        }
    }

    /// Appends one header name as it should be spelled on the wire.
    ///
    /// The spelling must match the name case-insensitively for the encoder to pair it with a
    /// value; names that are not valid header names are skipped when encoding.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut original = spire_h1::OriginalHeaders::new();
    /// original.push(bytes::Bytes::from_static(b"Content-Type"));
    /// assert_eq!(original.len(), 1);
    /// ```
    pub fn push(&mut self, name: impl Into<Bytes>) {
        self.names.push(name.into());
    }

    /// The names in order, as raw bytes.
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> + '_ {
        self.names.iter().map(|n| &n[..])
    }

    /// How many header lines are recorded.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether no header lines are recorded.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Removes every name.
    pub fn clear(&mut self) {
        self.names.clear();
    }

    /// The recorded spellings of `name`, in order.
    ///
    /// Comparison is case-insensitive, as header names are.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::header::HOST;
    ///
    /// let mut original = spire_h1::OriginalHeaders::new();
    /// original.push("HOST");
    /// assert_eq!(original.get_all(&HOST).next(), Some(&b"HOST"[..]));
    /// ```
    pub fn get_all<'a>(&'a self, name: &'a HeaderName) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.iter()
            .filter(move |n| n.eq_ignore_ascii_case(name.as_str().as_bytes()))
    }
}

impl<N: Into<Bytes>> FromIterator<N> for OriginalHeaders {
    fn from_iter<I: IntoIterator<Item = N>>(iter: I) -> Self {
        Self {
            names: iter.into_iter().map(Into::into).collect(),
        }
    }
}

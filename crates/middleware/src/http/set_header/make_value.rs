//! [`MakeHeaderValue`] and the insertion modes shared by both services.

use http::{HeaderMap, HeaderName, HeaderValue};

/// Makes the value a [`SetRequestHeader`](super::SetRequestHeader) or
/// [`SetResponseHeader`](super::SetResponseHeader) sets, from the message it is set on.
///
/// Implemented for a fixed [`HeaderValue`] (cloned per message: a reference count, no
/// allocation), for `Option<HeaderValue>`, and for closures
/// `FnMut(&T) -> Option<HeaderValue>`. Returning `None` leaves the message unchanged.
///
/// # Examples
///
/// ```
/// use http::{HeaderValue, Response};
/// use spire_middleware::http::set_header::MakeHeaderValue;
///
/// let mut length_of_body = |response: &Response<&str>| HeaderValue::from_str(&response.body().len().to_string()).ok();
/// assert_eq!(length_of_body.make_header_value(&Response::new("abc")).unwrap(), "3");
/// ```
pub trait MakeHeaderValue<T> {
    /// Returns the value to set on `message`, or `None` to set nothing.
    fn make_header_value(&mut self, message: &T) -> Option<HeaderValue>;
}

impl<T, F> MakeHeaderValue<T> for F
where
    F: FnMut(&T) -> Option<HeaderValue>,
{
    fn make_header_value(&mut self, message: &T) -> Option<HeaderValue> {
        self(message)
    }
}

impl<T> MakeHeaderValue<T> for HeaderValue {
    fn make_header_value(&mut self, _message: &T) -> Option<HeaderValue> {
        Some(self.clone())
    }
}

impl<T> MakeHeaderValue<T> for Option<HeaderValue> {
    fn make_header_value(&mut self, _message: &T) -> Option<HeaderValue> {
        self.clone()
    }
}

/// What to do when the message already has the header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum InsertHeaderMode {
    Override,
    Append,
    IfNotPresent,
}

impl InsertHeaderMode {
    /// Sets `name` on `message` as the mode says; `headers` reaches the message's map.
    pub(crate) fn apply<T, M>(
        self,
        name: &HeaderName,
        message: &mut T,
        make: &mut M,
        headers: fn(&mut T) -> &mut HeaderMap,
    ) where
        M: MakeHeaderValue<T>,
    {
        match self {
            Self::Override => {
                if let Some(value) = make.make_header_value(message) {
                    headers(message).insert(name, value);
                }
            }
            Self::Append => {
                if let Some(value) = make.make_header_value(message) {
                    headers(message).append(name, value);
                }
            }
            Self::IfNotPresent => {
                if !headers(message).contains_key(name)
                    && let Some(value) = make.make_header_value(message)
                {
                    headers(message).insert(name, value);
                }
            }
        }
    }
}

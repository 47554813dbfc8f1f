//! The channel's errors: [`Closed`], [`SendError`], [`TrySendError`].

use std::fmt;

#[cfg(doc)]
use super::{Channel, Sender};

/// The receiving [`Channel`] was dropped, so nothing more can be sent.
///
/// Returned by [`Sender::poll_ready`] and [`Sender::ready`].
///
/// # Examples
///
/// ```
/// use std::convert::Infallible;
///
/// use bytes::Bytes;
/// use spire_body::channel;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let (mut tx, body) = channel::<Bytes, Infallible>(1);
/// drop(body);
/// let closed = tx.ready().await.unwrap_err();
/// assert_eq!(closed.to_string(), "body channel closed");
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closed {
    _private: (),
}

impl Closed {
    pub(super) fn new() -> Self {
        Self { _private: () }
    }
}

impl fmt::Display for Closed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("body channel closed")
    }
}

impl std::error::Error for Closed {}

/// A send failed because the receiving [`Channel`] was dropped; holds what was not sent.
///
/// # Examples
///
/// ```
/// use std::convert::Infallible;
///
/// use bytes::Bytes;
/// use spire_body::channel;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let (mut tx, body) = channel::<Bytes, Infallible>(1);
/// drop(body);
/// let err = tx.send_data(Bytes::from_static(b"not lost")).await.unwrap_err();
/// assert_eq!(err.to_string(), "body channel closed");
/// assert_eq!(err.into_inner(), "not lost"); // the data comes back
/// # }
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct SendError<T> {
    value: T,
}

impl<T> SendError<T> {
    pub(super) fn new(value: T) -> Self {
        Self { value }
    }

    /// Returns the value that could not be sent.
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T> fmt::Debug for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SendError").finish_non_exhaustive()
    }
}

impl<T> fmt::Display for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("body channel closed")
    }
}

impl<T> std::error::Error for SendError<T> {}

/// [`Sender::try_send_data`] could not send; holds the data that was not sent.
///
/// # Examples
///
/// ```
/// use std::convert::Infallible;
///
/// use bytes::Bytes;
/// use spire_body::channel::{TrySendError, channel};
///
/// let (mut tx, _body) = channel::<Bytes, Infallible>(1);
/// tx.try_send_data(Bytes::from_static(b"1")).unwrap();
/// match tx.try_send_data(Bytes::from_static(b"2")) {
///     Err(TrySendError::Full(data)) => assert_eq!(data, "2"),
///     other => panic!("expected Full, got {other:?}"),
/// }
/// ```
#[derive(Clone, PartialEq, Eq)]
pub enum TrySendError<T> {
    /// The buffer is full; wait with [`Sender::ready`] and try again.
    Full(T),
    /// The receiving [`Channel`] was dropped; nothing more can be sent.
    Closed(T),
}

impl<T> TrySendError<T> {
    /// Returns the value that could not be sent.
    pub fn into_inner(self) -> T {
        match self {
            Self::Full(value) | Self::Closed(value) => value,
        }
    }

    /// Returns `true` if the send failed because the buffer was full.
    pub fn is_full(&self) -> bool {
        matches!(self, Self::Full(_))
    }

    /// Returns `true` if the send failed because the receiver was dropped.
    pub fn is_closed(&self) -> bool {
        matches!(self, Self::Closed(_))
    }
}

impl<T> fmt::Debug for TrySendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Full(_) => f.write_str("Full(..)"),
            Self::Closed(_) => f.write_str("Closed(..)"),
        }
    }
}

impl<T> fmt::Display for TrySendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Full(_) => f.write_str("body channel full"),
            Self::Closed(_) => f.write_str("body channel closed"),
        }
    }
}

impl<T> std::error::Error for TrySendError<T> {}

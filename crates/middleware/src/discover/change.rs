//! [`Change`] and [`Discover`].

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::Stream;

/// One change to a set of endpoints, as a [`Discover`] reports it.
///
/// # Examples
///
/// ```
/// use spire_middleware::discover::Change;
///
/// let change: Change<&str, u16> = Change::Insert("db-1", 5432);
/// assert!(matches!(change, Change::Insert("db-1", 5432)));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change<K, S> {
    /// A new endpoint under key `K`; it replaces any endpoint already under that key.
    Insert(K, S),
    /// The endpoint under key `K` is gone; removing a key that is not there does nothing.
    Remove(K),
}

mod sealed {
    pub trait Sealed {}
}

impl<K, S, E, D> sealed::Sealed for D where D: ?Sized + Stream<Item = Result<Change<K, S>, E>> {}

/// A source of [`Change`]s to a set of endpoints, each endpoint a service under a key.
///
/// This is a view of a [`Stream`] of `Result<Change<K, S>, E>`: every such stream is a
/// `Discover` through a blanket impl, and the trait is sealed so that no other type can
/// be. To discover endpoints from your own source, implement `Stream` (or build one with
/// `futures_util::stream::poll_fn`).
///
/// The stream ending (`Ready(None)`) means the set will not change again; a balancer keeps
/// the endpoints it has.
///
/// # Examples
///
/// ```
/// use std::pin::pin;
/// use std::task::{Context, Poll, Waker};
///
/// use futures_util::stream;
/// use spire_middleware::discover::{Change, Discover};
///
/// let mut changes = pin!(stream::iter([Ok::<_, std::io::Error>(Change::Insert(1, "one"))]));
/// let mut cx = Context::from_waker(Waker::noop());
/// assert!(matches!(
///     changes.as_mut().poll_discover(&mut cx),
///     Poll::Ready(Some(Ok(Change::Insert(1, "one"))))
/// ));
/// assert!(matches!(changes.poll_discover(&mut cx), Poll::Ready(None)));
/// ```
pub trait Discover: sealed::Sealed {
    /// What identifies an endpoint: the key [`Change::Remove`] names.
    type Key: Eq;
    /// The endpoint's service.
    type Service;
    /// The error discovery can fail with.
    type Error;

    /// Polls for the next change: `Ready(None)` once there will be no more.
    ///
    /// # Errors
    ///
    /// Whatever the underlying source fails with.
    #[expect(
        clippy::type_complexity,
        reason = "this is a Stream's item, spelled out; an alias would hide the shape"
    )]
    fn poll_discover(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Change<Self::Key, Self::Service>, Self::Error>>>;
}

impl<K, S, E, D> Discover for D
where
    D: ?Sized + Stream<Item = Result<Change<K, S>, E>>,
    K: Eq,
{
    type Key = K;
    type Service = S;
    type Error = E;

    fn poll_discover(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Change<K, S>, E>>> {
        self.poll_next(cx)
    }
}

//! [`ServiceList`].

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::Stream;

use super::Change;

/// A fixed set of endpoints as a [`Discover`](super::Discover): it inserts each service
/// once, keyed by its position (`0`, `1`, ...), then ends.
///
/// # Examples
///
/// ```
/// use std::pin::pin;
/// use std::task::{Context, Poll, Waker};
///
/// use spire_middleware::discover::{Change, Discover, ServiceList};
///
/// let mut list = pin!(ServiceList::new(["a", "b"]));
/// let mut cx = Context::from_waker(Waker::noop());
/// assert!(matches!(list.as_mut().poll_discover(&mut cx), Poll::Ready(Some(Ok(Change::Insert(0, "a"))))));
/// assert!(matches!(list.as_mut().poll_discover(&mut cx), Poll::Ready(Some(Ok(Change::Insert(1, "b"))))));
/// assert!(matches!(list.poll_discover(&mut cx), Poll::Ready(None)));
/// ```
#[derive(Clone, Debug)]
pub struct ServiceList<S> {
    services: std::iter::Enumerate<std::vec::IntoIter<S>>,
}

impl<S> ServiceList<S> {
    /// A list of `services`, keyed by position.
    ///
    /// # Examples
    ///
    /// See [`ServiceList`].
    pub fn new(services: impl IntoIterator<Item = S>) -> Self {
        let services: Vec<S> = services.into_iter().collect();
        Self {
            services: services.into_iter().enumerate(),
        }
    }
}

impl<S> Stream for ServiceList<S> {
    type Item = Result<Change<usize, S>, Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Poll::Ready(
            self.services
                .next()
                .map(|(key, service)| Ok(Change::Insert(key, service))),
        )
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.services.size_hint()
    }
}

impl<S> Unpin for ServiceList<S> {}

//! Type-erased bodies: [`BoxBody`] (`Send + Sync`) and [`UnsyncBoxBody`] (`Send`).

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Buf;

use crate::{Body, BodyExt, Empty, Frame, SizeHint};

/// A body behind a pointer, with its type erased; `Send + Sync`.
///
/// Services that return different bodies from different branches, or middleware stacks whose
/// body types would otherwise grow with every layer, box the body to give it one name. All
/// three [`Body`] methods are forwarded, so the size hint and end of stream survive boxing.
/// The cost is one allocation when boxing and a virtual call per poll. Make one with
/// [`BodyExt::boxed`].
///
/// # Examples
///
/// ```
/// use std::convert::Infallible;
///
/// use bytes::Bytes;
/// use spire_body::{Body, BodyExt, BoxBody, Empty, Full};
///
/// fn reply(found: bool) -> BoxBody<Bytes, Infallible> {
///     if found {
///         Full::new(Bytes::from_static(b"here it is")).boxed()
///     } else {
///         Empty::new().boxed()
///     }
/// }
///
/// assert_eq!(reply(true).size_hint().exact(), Some(10));
/// assert!(reply(false).is_end_stream());
/// ```
pub struct BoxBody<D, E> {
    inner: Pin<Box<dyn Body<Data = D, Error = E> + Send + Sync + 'static>>,
}

impl<D, E> BoxBody<D, E> {
    /// Boxes `body`.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    /// use spire_body::{BoxBody, Full};
    ///
    /// let body = BoxBody::new(Full::new(Bytes::from_static(b"x")));
    /// # let _: BoxBody<Bytes, std::convert::Infallible> = body;
    /// ```
    pub fn new<B>(body: B) -> Self
    where
        B: Body<Data = D, Error = E> + Send + Sync + 'static,
        D: Buf,
    {
        Self {
            inner: Box::pin(body),
        }
    }
}

impl<D: Buf, E> Body for BoxBody<D, E> {
    type Data = D;
    type Error = E;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<D>, E>>> {
        self.inner.as_mut().poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl<D: Buf + 'static, E: 'static> Default for BoxBody<D, E> {
    /// A boxed [`Empty`] body.
    fn default() -> Self {
        Self::new(Empty::new().map_err(|never| match never {}))
    }
}

impl<D, E> fmt::Debug for BoxBody<D, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BoxBody").finish_non_exhaustive()
    }
}

/// A body behind a pointer, with its type erased; `Send` but not `Sync`.
///
/// The same as [`BoxBody`] for bodies that are not `Sync` (a body holding a `Cell`, or a
/// stream that is only `Send`). A connection task only needs its body to be `Send`, so this
/// is enough to return from a service. Make one with [`BodyExt::boxed_unsync`].
///
/// # Examples
///
/// ```
/// use std::cell::Cell;
/// use std::convert::Infallible;
///
/// use bytes::Bytes;
/// use spire_body::{BodyExt, Full, UnsyncBoxBody};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let seen = Cell::new(0usize); // Cell is Send but not Sync
/// let body: UnsyncBoxBody<Bytes, Infallible> = Full::new(Bytes::from_static(b"abc"))
///     .map_frame(move |frame| {
///         seen.set(seen.get() + 1);
///         frame
///     })
///     .boxed_unsync();
/// assert_eq!(body.collect().await.unwrap().to_bytes(), "abc");
/// # }
/// ```
pub struct UnsyncBoxBody<D, E> {
    inner: Pin<Box<dyn Body<Data = D, Error = E> + Send + 'static>>,
}

impl<D, E> UnsyncBoxBody<D, E> {
    /// Boxes `body`.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    /// use spire_body::{Full, UnsyncBoxBody};
    ///
    /// let body = UnsyncBoxBody::new(Full::new(Bytes::from_static(b"x")));
    /// # let _: UnsyncBoxBody<Bytes, std::convert::Infallible> = body;
    /// ```
    pub fn new<B>(body: B) -> Self
    where
        B: Body<Data = D, Error = E> + Send + 'static,
        D: Buf,
    {
        Self {
            inner: Box::pin(body),
        }
    }
}

impl<D: Buf, E> Body for UnsyncBoxBody<D, E> {
    type Data = D;
    type Error = E;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<D>, E>>> {
        self.inner.as_mut().poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl<D: Buf + 'static, E: 'static> Default for UnsyncBoxBody<D, E> {
    /// A boxed [`Empty`] body.
    fn default() -> Self {
        Self::new(Empty::new().map_err(|never| match never {}))
    }
}

impl<D, E> fmt::Debug for UnsyncBoxBody<D, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnsyncBoxBody").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;

    use bytes::Bytes;

    use super::*;
    use crate::Full;

    #[test]
    fn boxed_bodies_are_send_and_sync_as_promised() {
        fn send_sync<T: Send + Sync + Unpin>() {}
        fn send<T: Send + Unpin>() {}
        send_sync::<BoxBody<Bytes, Infallible>>();
        send::<UnsyncBoxBody<Bytes, Infallible>>();
    }

    #[test]
    fn boxed_default_is_empty() {
        let body = BoxBody::<Bytes, Infallible>::default();
        assert!(body.is_end_stream());
        assert_eq!(body.size_hint().exact(), Some(0));
        let body = UnsyncBoxBody::<Bytes, Infallible>::default();
        assert!(body.is_end_stream());
    }

    #[test]
    fn boxed_forwards_size_hint() {
        let body = Full::new(Bytes::from_static(b"12345")).boxed_unsync();
        assert_eq!(body.size_hint().exact(), Some(5));
        assert!(!body.is_end_stream());
    }
}

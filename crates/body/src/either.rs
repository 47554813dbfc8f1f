//! [`Either`]: a body that is one of two body types.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Buf;
use pin_project_lite::pin_project;

use crate::{Body, BoxError, Frame, SizeHint};

pin_project! {
    /// A body that is one of two body types, chosen at run time, without boxing.
    ///
    /// A middleware that sometimes passes the inner body through and sometimes answers
    /// itself returns `Either<B, Full<Bytes>>`. Every [`Body`] method is forwarded to the
    /// variant that is there. Both sides must have the same data type; their errors are
    /// boxed into a [`BoxError`], so the two error types need not match.
    ///
    /// The variants have a named field, `body`, because projecting a pin into an enum
    /// without `unsafe` needs one; [`Either::left`] and [`Either::right`] build them.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    /// use spire_body::{Body, BodyExt, Either, Empty, Full};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// fn pick(cached: bool) -> Either<Full<Bytes>, Empty<Bytes>> {
    ///     if cached {
    ///         Either::left(Full::new(Bytes::from_static(b"cached")))
    ///     } else {
    ///         Either::right(Empty::new())
    ///     }
    /// }
    ///
    /// assert_eq!(pick(true).size_hint().exact(), Some(6));
    /// assert!(pick(false).is_end_stream());
    /// assert_eq!(pick(true).collect().await.unwrap().to_bytes(), "cached");
    /// # }
    /// ```
    #[project = EitherProj]
    #[derive(Clone, Copy, Debug)]
    #[expect(
        missing_docs,
        reason = "pin_project! cannot take doc comments on variant fields; `body` is described above"
    )]
    pub enum Either<L, R> {
        /// The first body type.
        Left {
            #[pin]
            body: L,
        },
        /// The second body type.
        Right {
            #[pin]
            body: R,
        },
    }
}

impl<L, R> Either<L, R> {
    /// Wraps a body of the first type.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    /// use spire_body::{Either, Empty, Full};
    ///
    /// let body: Either<Empty<Bytes>, Full<Bytes>> = Either::left(Empty::new());
    /// assert!(body.is_left());
    /// ```
    pub fn left(body: L) -> Self {
        Self::Left { body }
    }

    /// Wraps a body of the second type.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    /// use spire_body::{Either, Empty, Full};
    ///
    /// let body: Either<Empty<Bytes>, Full<Bytes>> = Either::right(Full::new(Bytes::new()));
    /// assert!(body.is_right());
    /// ```
    pub fn right(body: R) -> Self {
        Self::Right { body }
    }

    /// Returns `true` for the [`Left`](Either::Left) variant.
    pub fn is_left(&self) -> bool {
        matches!(self, Self::Left { .. })
    }

    /// Returns `true` for the [`Right`](Either::Right) variant.
    pub fn is_right(&self) -> bool {
        matches!(self, Self::Right { .. })
    }
}

impl<L, R> Body for Either<L, R>
where
    L: Body,
    R: Body<Data = L::Data>,
    L::Error: Into<BoxError>,
    R::Error: Into<BoxError>,
    L::Data: Buf,
{
    type Data = L::Data;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<L::Data>, BoxError>>> {
        match self.project() {
            EitherProj::Left { body } => body
                .poll_frame(cx)
                .map(|frame| frame.map(|result| result.map_err(Into::into))),
            EitherProj::Right { body } => body
                .poll_frame(cx)
                .map(|frame| frame.map(|result| result.map_err(Into::into))),
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            Self::Left { body } => body.is_end_stream(),
            Self::Right { body } => body.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Self::Left { body } => body.size_hint(),
            Self::Right { body } => body.size_hint(),
        }
    }
}

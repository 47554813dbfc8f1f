//! [`Frame`]: one piece of a body, either data or trailers.

use http::HeaderMap;

/// One piece of a [`Body`](crate::Body): a buffer of data, or the trailers that end the body.
///
/// A body yields any number of data frames and then at most one trailers frame. The type
/// keeps its variants private so the two kinds are reached through methods that read the same
/// way everywhere: [`data_ref`](Frame::data_ref) and [`into_data`](Frame::into_data) for data,
/// [`trailers_ref`](Frame::trailers_ref) and [`into_trailers`](Frame::into_trailers) for
/// trailers.
///
/// # Examples
///
/// ```
/// use bytes::Bytes;
/// use http::HeaderMap;
/// use spire_body::Frame;
///
/// let data = Frame::data(Bytes::from_static(b"chunk"));
/// assert!(data.is_data());
/// assert_eq!(data.data_ref().unwrap(), "chunk");
///
/// let mut trailers = HeaderMap::new();
/// trailers.insert("grpc-status", "0".parse().unwrap());
/// let end = Frame::<Bytes>::trailers(trailers);
/// assert!(end.is_trailers());
/// assert_eq!(end.trailers_ref().unwrap()["grpc-status"], "0");
/// ```
#[derive(Clone, Debug)]
pub struct Frame<T> {
    kind: Kind<T>,
}

#[derive(Clone, Debug)]
enum Kind<T> {
    Data(T),
    Trailers(HeaderMap),
}

impl<T> Frame<T> {
    /// Creates a data frame.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_body::Frame;
    ///
    /// let frame = Frame::data(&b"abc"[..]);
    /// assert_eq!(frame.into_data().unwrap(), b"abc");
    /// ```
    pub fn data(buf: T) -> Self {
        Self {
            kind: Kind::Data(buf),
        }
    }

    /// Creates a trailers frame.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::HeaderMap;
    /// use spire_body::Frame;
    ///
    /// let frame = Frame::<&[u8]>::trailers(HeaderMap::new());
    /// assert!(frame.into_trailers().unwrap().is_empty());
    /// ```
    pub fn trailers(map: HeaderMap) -> Self {
        Self {
            kind: Kind::Trailers(map),
        }
    }

    /// Changes the data type with `f`; trailers pass through unchanged.
    ///
    /// `f` is called only for a data frame.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    /// use spire_body::Frame;
    ///
    /// let frame = Frame::data("abc").map_data(|s| Bytes::from_static(s.as_bytes()));
    /// assert_eq!(frame.into_data().unwrap(), Bytes::from_static(b"abc"));
    /// ```
    pub fn map_data<F, D>(self, f: F) -> Frame<D>
    where
        F: FnOnce(T) -> D,
    {
        match self.kind {
            Kind::Data(data) => Frame::data(f(data)),
            Kind::Trailers(trailers) => Frame::trailers(trailers),
        }
    }

    /// Returns `true` for a data frame.
    pub fn is_data(&self) -> bool {
        matches!(self.kind, Kind::Data(_))
    }

    /// Returns the data, or the frame unchanged if it holds trailers.
    ///
    /// # Errors
    ///
    /// Returns `Err(self)` when the frame is a trailers frame, so nothing is lost.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::HeaderMap;
    /// use spire_body::Frame;
    ///
    /// assert_eq!(Frame::data(7).into_data().unwrap(), 7);
    /// let trailers = Frame::<u8>::trailers(HeaderMap::new());
    /// assert!(trailers.into_data().unwrap_err().is_trailers());
    /// ```
    pub fn into_data(self) -> Result<T, Self> {
        match self.kind {
            Kind::Data(data) => Ok(data),
            Kind::Trailers(_) => Err(self),
        }
    }

    /// Returns a reference to the data, if this is a data frame.
    pub fn data_ref(&self) -> Option<&T> {
        match &self.kind {
            Kind::Data(data) => Some(data),
            Kind::Trailers(_) => None,
        }
    }

    /// Returns a mutable reference to the data, if this is a data frame.
    pub fn data_mut(&mut self) -> Option<&mut T> {
        match &mut self.kind {
            Kind::Data(data) => Some(data),
            Kind::Trailers(_) => None,
        }
    }

    /// Returns `true` for a trailers frame.
    pub fn is_trailers(&self) -> bool {
        matches!(self.kind, Kind::Trailers(_))
    }

    /// Returns the trailers, or the frame unchanged if it holds data.
    ///
    /// # Errors
    ///
    /// Returns `Err(self)` when the frame is a data frame, so nothing is lost.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::HeaderMap;
    /// use spire_body::Frame;
    ///
    /// let frame = Frame::<u8>::trailers(HeaderMap::new());
    /// assert!(frame.into_trailers().is_ok());
    /// assert!(Frame::data(1).into_trailers().unwrap_err().is_data());
    /// ```
    pub fn into_trailers(self) -> Result<HeaderMap, Self> {
        match self.kind {
            Kind::Trailers(trailers) => Ok(trailers),
            Kind::Data(_) => Err(self),
        }
    }

    /// Returns a reference to the trailers, if this is a trailers frame.
    pub fn trailers_ref(&self) -> Option<&HeaderMap> {
        match &self.kind {
            Kind::Trailers(trailers) => Some(trailers),
            Kind::Data(_) => None,
        }
    }

    /// Returns a mutable reference to the trailers, if this is a trailers frame.
    pub fn trailers_mut(&mut self) -> Option<&mut HeaderMap> {
        match &mut self.kind {
            Kind::Trailers(trailers) => Some(trailers),
            Kind::Data(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_data_accessors_see_data_only() {
        let mut frame = Frame::data(vec![1u8, 2]);
        assert!(frame.is_data());
        assert!(!frame.is_trailers());
        assert!(frame.trailers_ref().is_none());
        assert!(frame.trailers_mut().is_none());
        frame.data_mut().unwrap().push(3);
        assert_eq!(frame.data_ref().unwrap(), &[1, 2, 3]);
        let frame = frame.into_trailers().unwrap_err();
        assert_eq!(frame.into_data().unwrap(), vec![1, 2, 3]);
    }

    #[test]
    fn frame_trailers_accessors_see_trailers_only() {
        let mut frame = Frame::<u8>::trailers(HeaderMap::new());
        assert!(frame.is_trailers());
        assert!(!frame.is_data());
        assert!(frame.data_ref().is_none());
        assert!(frame.data_mut().is_none());
        frame
            .trailers_mut()
            .unwrap()
            .insert("x-sum", "1".parse().unwrap());
        assert_eq!(frame.trailers_ref().unwrap()["x-sum"], "1");
        let frame = frame.into_data().unwrap_err();
        assert_eq!(frame.into_trailers().unwrap().len(), 1);
    }

    #[test]
    fn frame_map_data_skips_trailers() {
        let frame = Frame::<u8>::trailers(HeaderMap::new())
            .map_data(|_: u8| -> u16 { panic!("f must not run for trailers") });
        assert!(frame.is_trailers());
        assert_eq!(
            Frame::data(2u8).map_data(u16::from).into_data().unwrap(),
            2u16
        );
    }
}

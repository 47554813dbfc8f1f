//! [`SizeHint`]: bounds on how many data bytes a body has left.

/// Bounds on the number of data bytes a [`Body`](crate::Body) has yet to yield.
///
/// A hint is a lower bound and an optional upper bound; when they are equal the size is
/// exact. An exact hint is what lets HTTP/1 send `Content-Length` instead of chunked coding,
/// and what lets a buffer be sized once. Trailers are not counted. The type keeps
/// `lower <= upper` at all times: the setters panic rather than store a hint that no body
/// could satisfy.
///
/// # Examples
///
/// ```
/// use spire_body::SizeHint;
///
/// let mut hint = SizeHint::new();
/// assert_eq!((hint.lower(), hint.upper()), (0, None));
///
/// hint.set_lower(10);
/// hint.set_upper(10);
/// assert_eq!(hint.exact(), Some(10));
/// assert_eq!(SizeHint::with_exact(10), hint);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SizeHint {
    lower: u64,
    upper: Option<u64>,
}

impl SizeHint {
    /// Returns a hint that knows nothing: at least zero bytes, no upper bound.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_body::SizeHint;
    ///
    /// assert_eq!(SizeHint::new(), SizeHint::default());
    /// assert_eq!(SizeHint::new().exact(), None);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Returns a hint for exactly `value` bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_body::SizeHint;
    ///
    /// let hint = SizeHint::with_exact(42);
    /// assert_eq!((hint.lower(), hint.upper(), hint.exact()), (42, Some(42), Some(42)));
    /// ```
    pub fn with_exact(value: u64) -> Self {
        Self {
            lower: value,
            upper: Some(value),
        }
    }

    /// Returns the lower bound: the body will yield at least this many data bytes.
    pub fn lower(&self) -> u64 {
        self.lower
    }

    /// Returns the upper bound, or `None` if the body did not bound its size.
    pub fn upper(&self) -> Option<u64> {
        self.upper
    }

    /// Returns the size if the bounds are equal, and `None` otherwise.
    pub fn exact(&self) -> Option<u64> {
        match self.upper {
            Some(upper) if upper == self.lower => Some(upper),
            _ => None,
        }
    }

    /// Sets the lower bound.
    ///
    /// # Panics
    ///
    /// Panics if `value` is greater than the current upper bound, since no body could then
    /// satisfy the hint.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_body::SizeHint;
    ///
    /// let mut hint = SizeHint::new();
    /// hint.set_lower(5);
    /// assert_eq!(hint.lower(), 5);
    /// ```
    pub fn set_lower(&mut self, value: u64) {
        if let Some(upper) = self.upper {
            assert!(
                value <= upper,
                "SizeHint lower bound {value} is above its upper bound {upper}"
            );
        }
        self.lower = value;
    }

    /// Sets the upper bound.
    ///
    /// # Panics
    ///
    /// Panics if `value` is less than the current lower bound, since no body could then
    /// satisfy the hint.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_body::SizeHint;
    ///
    /// let mut hint = SizeHint::new();
    /// hint.set_upper(100);
    /// assert_eq!(hint.upper(), Some(100));
    /// ```
    ///
    /// An upper bound below the lower bound is a bug:
    ///
    /// ```should_panic
    /// use spire_body::SizeHint;
    ///
    /// let mut hint = SizeHint::with_exact(10);
    /// hint.set_upper(9); // panics
    /// ```
    pub fn set_upper(&mut self, value: u64) {
        assert!(
            value >= self.lower,
            "SizeHint upper bound {value} is below its lower bound {}",
            self.lower
        );
        self.upper = Some(value);
    }

    /// Sets both bounds to `value`, making the hint exact.
    ///
    /// Unlike calling the two setters one after the other, this never panics.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_body::SizeHint;
    ///
    /// let mut hint = SizeHint::with_exact(10);
    /// hint.set_exact(3);
    /// assert_eq!(hint.exact(), Some(3));
    /// ```
    pub fn set_exact(&mut self, value: u64) {
        self.lower = value;
        self.upper = Some(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_hint_default_is_unbounded() {
        let hint = SizeHint::new();
        assert_eq!(hint.lower(), 0);
        assert_eq!(hint.upper(), None);
        assert_eq!(hint.exact(), None);
    }

    #[test]
    fn size_hint_range_is_not_exact() {
        let mut hint = SizeHint::new();
        hint.set_upper(10);
        hint.set_lower(2);
        assert_eq!(hint.exact(), None);
        hint.set_lower(10);
        assert_eq!(hint.exact(), Some(10));
    }

    #[test]
    #[should_panic(expected = "above its upper bound")]
    fn size_hint_set_lower_above_upper_panics() {
        let mut hint = SizeHint::with_exact(3);
        hint.set_lower(4);
    }

    #[test]
    #[should_panic(expected = "below its lower bound")]
    fn size_hint_set_upper_below_lower_panics() {
        let mut hint = SizeHint::new();
        hint.set_lower(4);
        hint.set_upper(3);
    }

    #[test]
    fn size_hint_set_exact_overrides_both_bounds() {
        let mut hint = SizeHint::with_exact(100);
        hint.set_exact(1);
        assert_eq!((hint.lower(), hint.upper()), (1, Some(1)));
    }
}

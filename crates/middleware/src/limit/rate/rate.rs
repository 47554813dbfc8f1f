//! [`Rate`].

use std::time::Duration;

/// A number of calls per period.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// use spire_middleware::limit::rate::Rate;
///
/// let rate = Rate::new(10, Duration::from_secs(1));
/// assert_eq!(rate.num(), 10);
/// assert_eq!(rate.per(), Duration::from_secs(1));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    num: u64,
    per: Duration,
}

impl Rate {
    /// `num` calls per `per`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let _rate = spire_middleware::limit::rate::Rate::new(5, Duration::from_millis(100));
    /// ```
    ///
    /// # Panics
    ///
    /// Panics if `num` is zero or `per` is zero: such a limit would never let a call through,
    /// or would not limit anything.
    #[must_use]
    pub const fn new(num: u64, per: Duration) -> Self {
        assert!(num > 0, "a rate must allow at least one call");
        assert!(!per.is_zero(), "a rate's period must not be zero");
        Self { num, per }
    }

    /// How many calls each period allows.
    #[must_use]
    pub const fn num(&self) -> u64 {
        self.num
    }

    /// The length of a period.
    #[must_use]
    pub const fn per(&self) -> Duration {
        self.per
    }
}

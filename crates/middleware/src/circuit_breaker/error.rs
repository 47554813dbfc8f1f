//! [`CircuitOpen`].

use std::fmt;

/// A [`CircuitBreaker`](super::CircuitBreaker) turned the call away: its circuit is open
/// (the inner service failed too often), or half-open with a probe already in flight.
///
/// The call never reached the inner service.
///
/// # Examples
///
/// ```
/// use spire_middleware::circuit_breaker::CircuitOpen;
///
/// assert_eq!(CircuitOpen::new().to_string(), "circuit open");
/// ```
#[derive(Debug, Default)]
pub struct CircuitOpen {
    _private: (),
}

impl CircuitOpen {
    /// Creates the error.
    ///
    /// # Examples
    ///
    /// ```
    /// let _err = spire_middleware::circuit_breaker::CircuitOpen::new();
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self { _private: () }
    }
}

impl fmt::Display for CircuitOpen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("circuit open")
    }
}

impl std::error::Error for CircuitOpen {}

//! [`Level`]: how hard the compressor works.

/// How hard [`Compression`](super::Compression) works: `0` (store only, fastest) to `9`
/// (smallest output, slowest). The default, `6`, is zlib's: close to the best ratio at a
/// fraction of the cost of `9`.
///
/// # Examples
///
/// ```
/// use spire_middleware::http::compression::Level;
///
/// assert_eq!(Level::default(), Level::DEFAULT);
/// assert_eq!(Level::new(4).get(), 4);
/// assert_eq!(Level::new(42), Level::BEST); // clamped
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Level(u32);

impl Level {
    /// Level 1: the fastest level that still compresses.
    pub const FASTEST: Self = Self(1);
    /// Level 6, zlib's default.
    pub const DEFAULT: Self = Self(6);
    /// Level 9: the smallest output.
    pub const BEST: Self = Self(9);

    /// A level from `0` to `9`; larger numbers are clamped to `9`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::compression::Level;
    ///
    /// assert_eq!(Level::new(1), Level::FASTEST);
    /// ```
    #[must_use]
    pub const fn new(level: u32) -> Self {
        if level > 9 { Self(9) } else { Self(level) }
    }

    /// The level as a number, `0..=9`.
    #[must_use]
    pub const fn get(self) -> u32 {
        self.0
    }
}

impl Default for Level {
    fn default() -> Self {
        Self::DEFAULT
    }
}

//! [`Limits`]: how far a decompressed body may grow.

use super::DecompressionLimitError;

/// The decompressed size and expansion ratio a body may reach, shared by both layers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Limits {
    pub(super) max_size: u64,
    pub(super) max_ratio: u64,
}

/// 64 MiB: far above what an API request or a page needs, far below what hurts a server.
pub(super) const DEFAULT_MAX_SIZE: u64 = 64 * 1024 * 1024;

/// 100 decompressed bytes per compressed byte. Text and JSON compress 3 to 20 times;
/// deflate cannot pass about 1032 times, and only runs of one repeated byte come near
/// that, which is what a decompression bomb is made of.
pub(super) const DEFAULT_MAX_RATIO: u64 = 100;

/// The ratio is not checked until this much has been decompressed (1 MiB), so a small
/// body of, say, blank padding (which compresses very well) is never refused: 1 MiB is
/// harmless, whatever it came from.
pub(super) const RATIO_ALLOWANCE: u64 = 1024 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_size: DEFAULT_MAX_SIZE,
            max_ratio: DEFAULT_MAX_RATIO,
        }
    }
}

impl Limits {
    /// How many more bytes may be decompressed, plus one so that crossing the limit is
    /// seen: the output buffer is never larger than this.
    pub(super) fn room(self, decompressed: u64) -> u64 {
        self.max_size.saturating_sub(decompressed).saturating_add(1)
    }

    /// Checks the totals after a decoding step.
    pub(super) fn check(
        self,
        decompressed: u64,
        compressed: u64,
    ) -> Result<(), DecompressionLimitError> {
        if decompressed > self.max_size {
            return Err(DecompressionLimitError::size(
                self.max_size,
                decompressed,
                compressed,
            ));
        }
        if decompressed > RATIO_ALLOWANCE
            && decompressed > self.max_ratio.saturating_mul(compressed)
        {
            return Err(DecompressionLimitError::ratio(
                self.max_ratio,
                decompressed,
                compressed,
            ));
        }
        Ok(())
    }
}

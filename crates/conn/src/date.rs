//! The `Date` header value: [`HttpDate`], an IMF-fixdate formatter, and the per-thread cache
//! the drivers read it from.
//!
//! RFC 9110 section 6.6.1: "An origin server with a clock [...] MUST generate a Date header
//! field in all 2xx (Successful), 3xx (Redirection), and 4xx (Client Error) responses". The
//! value only changes once a second, so rendering it for every response would be wasted work:
//! each thread keeps the last rendered value and re-renders it at most once per second.

use std::cell::RefCell;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::HeaderValue;

/// The length of every IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`.
const FIXDATE_LEN: usize = 29;

const DAY_NAMES: [&[u8; 3]; 7] = [b"Sun", b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat"];
const MONTH_NAMES: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

/// A point in time, to the second, that formats as an HTTP date.
///
/// `Display` writes the IMF-fixdate form of RFC 9110 section 5.6.7, the only form a sender
/// may generate: "`Sun, 06 Nov 1994 08:49:37 GMT`", always 29 bytes, always in GMT. Times
/// before 1970 format as the Unix epoch, and times after the year 9999 as its last second,
/// because the format has exactly four digits for the year.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
///
/// use spire_conn::date::HttpDate;
///
/// let date = HttpDate::from(UNIX_EPOCH + Duration::from_secs(784_111_777));
/// assert_eq!(date.to_string(), "Sun, 06 Nov 1994 08:49:37 GMT");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HttpDate {
    /// Seconds since the Unix epoch, clamped to what four year digits can show.
    secs: u64,
}

/// 9999-12-31T23:59:59Z, the last second an IMF-fixdate can show.
const MAX_SECS: u64 = 253_402_300_799;

impl HttpDate {
    /// Returns the current time, to the second.
    ///
    /// # Examples
    ///
    /// ```
    /// let now = spire_conn::date::HttpDate::now().to_string();
    /// assert!(now.ends_with(" GMT"));
    /// ```
    pub fn now() -> Self {
        Self::from(SystemTime::now())
    }

    /// Renders the date into its fixed 29 bytes.
    fn render(self) -> [u8; FIXDATE_LEN] {
        let days = self.secs / 86_400;
        let second_of_day = self.secs % 86_400;
        let (year, month, day) = civil_from_days(days);
        // 1970-01-01 was a Thursday (index 4 with Sunday as 0).
        let weekday = usize::try_from((days + 4) % 7).unwrap_or(0);

        let mut out = *b"Sun, 00 Jan 0000 00:00:00 GMT";
        out[..3].copy_from_slice(DAY_NAMES[weekday]);
        put_two(&mut out[5..7], day);
        out[8..11].copy_from_slice(MONTH_NAMES[usize::try_from(month - 1).unwrap_or(0)]);
        put_two(&mut out[12..14], year / 100);
        put_two(&mut out[14..16], year % 100);
        put_two(&mut out[17..19], second_of_day / 3600);
        put_two(&mut out[20..22], second_of_day / 60 % 60);
        put_two(&mut out[23..25], second_of_day % 60);
        out
    }

    /// Returns the date as a header value, ready to be inserted as `date`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::UNIX_EPOCH;
    ///
    /// use spire_conn::date::HttpDate;
    ///
    /// let value = HttpDate::from(UNIX_EPOCH).to_header_value();
    /// assert_eq!(value, "Thu, 01 Jan 1970 00:00:00 GMT");
    /// ```
    pub fn to_header_value(self) -> HeaderValue {
        let bytes = Bytes::copy_from_slice(&self.render());
        // The rendering only ever holds ASCII letters, digits, spaces, commas and colons, so
        // the fallback is unreachable; it is there so that this function cannot panic.
        HeaderValue::from_maybe_shared(bytes)
            .unwrap_or_else(|_| HeaderValue::from_static("Thu, 01 Jan 1970 00:00:00 GMT"))
    }
}

impl From<SystemTime> for HttpDate {
    fn from(time: SystemTime) -> Self {
        let secs = time
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_secs())
            .min(MAX_SECS);
        Self { secs }
    }
}

impl From<HttpDate> for SystemTime {
    fn from(date: HttpDate) -> Self {
        UNIX_EPOCH + Duration::from_secs(date.secs)
    }
}

impl fmt::Display for HttpDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rendered = self.render();
        // Built from ASCII tables and digits only.
        f.write_str(std::str::from_utf8(&rendered).map_err(|_| fmt::Error)?)
    }
}

/// Writes `value % 100` as two ASCII digits.
fn put_two(out: &mut [u8], value: u64) {
    let value = value % 100;
    out[0] = b'0' + u8::try_from(value / 10).unwrap_or(0);
    out[1] = b'0' + u8::try_from(value % 10).unwrap_or(0);
}

/// Converts a count of days since 1970-01-01 into a proleptic Gregorian (year, month, day).
///
/// The calendar repeats every 400 years (146,097 days). Counting years from March 1st puts
/// the leap day at the end of the year, so within an era only the year length varies, and
/// the month follows from the day of the year with one linear formula (153 days for every
/// five months from March on).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    // Shift the epoch to 0000-03-01, the start of a 400-year era.
    let days = days + 719_468;
    let era = days / 146_097;
    let day_of_era = days % 146_097;
    // Years of 365 days, corrected for the leap years in every 4, 100 and 400.
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// The last rendered `Date` value and the second it was rendered for.
#[derive(Debug, Default)]
pub(crate) struct DateCache {
    rendered: Option<(u64, HeaderValue)>,
    renders: u64,
}

impl DateCache {
    /// Returns the `Date` value for `now`, re-rendering only when the second has changed.
    pub(crate) fn value_at(&mut self, now: SystemTime) -> HeaderValue {
        let date = HttpDate::from(now);
        match &self.rendered {
            Some((secs, value)) if *secs == date.secs => value.clone(),
            _ => {
                let value = date.to_header_value();
                self.rendered = Some((date.secs, value.clone()));
                self.renders += 1;
                value
            }
        }
    }

    /// How many times the value has been rendered (for tests).
    #[cfg(test)]
    fn renders(&self) -> u64 {
        self.renders
    }
}

thread_local! {
    static CACHE: RefCell<DateCache> = RefCell::new(DateCache::default());
}

/// Returns the `Date` value for the current second from this thread's cache.
///
/// Cloning a [`HeaderValue`] built from [`Bytes`] only bumps a reference count, so every
/// response within the same second shares one rendering.
pub(crate) fn now_header_value() -> HeaderValue {
    CACHE.with(|cache| cache.borrow_mut().value_at(SystemTime::now()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> HttpDate {
        HttpDate::from(UNIX_EPOCH + Duration::from_secs(secs))
    }

    #[test]
    fn rfc9110_5_6_7_example_formats_exactly() {
        // "Sun, 06 Nov 1994 08:49:37 GMT    ; IMF-fixdate" (RFC 9110 section 5.6.7).
        assert_eq!(at(784_111_777).to_string(), "Sun, 06 Nov 1994 08:49:37 GMT");
    }

    #[test]
    fn known_timestamps_format_exactly() {
        let cases = [
            (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
            (951_782_400, "Tue, 29 Feb 2000 00:00:00 GMT"),
            (1_709_164_799, "Wed, 28 Feb 2024 23:59:59 GMT"),
            (1_709_251_199, "Thu, 29 Feb 2024 23:59:59 GMT"),
            (1_709_251_200, "Fri, 01 Mar 2024 00:00:00 GMT"),
            (4_107_542_400, "Mon, 01 Mar 2100 00:00:00 GMT"),
            (1_234_567_890, "Fri, 13 Feb 2009 23:31:30 GMT"),
            (MAX_SECS, "Fri, 31 Dec 9999 23:59:59 GMT"),
        ];
        for (secs, expected) in cases {
            assert_eq!(at(secs).to_string(), expected, "secs = {secs}");
        }
    }

    #[test]
    fn out_of_range_times_are_clamped() {
        let before_epoch = UNIX_EPOCH - Duration::from_secs(10);
        assert_eq!(
            HttpDate::from(before_epoch).to_string(),
            "Thu, 01 Jan 1970 00:00:00 GMT"
        );
        assert_eq!(
            at(u64::MAX / 2).to_string(),
            "Fri, 31 Dec 9999 23:59:59 GMT"
        );
    }

    #[test]
    fn every_rendering_is_29_bytes() {
        for secs in (0..MAX_SECS).step_by(7_777_777) {
            assert_eq!(at(secs).to_string().len(), FIXDATE_LEN, "secs = {secs}");
        }
    }

    #[test]
    fn cache_renders_once_per_second() {
        let mut cache = DateCache::default();
        let base = UNIX_EPOCH + Duration::from_secs(784_111_777);
        let first = cache.value_at(base);
        let same_second = cache.value_at(base + Duration::from_millis(999));
        assert_eq!(first, same_second);
        assert_eq!(cache.renders(), 1);
    }

    #[test]
    fn cache_refreshes_when_the_second_changes() {
        let mut cache = DateCache::default();
        let base = UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(cache.value_at(base), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(
            cache.value_at(base + Duration::from_secs(1)),
            "Sun, 06 Nov 1994 08:49:38 GMT"
        );
        assert_eq!(cache.renders(), 2);
    }

    #[test]
    fn now_header_value_is_a_current_date() {
        let value = now_header_value();
        let text = value.to_str().expect("ascii");
        assert_eq!(text.len(), FIXDATE_LEN);
        assert!(text.ends_with(" GMT"));
    }
}

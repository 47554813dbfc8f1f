//! The content codings this crate speaks, and the header rules shared by
//! [`compression`](super) and [`decompression`](crate::http::decompression): reading
//! `Accept-Encoding` with q-values, reading `Content-Encoding`, adding to `Vary`, and
//! passing through the frames of a body that is left as it is.

use bytes::{Buf, Bytes};
use http::header::{self, HeaderMap, HeaderValue};
use spire_body::BoxError;
use spire_body::Frame;

/// A content coding spire can encode and decode (RFC 9110 §8.4.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Coding {
    /// `gzip` (RFC 1952), also spelled `x-gzip` (RFC 9110 §8.4.1.3).
    Gzip,
    /// `deflate`: a zlib stream (RFC 1950) holding deflate data (RFC 1951), per RFC 9110
    /// §8.4.1.2.
    Deflate,
}

impl Coding {
    /// The token written in `Content-Encoding`.
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            Self::Gzip => "gzip",
            Self::Deflate => "deflate",
        }
    }

    /// Reads one coding token; `x-gzip` is `gzip` (RFC 9110 §8.4.1.3: "A recipient
    /// SHOULD consider "x-gzip" to be equivalent to "gzip"").
    fn from_token(token: &str) -> Option<Self> {
        if token.eq_ignore_ascii_case("gzip") || token.eq_ignore_ascii_case("x-gzip") {
            Some(Self::Gzip)
        } else if token.eq_ignore_ascii_case("deflate") {
            Some(Self::Deflate)
        } else {
            None
        }
    }
}

/// Which codings a layer has switched on. The order of [`Enabled::iter`] is the server's
/// preference: gzip first, because every client that takes deflate takes gzip, and
/// "deflate" has a history of clients that expect raw deflate instead of zlib.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Enabled {
    pub(crate) gzip: bool,
    pub(crate) deflate: bool,
}

impl Default for Enabled {
    fn default() -> Self {
        Self {
            gzip: true,
            deflate: true,
        }
    }
}

impl Enabled {
    /// The enabled codings, most preferred first.
    pub(crate) fn iter(self) -> impl Iterator<Item = Coding> {
        [(self.gzip, Coding::Gzip), (self.deflate, Coding::Deflate)]
            .into_iter()
            .filter_map(|(on, coding)| on.then_some(coding))
    }

    /// Whether `coding` is switched on.
    pub(crate) fn contains(self, coding: Coding) -> bool {
        match coding {
            Coding::Gzip => self.gzip,
            Coding::Deflate => self.deflate,
        }
    }

    /// The value to send in `Accept-Encoding`: the enabled codings, or `identity` when
    /// none is.
    pub(crate) fn accept_encoding(self) -> HeaderValue {
        match (self.gzip, self.deflate) {
            (true, true) => HeaderValue::from_static("gzip, deflate"),
            (true, false) => HeaderValue::from_static("gzip"),
            (false, true) => HeaderValue::from_static("deflate"),
            (false, false) => HeaderValue::from_static("identity"),
        }
    }
}

/// A q-value in thousandths, `0..=1000` (RFC 9110 §12.4.2).
type Quality = u16;

/// Parses `qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )`.
fn parse_quality(text: &str) -> Option<Quality> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut thousandths: Quality = 0;
    for (i, digit) in fraction.bytes().enumerate() {
        let scale = [100, 10, 1][i];
        thousandths += Quality::from(digit - b'0') * scale;
    }
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

/// One element of `Accept-Encoding`: a coding token (or `*`) and its weight.
fn parse_element(element: &str) -> Option<(&str, Quality)> {
    let mut parts = element.split(';');
    let token = parts.next()?.trim();
    if token.is_empty() {
        return None;
    }
    let mut quality = 1000;
    for param in parts {
        let (name, value) = param.split_once('=')?;
        if name.trim().eq_ignore_ascii_case("q") {
            quality = parse_quality(value.trim())?;
        }
    }
    Some((token, quality))
}

/// Picks the coding to answer with, from every `Accept-Encoding` line of a request
/// (RFC 9110 §12.5.3).
///
/// - No `Accept-Encoding` at all: `None`. The RFC allows any coding then, but clients
///   that omit the header are mostly simple tools that cannot decode, so spire sends
///   the content as it is.
/// - A coding's weight is its own entry, else the weight of `*`, else 0 (not
///   acceptable). `q=0` means "not acceptable".
/// - `identity` weighs its own entry, else the weight of `*`; unlisted, it is the
///   fallback that every acceptable coding beats. It is compared only so that a client
///   can prefer it (`gzip;q=0.5, identity`).
/// - The best enabled coding with a weight above 0 wins; a tie between codings goes to
///   the server's preference ([`Enabled::iter`]); a tie with `identity` goes to the
///   coding. When `identity` weighs more, or nothing is acceptable, the answer is `None`
///   (send the content as it is, which RFC 9110 allows even for `identity;q=0`).
/// - Tokens are case-insensitive; unknown tokens and elements with a malformed weight
///   are ignored; the first entry for a token counts.
pub(crate) fn negotiate(headers: &HeaderMap, enabled: Enabled) -> Option<Coding> {
    let mut values = headers.get_all(header::ACCEPT_ENCODING).iter().peekable();
    values.peek()?;

    let (mut gzip, mut deflate, mut identity, mut star) = (None, None, None, None);
    let elements = values
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(parse_element);
    for (token, quality) in elements {
        let slot = if token == "*" {
            &mut star
        } else if token.eq_ignore_ascii_case("identity") {
            &mut identity
        } else {
            match Coding::from_token(token) {
                Some(Coding::Gzip) => &mut gzip,
                Some(Coding::Deflate) => &mut deflate,
                None => continue,
            }
        };
        slot.get_or_insert(quality);
    }

    let weight = |own: Option<Quality>| own.or(star).unwrap_or(0);
    // Unlisted, identity is acceptable but preferred to nothing: any coding with a
    // weight above 0 beats it.
    let identity = identity.or(star).unwrap_or(0);
    let mut best: Option<(Coding, Quality)> = None;
    for coding in enabled.iter() {
        let quality = match coding {
            Coding::Gzip => weight(gzip),
            Coding::Deflate => weight(deflate),
        };
        // Strictly greater: on a tie the coding seen first (preferred) stays.
        if quality > 0 && best.is_none_or(|(_, q)| quality > q) {
            best = Some((coding, quality));
        }
    }
    best.filter(|&(_, quality)| quality >= identity)
        .map(|(coding, _)| coding)
}

/// What a message's `Content-Encoding` says about its body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ContentEncoding {
    /// No coding (absent, empty, or only `identity`).
    Identity,
    /// Exactly one coding that spire knows.
    Coding(Coding),
    /// Anything else: an unknown coding, or several codings stacked.
    Other,
}

/// Reads every `Content-Encoding` line of `headers`. `identity` entries are skipped:
/// RFC 9110 §8.4.1 reserves it for `Accept-Encoding`, but some senders write it anyway.
pub(crate) fn content_encoding(headers: &HeaderMap) -> ContentEncoding {
    let mut found = ContentEncoding::Identity;
    for value in headers.get_all(header::CONTENT_ENCODING) {
        let Ok(value) = value.to_str() else {
            return ContentEncoding::Other;
        };
        for token in value.split(',').map(str::trim) {
            if token.is_empty() || token.eq_ignore_ascii_case("identity") {
                continue;
            }
            found = match (found, Coding::from_token(token)) {
                (ContentEncoding::Identity, Some(coding)) => ContentEncoding::Coding(coding),
                _ => return ContentEncoding::Other,
            };
        }
    }
    found
}

/// Adds `accept-encoding` to `Vary`, as a new line, unless some `Vary` line already
/// names it or is `*` (which already means "varies on everything").
pub(crate) fn add_vary_accept_encoding(headers: &mut HeaderMap) {
    let present = headers
        .get_all(header::VARY)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .any(|name| name == "*" || name.eq_ignore_ascii_case("accept-encoding"));
    if !present {
        headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
}

/// A frame of a body neither layer transforms, as the transforming bodies yield frames:
/// data as `Bytes` (no copy when it already is), the error boxed.
pub(crate) fn pass_through<D, E>(
    frame: Option<Result<Frame<D>, E>>,
) -> Option<Result<Frame<Bytes>, BoxError>>
where
    D: Buf,
    E: Into<BoxError>,
{
    frame.map(|frame| {
        frame
            .map(|frame| frame.map_data(|mut data| data.copy_to_bytes(data.remaining())))
            .map_err(Into::into)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(accept: &str) -> Option<Coding> {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(accept).unwrap(),
        );
        negotiate(&headers, Enabled::default())
    }

    #[test]
    fn quality_parses_the_rfc_grammar_only() {
        assert_eq!(parse_quality("0"), Some(0));
        assert_eq!(parse_quality("0.5"), Some(500));
        assert_eq!(parse_quality("0.125"), Some(125));
        assert_eq!(parse_quality("1"), Some(1000));
        assert_eq!(parse_quality("1.000"), Some(1000));
        assert_eq!(parse_quality("1.5"), None);
        assert_eq!(parse_quality("0.1234"), None);
        assert_eq!(parse_quality("2"), None);
        assert_eq!(parse_quality("-0"), None);
        assert_eq!(parse_quality(""), None);
    }

    #[test]
    fn negotiate_follows_weights_and_preference() {
        assert_eq!(pick("gzip"), Some(Coding::Gzip));
        assert_eq!(pick("deflate, gzip"), Some(Coding::Gzip));
        assert_eq!(pick("gzip;q=0.5, deflate"), Some(Coding::Deflate));
        assert_eq!(pick("GZIP ; Q=0.9"), Some(Coding::Gzip));
        assert_eq!(pick("x-gzip"), Some(Coding::Gzip));
        assert_eq!(pick("gzip;q=0, deflate;q=0"), None);
        assert_eq!(pick("*"), Some(Coding::Gzip));
        assert_eq!(pick("*;q=0.2, gzip;q=0"), Some(Coding::Deflate));
        assert_eq!(pick("br"), None);
        assert_eq!(pick(""), None);
        assert_eq!(pick("gzip;q=0.5, identity"), None);
        assert_eq!(pick("gzip, identity"), Some(Coding::Gzip));
        assert_eq!(pick("gzip;q=abc, deflate"), Some(Coding::Deflate));
    }

    #[test]
    fn content_encoding_reads_one_known_coding() {
        let read = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(
                header::CONTENT_ENCODING,
                HeaderValue::from_str(value).unwrap(),
            );
            content_encoding(&headers)
        };
        assert_eq!(
            content_encoding(&HeaderMap::new()),
            ContentEncoding::Identity
        );
        assert_eq!(read("identity"), ContentEncoding::Identity);
        assert_eq!(read("Gzip"), ContentEncoding::Coding(Coding::Gzip));
        assert_eq!(read("deflate"), ContentEncoding::Coding(Coding::Deflate));
        assert_eq!(read("br"), ContentEncoding::Other);
        assert_eq!(read("deflate, gzip"), ContentEncoding::Other);
    }
}

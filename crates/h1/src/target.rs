//! Request-target forms (RFC 9112 section 3.2): origin, absolute, authority, asterisk.

use std::fmt;

use bytes::Bytes;
use http::{Method, Uri};

use crate::error::{Error, ErrorKind};

/// Which of the four request-target forms of RFC 9112 section 3.2 a target uses.
///
/// Which forms are allowed depends on the method: authority-form only with CONNECT, asterisk-form
/// only with OPTIONS.
///
/// # Examples
///
/// ```
/// use http::Method;
/// use spire_h1::{Target, TargetForm};
///
/// let t = Target::parse(&Method::OPTIONS, "*".into()).unwrap();
/// assert_eq!(t.form(), TargetForm::Asterisk);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TargetForm {
    /// `absolute-path [ "?" query ]`, the usual form (section 3.2.1).
    Origin,
    /// `absolute-URI`, used with proxies (section 3.2.2).
    Absolute,
    /// `uri-host ":" port`, only with CONNECT (section 3.2.3).
    Authority,
    /// `*`, only with OPTIONS (section 3.2.4).
    Asterisk,
}

/// A validated request-target, kept as the bytes that were received (zero-copy) together
/// with its [`TargetForm`].
///
/// Parsed targets share the received bytes; [`to_uri`](Self::to_uri) turns one into an `http::Uri`
/// without copying.
///
/// # Examples
///
/// ```
/// use http::Method;
/// use spire_h1::{Target, TargetForm};
///
/// let t = Target::parse(&Method::GET, "/search?q=rust".into()).unwrap();
/// assert_eq!(t.form(), TargetForm::Origin);
/// assert_eq!(t.as_str(), "/search?q=rust");
/// assert_eq!(t.to_uri().unwrap().query(), Some("q=rust"));
///
/// // authority-form is only for CONNECT
/// assert!(Target::parse(&Method::GET, "example.com:443".into()).is_err());
/// assert!(Target::parse(&Method::CONNECT, "example.com:443".into()).is_ok());
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Target {
    raw: Bytes,
    form: TargetForm,
}

impl Target {
    /// Validates `raw` as the request-target of a request with `method`.
    ///
    /// Only the form is checked here; [`to_uri`](Self::to_uri) parses the URI itself.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidTarget`] if `raw` is empty, not visible ASCII, or its form is not
    /// allowed with `method`: asterisk-form only with OPTIONS, authority-form only (and
    /// always) with CONNECT, absolute-form must look like `scheme://...`.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::Method;
    /// use spire_h1::{ErrorKind, Target, TargetForm};
    ///
    /// let t = Target::parse(&Method::GET, "http://example.com/".into()).unwrap();
    /// assert_eq!(t.form(), TargetForm::Absolute);
    /// let err = Target::parse(&Method::GET, "*".into()).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::InvalidTarget);
    /// ```
    pub fn parse(method: &Method, raw: Bytes) -> Result<Self, Error> {
        let invalid = Error::new(ErrorKind::InvalidTarget);
        // RFC 9112 section 3.2: "request-target = origin-form / absolute-form /
        // authority-form / asterisk-form"; URIs are ASCII (RFC 3986 section 2), and a space or
        // control character would have ended the token already.
        if raw.is_empty() || !raw.iter().all(|b| (0x21..=0x7e).contains(b)) {
            return Err(invalid);
        }
        // Section 3.2.3: "The authority-form of request-target is only used for CONNECT
        // requests ... a client MUST send only the host and port of the tunnel destination".
        if method == Method::CONNECT {
            return if is_authority(&raw) {
                Ok(Self {
                    raw,
                    form: TargetForm::Authority,
                })
            } else {
                Err(invalid)
            };
        }
        let form = match raw.first() {
            Some(b'/') => TargetForm::Origin,
            // Section 3.2.4: "The asterisk-form of request-target is only used for a
            // server-wide OPTIONS request".
            Some(b'*') if raw.len() == 1 && method == Method::OPTIONS => TargetForm::Asterisk,
            _ if is_absolute(&raw) => TargetForm::Absolute,
            _ => return Err(invalid),
        };
        Ok(Self { raw, form })
    }

    /// The target to put in the request line of a request for `uri`.
    ///
    /// CONNECT gets the authority-form, a `*` URI the asterisk-form, anything else the
    /// origin-form (path and query, `/` if empty). Build an absolute-form target for a
    /// proxy with [`Target::parse`].
    ///
    /// # Examples
    ///
    /// ```
    /// use http::{Method, Uri};
    /// use spire_h1::Target;
    ///
    /// let uri: Uri = "http://example.com/a?b".parse().unwrap();
    /// assert_eq!(Target::from_uri(&Method::GET, &uri).as_str(), "/a?b");
    /// assert_eq!(Target::from_uri(&Method::CONNECT, &uri).as_str(), "example.com");
    /// ```
    pub fn from_uri(method: &Method, uri: &Uri) -> Self {
        if method == Method::CONNECT
            && let Some(authority) = uri.authority()
        {
            let raw = Bytes::copy_from_slice(authority.as_str().as_bytes());
            return Self {
                raw,
                form: TargetForm::Authority,
            };
        }
        if uri == "*" {
            return Self {
                raw: Bytes::from_static(b"*"),
                form: TargetForm::Asterisk,
            };
        }
        let raw = match uri.path_and_query() {
            Some(pq) if pq.as_str().starts_with('/') => {
                Bytes::copy_from_slice(pq.as_str().as_bytes())
            }
            Some(pq) => Bytes::from(format!("/{pq}")),
            None => Bytes::from_static(b"/"),
        };
        Self {
            raw,
            form: TargetForm::Origin,
        }
    }

    /// Which form this target uses.
    pub fn form(&self) -> TargetForm {
        self.form
    }

    /// The target as received.
    pub fn as_str(&self) -> &str {
        // Constructors only admit visible ASCII, so this never falls back.
        std::str::from_utf8(&self.raw).unwrap_or_default()
    }

    /// The target as bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.raw
    }

    /// Converts to an [`http::Uri`], sharing the bytes.
    ///
    /// The asterisk-form becomes the URI `*`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidTarget`] if `http` rejects the URI (for example a port over
    /// 65535 or a target longer than `http` supports).
    ///
    /// # Examples
    ///
    /// ```
    /// use http::Method;
    /// use spire_h1::Target;
    ///
    /// let t = Target::parse(&Method::GET, "http://example.com/x".into()).unwrap();
    /// assert_eq!(t.to_uri().unwrap().host(), Some("example.com"));
    /// ```
    pub fn to_uri(&self) -> Result<Uri, Error> {
        Uri::from_maybe_shared(self.raw.clone()).map_err(|_| Error::new(ErrorKind::InvalidTarget))
    }
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Target")
            .field("form", &self.form)
            .field("raw", &self.as_str())
            .finish()
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `scheme "://"`, with `scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )` (RFC 3986
/// section 3.1). Requiring `//` keeps `host:port` from passing as a scheme.
fn is_absolute(raw: &[u8]) -> bool {
    let Some(colon) = raw.iter().position(|&b| b == b':') else {
        return false;
    };
    let (scheme, rest) = raw.split_at(colon);
    matches!(scheme.first(), Some(b) if b.is_ascii_alphabetic())
        && scheme
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
        && rest.starts_with(b"://")
}

/// `uri-host ":" port` (RFC 9112 section 3.2.3), the port required and made of digits.
pub(crate) fn is_authority(raw: &[u8]) -> bool {
    let Some(colon) = raw.iter().rposition(|&b| b == b':') else {
        return false;
    };
    let (host, port) = (&raw[..colon], &raw[colon + 1..]);
    !port.is_empty() && port.iter().all(u8::is_ascii_digit) && is_host(host) && !host.is_empty()
}

/// `uri-host` (RFC 3986 section 3.2.2): reg-name, IPv4 or a bracketed IP literal; no userinfo.
pub(crate) fn is_host(host: &[u8]) -> bool {
    if let Some(inner) = host.strip_prefix(b"[") {
        return match inner.strip_suffix(b"]") {
            Some(ip) => {
                !ip.is_empty()
                    && ip
                        .iter()
                        .all(|&b| b.is_ascii_hexdigit() || matches!(b, b':' | b'.'))
            }
            None => false,
        };
    }
    host.iter().all(|&b| {
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'%'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
            )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(method: Method, raw: &'static str) -> Result<TargetForm, Error> {
        Target::parse(&method, Bytes::from_static(raw.as_bytes())).map(|t| t.form())
    }

    #[test]
    fn target_forms_are_recognised() {
        assert_eq!(parse(Method::GET, "/"), Ok(TargetForm::Origin));
        assert_eq!(
            parse(Method::GET, "http://a.example/x"),
            Ok(TargetForm::Absolute)
        );
        assert_eq!(
            parse(Method::CONNECT, "a.example:443"),
            Ok(TargetForm::Authority)
        );
        assert_eq!(
            parse(Method::CONNECT, "[::1]:443"),
            Ok(TargetForm::Authority)
        );
        assert_eq!(parse(Method::OPTIONS, "*"), Ok(TargetForm::Asterisk));
        assert_eq!(parse(Method::OPTIONS, "/x"), Ok(TargetForm::Origin));
    }

    #[test]
    fn target_forms_rejected_with_wrong_method() {
        for (m, t) in [
            (Method::GET, "*"),
            (Method::GET, "a.example:80"),
            (Method::CONNECT, "/"),
            (Method::CONNECT, "a.example"),
            (Method::CONNECT, "user@a.example:443"),
            (Method::CONNECT, "http://a.example:443"),
            (Method::GET, ""),
            (Method::GET, "/caf\u{e9}"),
            (Method::GET, "1http://x"),
        ] {
            assert_eq!(
                parse(m.clone(), t).map_err(|e| e.kind()),
                Err(ErrorKind::InvalidTarget),
                "{m} {t}"
            );
        }
    }

    #[test]
    fn target_from_uri_picks_the_form() {
        let uri: Uri = "http://a.example:8080".parse().unwrap();
        assert_eq!(Target::from_uri(&Method::GET, &uri).as_str(), "/");
        assert_eq!(
            Target::from_uri(&Method::CONNECT, &uri).as_str(),
            "a.example:8080"
        );
        assert_eq!(
            Target::from_uri(&Method::OPTIONS, &Uri::from_static("*")).form(),
            TargetForm::Asterisk
        );
    }

    #[test]
    fn every_form_converts_to_a_uri() {
        for (m, raw) in [
            (Method::GET, "/a?b"),
            (Method::GET, "http://h:8/p"),
            (Method::CONNECT, "h:443"),
            (Method::OPTIONS, "*"),
        ] {
            let target = Target::parse(&m, Bytes::from_static(raw.as_bytes())).unwrap();
            assert_eq!(target.to_uri().unwrap().to_string(), raw);
        }
        // longer than `http::Uri` supports
        let huge = Target::parse(
            &Method::GET,
            Bytes::from(format!("/{}", "a".repeat(70_000))),
        )
        .unwrap();
        assert_eq!(huge.to_uri().unwrap_err().kind(), ErrorKind::InvalidTarget);
    }
}

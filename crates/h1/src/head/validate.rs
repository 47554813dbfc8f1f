//! Checks on a parsed head that httparse does not make: Host, and (through
//! [`crate::framing`]) the anti-smuggling framing rules.

use http::{HeaderName, Version, header};

use crate::error::{Error, ErrorKind};
use crate::event::RequestHead;
use crate::framing::{self, Framing};
use crate::target::is_host;

/// The framing-relevant fields of a parsed head, noted while its header map is built, so
/// that validation and the keep-alive/upgrade/expect decisions look up only fields that are
/// there (a typical GET has none of them but `Host`).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Seen {
    hosts: u8,
    invalid_host: bool,
    framing: bool,
    pub(crate) connection: bool,
    pub(crate) upgrade: bool,
    pub(crate) expect: bool,
}

impl Seen {
    /// Notes one header line.
    pub(crate) fn note(&mut self, name: &HeaderName, value: &[u8]) {
        if *name == header::HOST {
            self.hosts = self.hosts.saturating_add(1);
            self.invalid_host |= !is_host_value(value);
        } else if *name == header::CONTENT_LENGTH || *name == header::TRANSFER_ENCODING {
            self.framing = true;
        } else if *name == header::CONNECTION {
            self.connection = true;
        } else if *name == header::UPGRADE {
            self.upgrade = true;
        } else if *name == header::EXPECT {
            self.expect = true;
        }
    }
}

/// Validates a received request and returns its body framing.
///
/// httparse already rejected obs-fold (RFC 9112 section 5.2: "A server that receives an
/// obs-fold in a request message ... MUST either reject the message by sending a 400 (Bad
/// Request)..."), whitespace between a field name and the colon (section 5.1: "A server MUST
/// reject, with a response status code of 400 (Bad Request), any received request message
/// that contains whitespace between a header field name and colon") and control characters in
/// values (RFC 9110 section 5.5).
pub(crate) fn request(head: &RequestHead, seen: Seen) -> Result<Framing, Error> {
    check_host(head.version, seen)?;
    if !seen.framing {
        // RFC 9112 section 6.3 item 6: "If this is a request message and none of the above
        // are true, then the message body length is zero".
        return Ok(Framing::Length(0));
    }
    framing::request_framing(head.version, &head.headers)
}

/// RFC 9112 section 3.2: "A server MUST respond with a 400 (Bad Request) status code to any
/// HTTP/1.1 request message that lacks a Host header field and to any request message that
/// contains more than one Host header field line or a Host header field with an invalid field
/// value."
fn check_host(version: Version, seen: Seen) -> Result<(), Error> {
    match seen.hosts {
        0 if version == Version::HTTP_10 => Ok(()),
        1 if !seen.invalid_host => Ok(()),
        _ => Err(Error::new(ErrorKind::InvalidHost)),
    }
}

/// `Host = uri-host [ ":" port ]` (RFC 9110 section 7.2); an empty value is allowed ("If the
/// authority component is missing or undefined for the target URI, then a client MUST send a
/// Host header field with an empty field value").
fn is_host_value(value: &[u8]) -> bool {
    let (host, port) = if value.starts_with(b"[") {
        match value.iter().position(|&b| b == b']') {
            Some(close) => value.split_at(close + 1),
            None => return false,
        }
    } else {
        match value.iter().position(|&b| b == b':') {
            Some(colon) => value.split_at(colon),
            None => (value, &b""[..]),
        }
    };
    let port_ok = match port.split_first() {
        None => true,
        Some((b':', digits)) => digits.iter().all(u8::is_ascii_digit),
        Some(_) => false,
    };
    port_ok && is_host(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_values() {
        for ok in [
            "example.com",
            "example.com:8080",
            "[::1]:80",
            "[::1]",
            "",
            "a.b:",
            "127.0.0.1",
        ] {
            assert!(is_host_value(ok.as_bytes()), "{ok:?}");
        }
        for bad in [
            "a b",
            "user@host",
            "host:80:80",
            "host/path",
            "[::1",
            "[::1]x",
            "host:8a",
        ] {
            assert!(!is_host_value(bad.as_bytes()), "{bad:?}");
        }
    }

    #[test]
    fn host_count_rules() {
        let mut seen = Seen::default();
        assert!(check_host(Version::HTTP_10, seen).is_ok());
        assert!(check_host(Version::HTTP_11, seen).is_err());
        seen.note(&header::HOST, b"a");
        assert!(check_host(Version::HTTP_11, seen).is_ok());
        seen.note(&header::HOST, b"a");
        assert_eq!(
            check_host(Version::HTTP_10, seen).unwrap_err().kind(),
            ErrorKind::InvalidHost
        );
        let mut bad = Seen::default();
        bad.note(&header::HOST, b"a b");
        assert!(check_host(Version::HTTP_11, bad).is_err());
    }

    #[test]
    fn seen_notes_framing_fields() {
        let mut seen = Seen::default();
        seen.note(&header::ACCEPT, b"*/*");
        assert_eq!(seen, Seen::default());
        seen.note(&header::TRANSFER_ENCODING, b"chunked");
        seen.note(&header::EXPECT, b"100-continue");
        assert!(seen.framing && seen.expect && !seen.connection && !seen.upgrade);
    }
}

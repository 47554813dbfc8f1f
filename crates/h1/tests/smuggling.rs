//! Request smuggling: every ambiguous-framing case is rejected with a clear status, and a
//! body is never read as the next request (or the other way round).

use http::StatusCode;
use spire_h1::{Connection, ErrorKind, Event, Received, Role};

/// Feeds `input` to a server and returns the first error, with the events before it.
fn first_error(input: &[u8]) -> (ErrorKind, Option<StatusCode>) {
    let mut conn = Connection::new(Role::Server);
    conn.receive(input);
    conn.receive_eof();
    for _ in 0..64 {
        match conn.next_event() {
            Ok(Received::Event(Event::ConnectionClosed))
            | Ok(Received::NeedData | Received::Paused) => break,
            Ok(_) => {}
            Err(e) => return (e.kind(), e.status()),
        }
    }
    panic!("no error for {:?}", String::from_utf8_lossy(input));
}

fn rejected(input: &[u8], kind: ErrorKind, status: u16) {
    assert_eq!(
        first_error(input),
        (kind, Some(StatusCode::from_u16(status).unwrap())),
        "{:?}",
        String::from_utf8_lossy(input)
    );
}

const BAD: u16 = 400;

#[test]
fn cl_te_both_present_is_rejected() {
    rejected(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", ErrorKind::AmbiguousFraming, BAD);
}

#[test]
fn te_cl_both_present_in_other_order_is_rejected() {
    rejected(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n", ErrorKind::AmbiguousFraming, BAD);
}

#[test]
fn te_chunked_twice_in_one_line_is_rejected() {
    rejected(
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n",
        ErrorKind::AmbiguousFraming,
        BAD,
    );
}

#[test]
fn te_chunked_twice_in_two_lines_is_rejected() {
    rejected(
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        ErrorKind::AmbiguousFraming,
        BAD,
    );
}

#[test]
fn te_unknown_coding_before_chunked_is_501() {
    rejected(
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: foo, chunked\r\n\r\n0\r\n\r\n",
        ErrorKind::UnsupportedTransferCoding,
        501,
    );
}

#[test]
fn te_chunked_not_last_is_rejected() {
    rejected(
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
        ErrorKind::AmbiguousFraming,
        BAD,
    );
}

#[test]
fn te_obfuscated_value_is_rejected() {
    rejected(
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n",
        ErrorKind::AmbiguousFraming,
        BAD,
    );
    rejected(
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked;q=1\r\n\r\n0\r\n\r\n",
        ErrorKind::AmbiguousFraming,
        BAD,
    );
}

#[test]
fn te_with_space_before_colon_is_rejected() {
    rejected(
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n",
        ErrorKind::BadHeader,
        BAD,
    );
}

#[test]
fn te_with_obs_fold_is_rejected() {
    rejected(
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n",
        ErrorKind::BadHeader,
        BAD,
    );
}

#[test]
fn te_with_vertical_tab_is_rejected() {
    rejected(
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\x0bchunked\r\n\r\n0\r\n\r\n",
        ErrorKind::BadHeader,
        BAD,
    );
}

#[test]
fn te_in_http10_request_is_rejected() {
    rejected(
        b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        ErrorKind::AmbiguousFraming,
        BAD,
    );
}

#[test]
fn cl_with_plus_sign_is_rejected() {
    rejected(
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +4\r\n\r\nabcd",
        ErrorKind::InvalidContentLength,
        BAD,
    );
}

#[test]
fn cl_negative_is_rejected() {
    rejected(
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n",
        ErrorKind::InvalidContentLength,
        BAD,
    );
}

#[test]
fn cl_with_inner_space_is_rejected() {
    rejected(
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1 0\r\n\r\n0123456789",
        ErrorKind::InvalidContentLength,
        BAD,
    );
}

#[test]
fn cl_hex_is_rejected() {
    rejected(
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x10\r\n\r\n",
        ErrorKind::InvalidContentLength,
        BAD,
    );
}

#[test]
fn cl_overflow_is_rejected() {
    rejected(
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 18446744073709551616\r\n\r\n",
        ErrorKind::InvalidContentLength,
        BAD,
    );
}

#[test]
fn cl_conflicting_list_is_rejected() {
    rejected(
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4, 5\r\n\r\nabcde",
        ErrorKind::InvalidContentLength,
        BAD,
    );
}

#[test]
fn cl_conflicting_lines_are_rejected() {
    rejected(
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde",
        ErrorKind::InvalidContentLength,
        BAD,
    );
}

#[test]
fn cl_empty_is_rejected() {
    rejected(
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n",
        ErrorKind::InvalidContentLength,
        BAD,
    );
}

#[test]
fn cl_identical_repeats_are_accepted_and_framed_once() {
    let mut conn = Connection::new(Role::Server);
    conn.receive(
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\nContent-Length: 3\r\n\r\nabcGET",
    );
    assert!(matches!(
        conn.next_event(),
        Ok(Received::Event(Event::Request(_)))
    ));
    assert!(matches!(conn.next_event(), Ok(Received::Event(Event::Data(d))) if d == "abc"));
    assert!(matches!(
        conn.next_event(),
        Ok(Received::Event(Event::EndOfMessage(None)))
    ));
    assert!(matches!(conn.next_event(), Ok(Received::Paused)));
}

#[test]
fn body_is_never_parsed_as_a_request() {
    // the "hidden" request inside the body stays body data
    let mut conn = Connection::new(Role::Server);
    conn.receive(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 30\r\n\r\nGET /admin HTTP/1.1\r\nHost: a\r\n\r\n");
    assert!(
        matches!(conn.next_event(), Ok(Received::Event(Event::Request(r))) if r.target.as_str() == "/")
    );
    assert!(
        matches!(conn.next_event(), Ok(Received::Event(Event::Data(d))) if d.starts_with(b"GET /admin"))
    );
}

#[test]
fn chunk_size_with_prefix_is_rejected() {
    rejected(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n", ErrorKind::BadChunk, BAD);
    rejected(
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n+5\r\nhello\r\n0\r\n\r\n",
        ErrorKind::BadChunk,
        BAD,
    );
}

#[test]
fn chunk_size_overflow_is_rejected() {
    rejected(
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1ffffffffffffffff\r\n",
        ErrorKind::BadChunk,
        BAD,
    );
}

#[test]
fn chunk_bare_lf_is_rejected() {
    rejected(
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n",
        ErrorKind::BadChunk,
        BAD,
    );
    rejected(
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\n0\r\n\r\n",
        ErrorKind::BadChunk,
        BAD,
    );
}

#[test]
fn chunk_data_longer_than_size_is_rejected() {
    rejected(
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n",
        ErrorKind::BadChunk,
        BAD,
    );
}

#[test]
fn chunk_extension_too_long_is_rejected() {
    let mut input = b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1;".to_vec();
    input.extend(std::iter::repeat_n(b'a', 2000));
    input.extend_from_slice(b"\r\nx\r\n0\r\n\r\n");
    rejected(&input, ErrorKind::ChunkExtensionTooLong, BAD);
}

#[test]
fn duplicate_host_is_rejected() {
    rejected(
        b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        ErrorKind::InvalidHost,
        BAD,
    );
}

#[test]
fn header_value_with_nul_is_rejected() {
    rejected(
        b"GET / HTTP/1.1\r\nHost: a\r\nX: a\x00b\r\n\r\n",
        ErrorKind::BadHeader,
        BAD,
    );
}

#[test]
fn bare_cr_in_header_is_rejected() {
    rejected(
        b"GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n",
        ErrorKind::BadHeader,
        BAD,
    );
}

#[test]
fn request_line_with_bare_cr_is_rejected() {
    let (kind, status) = first_error(b"GET /\r HTTP/1.1\r\nHost: a\r\n\r\n");
    assert_eq!(status, Some(StatusCode::BAD_REQUEST), "{kind:?}");
}

#[test]
fn space_in_header_name_is_rejected() {
    rejected(
        b"GET / HTTP/1.1\r\nHost: a\r\nContent Length: 5\r\n\r\n",
        ErrorKind::BadHeader,
        BAD,
    );
}

#[test]
fn leading_whitespace_header_line_is_rejected() {
    rejected(
        b"GET / HTTP/1.1\r\n Host: a\r\n\r\n",
        ErrorKind::BadHeader,
        BAD,
    );
}

#[test]
fn bare_lf_line_ending_in_request_head_is_rejected() {
    // a proxy that only splits on CRLF would see one header "X: a\nTransfer-Encoding: chunked"
    rejected(b"POST / HTTP/1.1\r\nHost: a\r\nX: a\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nabc", ErrorKind::BadHeader, BAD);
    rejected(b"GET / HTTP/1.1\nHost: a\n\n", ErrorKind::BadHeader, BAD);
}

use super::*;

fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (k, v) in pairs {
        map.append(*k, v.parse().unwrap());
    }
    map
}

#[test]
fn content_length_accepts_digits_and_identical_repeats() {
    assert_eq!(
        content_length(&headers(&[("content-length", "42")])),
        Ok(Some(42))
    );
    assert_eq!(
        content_length(&headers(&[("content-length", "42, 42")])),
        Ok(Some(42))
    );
    assert_eq!(
        content_length(&headers(&[
            ("content-length", "7"),
            ("content-length", "7")
        ])),
        Ok(Some(7))
    );
    assert_eq!(content_length(&headers(&[])), Ok(None));
}

#[test]
fn content_length_rejects_signs_spaces_overflow_and_mismatch() {
    for bad in [
        "+1",
        "-1",
        "1 2",
        "",
        "0x10",
        "18446744073709551616",
        "1,2",
        "1,",
        "a",
    ] {
        let err = content_length(&headers(&[("content-length", bad)])).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidContentLength, "{bad:?}");
    }
    assert!(
        content_length(&headers(&[
            ("content-length", "1"),
            ("content-length", "2")
        ]))
        .is_err()
    );
}

#[test]
fn request_framing_rules() {
    let h11 = Version::HTTP_11;
    assert_eq!(
        request_framing(h11, &headers(&[("transfer-encoding", "Chunked")])),
        Ok(Framing::Chunked)
    );
    assert_eq!(request_framing(h11, &headers(&[])), Ok(Framing::Length(0)));
    let kind = |pairs: &[(&'static str, &'static str)]| {
        request_framing(h11, &headers(pairs)).unwrap_err().kind()
    };
    assert_eq!(
        kind(&[("transfer-encoding", "chunked, chunked")]),
        ErrorKind::AmbiguousFraming
    );
    assert_eq!(
        kind(&[
            ("transfer-encoding", "chunked"),
            ("transfer-encoding", "chunked")
        ]),
        ErrorKind::AmbiguousFraming
    );
    assert_eq!(
        kind(&[("transfer-encoding", "foo, chunked")]),
        ErrorKind::UnsupportedTransferCoding
    );
    assert_eq!(
        kind(&[("transfer-encoding", "chunked, gzip")]),
        ErrorKind::AmbiguousFraming
    );
    assert_eq!(
        kind(&[("transfer-encoding", "gzip")]),
        ErrorKind::AmbiguousFraming
    );
    assert_eq!(
        kind(&[("transfer-encoding", "chunked"), ("content-length", "3")]),
        ErrorKind::AmbiguousFraming
    );
    let te10 = request_framing(
        Version::HTTP_10,
        &headers(&[("transfer-encoding", "chunked")]),
    );
    assert_eq!(te10.unwrap_err().kind(), ErrorKind::AmbiguousFraming);
}

#[test]
fn received_response_framing_rules() {
    let none = headers(&[]);
    assert_eq!(
        received_response_framing(
            &Method::HEAD,
            StatusCode::OK,
            &headers(&[("content-length", "9")])
        ),
        Ok(Framing::Empty)
    );
    assert_eq!(
        received_response_framing(&Method::GET, StatusCode::NOT_MODIFIED, &none),
        Ok(Framing::Empty)
    );
    assert_eq!(
        received_response_framing(&Method::CONNECT, StatusCode::OK, &none),
        Ok(Framing::Empty)
    );
    assert_eq!(
        received_response_framing(&Method::GET, StatusCode::OK, &none),
        Ok(Framing::UntilClose)
    );
    assert_eq!(
        received_response_framing(
            &Method::GET,
            StatusCode::OK,
            &headers(&[("transfer-encoding", "gzip")])
        ),
        Ok(Framing::UntilClose)
    );
    assert_eq!(
        received_response_framing(
            &Method::GET,
            StatusCode::OK,
            &headers(&[("transfer-encoding", "gzip, chunked")])
        ),
        Ok(Framing::Chunked)
    );
}

#[test]
fn response_framing_rejects_length_on_204() {
    let h = headers(&[("content-length", "0")]);
    assert!(response_framing(&Method::GET, Version::HTTP_11, StatusCode::NO_CONTENT, &h).is_err());
    assert_eq!(
        response_framing(&Method::GET, Version::HTTP_11, StatusCode::NOT_MODIFIED, &h),
        Ok(Framing::Empty)
    );
}

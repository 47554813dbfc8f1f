//! Random valid messages → encode → feed back in random splits → the same messages, for both
//! directions, several exchanges per connection, with chunking, trailers and header case.

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use proptest::prelude::*;
use spire_h1::{
    Connection, Event, OriginalHeaders, Received, RequestHead, ResponseHead, Role, State, Target,
    WriteBuf,
};

#[derive(Debug, Clone)]
enum Body {
    Empty,
    Length(Vec<u8>),
    Chunked(Vec<Vec<u8>>, Vec<(String, String)>),
}

#[derive(Debug, Clone)]
struct Message {
    /// Header names as spelled on the wire, with their values.
    fields: Vec<(String, String)>,
    body: Body,
}

#[derive(Debug, Clone)]
struct Exchange {
    method: Method,
    target: String,
    request: Message,
    status: u16,
    response: Message,
}

fn field_name() -> impl Strategy<Value = String> {
    // mixed case on purpose: the original spelling must survive the trip
    "[xX]-[a-zA-Z]{1,8}"
}

fn field_value() -> impl Strategy<Value = String> {
    // no leading or trailing whitespace: the parser trims it (RFC 9112 section 5)
    prop_oneof!["", "[!-~]", "[!-~][ -~]{0,20}[!-~]"]
}

fn message() -> impl Strategy<Value = Message> {
    let fields = prop::collection::vec((field_name(), field_value()), 0..6);
    let chunk = prop::collection::vec(any::<u8>(), 0..40);
    let body = prop_oneof![
        Just(Body::Empty),
        prop::collection::vec(any::<u8>(), 0..100).prop_map(Body::Length),
        (
            prop::collection::vec(chunk, 0..5),
            prop::collection::vec(("[xX]-[tT]-[a-z]{1,5}", field_value()), 0..3)
        )
            .prop_map(|(chunks, trailers)| Body::Chunked(chunks, trailers)),
    ];
    (fields, body).prop_map(|(fields, body)| Message { fields, body })
}

fn exchange() -> impl Strategy<Value = Exchange> {
    let method = prop::sample::select(vec![
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
        Method::OPTIONS,
    ]);
    let target = "/[a-zA-Z0-9._~/-]{0,20}(\\?[a-z0-9=&]{0,10})?";
    let status = prop::sample::select(vec![200u16, 201, 202, 400, 404, 418, 500, 503]);
    (method, target, message(), status, message()).prop_map(
        |(method, target, request, status, response)| Exchange {
            method,
            target,
            request,
            status,
            response,
        },
    )
}

/// The header map and original spelling a message is expected to arrive with.
fn headers_of(message: &Message, extra: &[(&str, &str)]) -> (HeaderMap, OriginalHeaders) {
    let mut map = HeaderMap::new();
    let mut original = OriginalHeaders::new();
    for (name, value) in extra
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .chain(message.fields.iter().cloned())
    {
        map.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(&value).unwrap(),
        );
        original.push(name);
    }
    match &message.body {
        Body::Empty => {}
        Body::Length(data) => {
            map.append("content-length", data.len().into());
            original.push("Content-Length");
        }
        Body::Chunked(..) => {
            map.append("transfer-encoding", HeaderValue::from_static("chunked"));
            original.push("Transfer-Encoding");
        }
    }
    (map, original)
}

fn expected_body(body: &Body) -> (Vec<u8>, Option<HeaderMap>) {
    match body {
        Body::Empty => (vec![], None),
        Body::Length(data) => (data.clone(), None),
        Body::Chunked(chunks, trailers) => {
            let mut map = HeaderMap::new();
            for (name, value) in trailers {
                map.append(
                    HeaderName::from_bytes(name.as_bytes()).unwrap(),
                    HeaderValue::from_str(value).unwrap(),
                );
            }
            (chunks.concat(), (!map.is_empty()).then_some(map))
        }
    }
}

fn send_body(conn: &mut Connection, body: &Body, out: &mut WriteBuf) {
    match body {
        Body::Empty => {}
        Body::Length(data) => conn
            .send(Event::Data(Bytes::from(data.clone())), out)
            .unwrap(),
        Body::Chunked(chunks, _) => {
            for chunk in chunks {
                conn.send(Event::Data(Bytes::from(chunk.clone())), out)
                    .unwrap();
            }
        }
    }
    let (_, trailers) = expected_body(body);
    conn.send(Event::EndOfMessage(trailers), out).unwrap();
}

/// Feeds `wire` to `conn` in pieces of `sizes`; returns the head event, body and trailers.
fn receive(
    conn: &mut Connection,
    wire: &[u8],
    sizes: &[usize],
) -> (Event, Vec<u8>, Option<HeaderMap>) {
    let mut head = None;
    let mut body = Vec::new();
    let mut rest = wire;
    let mut sizes = sizes.iter().copied().cycle();
    loop {
        match conn.next_event().unwrap() {
            Received::Event(Event::Data(d)) => body.extend_from_slice(&d),
            Received::Event(Event::EndOfMessage(t)) => {
                return (head.expect("a head before the end"), body, t);
            }
            Received::Event(ev) => head = Some(ev),
            Received::NeedData => {
                assert!(!rest.is_empty(), "ran out of input");
                let n = sizes.next().unwrap_or(rest.len()).clamp(1, rest.len());
                conn.receive(&rest[..n]);
                rest = &rest[n..];
            }
            Received::Paused => panic!("paused mid-message"),
        }
    }
}

fn roundtrip(exchanges: &[Exchange], sizes: &[usize]) -> Result<(), TestCaseError> {
    let mut client = Connection::new(Role::Client);
    let mut server = Connection::new(Role::Server);
    server.set_preserve_header_case(true);
    client.set_preserve_header_case(true);
    for ex in exchanges {
        // client → server
        let (headers, original) = headers_of(&ex.request, &[("Host", "example.com")]);
        let mut head = RequestHead::new(
            ex.method.clone(),
            Target::parse(&ex.method, Bytes::from(ex.target.clone())).unwrap(),
        );
        head.headers = headers.clone();
        head.original = Some(original.clone());
        let mut wire = WriteBuf::new();
        client.send(Event::Request(head), &mut wire).unwrap();
        send_body(&mut client, &ex.request.body, &mut wire);
        let (event, body, trailers) = receive(&mut server, &wire.flatten(), sizes);
        let Event::Request(got) = event else {
            return Err(TestCaseError::fail("expected a request"));
        };
        prop_assert_eq!(&got.method, &ex.method);
        prop_assert_eq!(got.target.as_str(), ex.target.as_str());
        prop_assert_eq!(&got.headers, &headers);
        prop_assert_eq!(got.original.as_ref(), Some(&original));
        prop_assert_eq!((body, trailers), expected_body(&ex.request.body));

        // server → client
        let (headers, original) = headers_of(&ex.response, &[]);
        let mut head = ResponseHead::new(StatusCode::from_u16(ex.status).unwrap());
        head.headers = headers.clone();
        head.original = Some(original.clone());
        let mut wire = WriteBuf::new();
        server.send(Event::Response(head), &mut wire).unwrap();
        send_body(&mut server, &ex.response.body, &mut wire);
        let mut received_headers = headers.clone();
        let mut received_original = original.clone();
        if matches!(ex.response.body, Body::Empty) {
            // the codec frames a body-less HTTP/1.1 response as chunked
            received_headers.append("transfer-encoding", HeaderValue::from_static("chunked"));
            received_original.push("transfer-encoding");
        }
        let (event, body, trailers) = receive(&mut client, &wire.flatten(), sizes);
        let Event::Response(got) = event else {
            return Err(TestCaseError::fail("expected a response"));
        };
        prop_assert_eq!(got.status.as_u16(), ex.status);
        prop_assert_eq!(&got.headers, &received_headers);
        prop_assert_eq!(got.original.as_ref(), Some(&received_original));
        prop_assert_eq!((body, trailers), expected_body(&ex.response.body));

        prop_assert_eq!(
            (client.our_state(), client.their_state()),
            (State::Done, State::Done)
        );
        client.start_next_cycle().unwrap();
        server.start_next_cycle().unwrap();
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn roundtrip_random_messages_in_random_splits(
        exchanges in prop::collection::vec(exchange(), 1..4),
        sizes in prop::collection::vec(1usize..64, 1..12),
    ) {
        roundtrip(&exchanges, &sizes)?;
    }
}

#[test]
fn roundtrip_fixed_exchange_byte_by_byte() {
    let ex = Exchange {
        method: Method::POST,
        target: "/upload?x=1".into(),
        request: Message {
            fields: vec![("X-Trace".into(), "abc".into())],
            body: Body::Chunked(
                vec![b"hello ".to_vec(), vec![], b"world".to_vec()],
                vec![("X-T-Sum".into(), "11".into())],
            ),
        },
        status: 201,
        response: Message {
            fields: vec![],
            body: Body::Length(b"created".to_vec()),
        },
    };
    roundtrip(&[ex.clone(), ex], &[1]).unwrap();
}

//! Running a parse input in pieces and in one piece, with a local side that answers.

use bytes::Bytes;
use http::{HeaderValue, Method, StatusCode, header};
use spire_h1::{
    Connection, ErrorKind, Event, Limits, Received, RequestHead, ResponseHead, Role, State, Target,
    WriteBuf,
};

use crate::pair::coalesce_data;

/// Splits a fuzz input into its configuration, split lengths and message.
#[derive(Debug, Clone, Copy)]
pub(super) struct Plan<'a> {
    pub(super) lengths: &'a [u8],
    pub(super) eof: bool,
    pub(super) tight: bool,
    pub(super) preserve_case: bool,
    pub(super) choice: u8,
    pub(super) message: &'a [u8],
}

impl<'a> Plan<'a> {
    pub(super) fn new(data: &'a [u8]) -> Self {
        let (config, rest) = data.split_first().map_or((0, data), |(&c, r)| (c, r));
        let k = usize::from(config & 0b111).min(rest.len());
        let (lengths, message) = rest.split_at(k);
        Self {
            lengths,
            eof: config & 0b1000 != 0,
            tight: config & 0b1_0000 != 0,
            preserve_case: config & 0b10_0000 != 0,
            choice: config >> 6,
            message,
        }
    }

    /// The message cut into pieces: one byte each without lengths, otherwise pieces of the
    /// given lengths (plus one), in turn.
    pub(super) fn pieces(&self) -> Vec<&'a [u8]> {
        let mut pieces = Vec::new();
        let mut rest = self.message;
        let mut lengths = self.lengths.iter().cycle();
        while !rest.is_empty() {
            let len = lengths.next().map_or(1, |&l| usize::from(l) + 1);
            let (piece, tail) = rest.split_at(len.min(rest.len()));
            pieces.push(piece);
            rest = tail;
        }
        pieces
    }

    fn connection(&self, role: Role) -> Connection {
        let limits = if self.tight {
            Limits::default()
                .with_max_head_size(256)
                .with_max_request_line(64)
                .with_max_headers(8)
                .with_max_trailer_size(64)
                .with_max_chunk_extension(16)
                .with_max_body_size(Some(1024))
        } else {
            Limits::default()
        };
        let mut conn = Connection::with_limits(role, limits);
        conn.set_preserve_header_case(self.preserve_case);
        conn
    }

    /// Runs the message after `prefix` in pieces and in one piece, asserts both runs agree,
    /// and returns the outcome.
    pub(super) fn check(&self, role: Role, prefix: &[u8], app: &App) -> Outcome {
        let budget = 2 * (prefix.len() + self.message.len()) + 16;
        let mut whole_input = prefix.to_vec();
        whole_input.extend_from_slice(self.message);
        let whole = run(
            self.connection(role),
            app.clone(),
            [&whole_input[..]],
            self.eof,
            budget,
        );
        let pieces = std::iter::once(prefix).chain(self.pieces());
        let split = run(self.connection(role), app.clone(), pieces, self.eof, budget);
        assert_eq!(
            whole, split,
            "split invariance: one piece (left) and pieces (right) disagree"
        );
        whole
    }
}

/// What one run observed; two runs over the same bytes must observe the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Outcome {
    /// Every event, with adjacent `Data` joined.
    pub(super) events: Vec<Event>,
    /// The error that stopped parsing, if any.
    pub(super) error: Option<ErrorKind>,
    /// Our state and the peer's state at the end.
    pub(super) states: (State, State),
}

/// What the local side does while it parses.
#[derive(Debug, Clone)]
pub(super) enum App {
    /// A server answering each request (see [`h1_request_parse`](super::h1_request_parse)); `method` is the method of
    /// the request being answered.
    Server {
        answer: u8,
        answered: bool,
        method: Method,
    },
    /// A client sending a request per cycle; `method` cycles through [`CLIENT_METHODS`].
    Client { method: u8 },
}

/// Feeds `pieces` to `conn`, letting `app` answer, until the input ends or parsing stops.
fn run<'p>(
    mut conn: Connection,
    mut app: App,
    pieces: impl IntoIterator<Item = &'p [u8]>,
    eof: bool,
    budget: usize,
) -> Outcome {
    let mut events = Vec::new();
    let mut left = budget;
    app.start(&mut conn);
    let mut stopped = None;
    for piece in pieces {
        conn.receive(piece);
        stopped = pump(&mut conn, &mut app, &mut events, &mut left);
        if stopped.is_some() {
            break;
        }
    }
    if stopped.is_none() && eof {
        conn.receive_eof();
        stopped = pump(&mut conn, &mut app, &mut events, &mut left);
    }
    Outcome {
        events: coalesce_data(events),
        error: stopped.flatten(),
        states: (conn.our_state(), conn.their_state()),
    }
}

/// Calls `next_event` until it needs data. Returns `Some(error)` when parsing is over: an
/// error, or `None` inside after `ConnectionClosed`.
fn pump(
    conn: &mut Connection,
    app: &mut App,
    events: &mut Vec<Event>,
    left: &mut usize,
) -> Option<Option<ErrorKind>> {
    loop {
        match conn.next_event() {
            Ok(Received::Event(event)) => {
                *left = left.checked_sub(1).unwrap_or_else(|| {
                    panic!("next_event produced more events than the input explains: {events:?}")
                });
                let closed = event == Event::ConnectionClosed;
                app.react(conn, &event);
                events.push(event);
                if closed {
                    return Some(None);
                }
            }
            Ok(Received::NeedData | Received::Paused) => return None,
            Err(err) => {
                assert!(
                    err.is_remote(),
                    "next_event returned a local error: {err:?}"
                );
                assert_eq!(
                    conn.next_event().map_err(|e| e.kind()),
                    Err(err.kind()),
                    "a parse error must be returned again by the next call"
                );
                assert_eq!(conn.their_state(), State::Error);
                return Some(Some(err.kind()));
            }
        }
    }
}

/// The methods of [`App::Client`]'s requests, in turn.
const CLIENT_METHODS: [&str; 4] = ["GET", "HEAD", "CONNECT", "UPGRADE"];

impl App {
    pub(super) fn server(answer: u8) -> Self {
        Self::Server {
            answer,
            answered: false,
            method: Method::GET,
        }
    }

    fn start(&mut self, conn: &mut Connection) {
        if let Self::Client { method } = self {
            send_request(conn, *method);
        }
    }

    fn react(&mut self, conn: &mut Connection, event: &Event) {
        match (self, event) {
            (
                Self::Server {
                    answer,
                    answered,
                    method,
                },
                Event::Request(head),
            ) => {
                method.clone_from(&head.method);
                *answered = *answer == 3;
                if *answered {
                    answer_request(conn, 0, method);
                }
            }
            (
                Self::Server {
                    answer,
                    answered,
                    method,
                },
                Event::EndOfMessage(_),
            ) => {
                if !*answered {
                    answer_request(conn, *answer, method);
                    *answered = true;
                }
                if both_done(conn) {
                    conn.start_next_cycle()
                        .expect("start_next_cycle when both sides are done");
                }
            }
            (Self::Client { method }, Event::EndOfMessage(_)) if both_done(conn) => {
                conn.start_next_cycle()
                    .expect("start_next_cycle when both sides are done");
                *method = method.wrapping_add(1);
                send_request(conn, *method);
            }
            _ => {}
        }
    }
}

fn both_done(conn: &Connection) -> bool {
    conn.our_state() == State::Done && conn.their_state() == State::Done
}

/// Sends the server's answer for `answer` (see [`h1_request_parse`](super::h1_request_parse)).
fn answer_request(conn: &mut Connection, answer: u8, method: &Method) {
    let connect = method == Method::CONNECT;
    let pending_switch = conn.their_state() == State::MightSwitchProtocol;
    let mut head = match answer {
        1 if pending_switch && connect => ResponseHead::new(StatusCode::OK),
        1 if pending_switch => {
            let mut head = ResponseHead::new(StatusCode::SWITCHING_PROTOCOLS);
            head.headers
                .insert(header::UPGRADE, HeaderValue::from_static("websocket"));
            head.headers
                .insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
            head
        }
        _ if connect => ResponseHead::new(StatusCode::FORBIDDEN),
        _ => ResponseHead::new(StatusCode::OK),
    };
    let switching = head.status == StatusCode::SWITCHING_PROTOCOLS
        || (connect && head.status == StatusCode::OK);
    if !switching {
        head.headers
            .insert(header::CONTENT_LENGTH, HeaderValue::from_static("0"));
    }
    if answer == 2 {
        head.headers
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    let mut out = WriteBuf::new();
    let status = head.status;
    conn.send(Event::Response(head), &mut out)
        .unwrap_or_else(|e| panic!("sending a {status} response failed: {e:?}"));
    if !switching {
        conn.send(Event::EndOfMessage(None), &mut out)
            .unwrap_or_else(|e| panic!("ending a {status} response failed: {e:?}"));
    }
}

/// Sends the client's request number `n` (see [`h1_response_parse`]).
fn send_request(conn: &mut Connection, n: u8) {
    let name = CLIENT_METHODS[usize::from(n) % CLIENT_METHODS.len()];
    let (method, target) = match name {
        "CONNECT" => (Method::CONNECT, "example.com:443"),
        "HEAD" => (Method::HEAD, "/"),
        _ => (Method::GET, "/"),
    };
    let target = Target::parse(&method, Bytes::from_static(target.as_bytes()))
        .expect("the harness's targets are valid");
    let mut head = RequestHead::new(method, target);
    head.headers
        .insert(header::HOST, HeaderValue::from_static("example.com"));
    if name == "UPGRADE" {
        head.headers
            .insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
        head.headers
            .insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    }
    let mut out = WriteBuf::new();
    conn.send(Event::Request(head), &mut out)
        .expect("the client can send its request");
    conn.send(Event::EndOfMessage(None), &mut out)
        .expect("the client can end its request");
}

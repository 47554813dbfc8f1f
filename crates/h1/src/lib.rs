//! Sans-IO HTTP/1.1 for spire: bytes in, events out; events in, bytes out.
//!
//! # How it fits
//!
//! spire-conn owns sockets and timers; it gives every byte it reads to a [`Connection`] and
//! writes out whatever the connection queues in a [`WriteBuf`]. This crate never blocks,
//! spawns, or reads a clock: it parses heads with httparse (zero-copy), decides message
//! framing strictly (RFC 9112 section 6, no request smuggling), decodes and encodes
//! length-delimited, chunked and close-delimited bodies, and tracks keep-alive, `Expect:
//! 100-continue` and protocol switches for both roles. Its state machine follows Python's h11.
//!
//! ```text
//!  socket ──bytes──► receive ──► next_event() ──► Request | Data | EndOfMessage ──► spire-conn
//!  socket ◄─WriteBuf─ send ◄── Response | Data | EndOfMessage ◄── spire-conn
//! ```
//!
//! # Layout
//!
//! - `connection/`: [`Connection`], glue only: `mod.rs` (buffers, inputs, getters),
//!   `receive.rs` (which reader for the peer's state), `send.rs` (which writer for ours).
//! - `state.rs`: [`State`], [`Role`] and the transition table [`TRANSITIONS`] (rendered to
//!   `docs/h1-states.md`).
//! - `event.rs`: [`Event`], [`Received`], [`RequestHead`], [`ResponseHead`].
//! - `head/`: `parse.rs` (httparse → heads), `validate.rs` (Host, smuggling rules),
//!   `encode.rs` (heads → bytes).
//! - `target.rs`: [`Target`] and the four request-target forms.
//! - `framing.rs`: [`Framing`], which framing a message uses ([`response_framing`]).
//! - `decode/`: length, chunked (explicit state enum), until-close, trailers.
//! - `encode.rs`: body encoders (length-checked, chunked with trailers, until close).
//! - `header_case.rs`: [`OriginalHeaders`], original header spelling and order.
//! - `write_buf.rs`: [`WriteBuf`], the queue of bytes to write (a `bytes::Buf`).
//! - `limits.rs`: [`Limits`]. `error.rs`: [`Error`], [`ErrorKind`].
//!
//! # Example
//!
//! Drive one exchange by hand: a client and a server connection, bytes carried between them
//! by the test instead of a socket.
//!
//! ```
//! use bytes::Bytes;
//! use http::{Method, StatusCode};
//! use spire_h1::{Connection, Event, Received, RequestHead, ResponseHead, Role, State, Target, WriteBuf};
//!
//! let mut client = Connection::new(Role::Client);
//! let mut server = Connection::new(Role::Server);
//! let mut wire = WriteBuf::new();
//!
//! // client → server: a POST with a chunked body
//! let mut req = RequestHead::new(Method::POST, Target::parse(&Method::POST, "/echo".into())?);
//! req.headers.insert("host", "example.com".parse()?);
//! req.headers.insert("transfer-encoding", "chunked".parse()?);
//! client.send(Event::Request(req), &mut wire)?;
//! client.send(Event::Data(Bytes::from_static(b"hello")), &mut wire)?;
//! client.send(Event::EndOfMessage(None), &mut wire)?;
//! server.receive(&wire.flatten());
//!
//! let Received::Event(Event::Request(head)) = server.next_event()? else { panic!() };
//! assert_eq!(head.method, Method::POST);
//! let Received::Event(Event::Data(body)) = server.next_event()? else { panic!() };
//! assert_eq!(body, "hello");
//! assert!(matches!(server.next_event()?, Received::Event(Event::EndOfMessage(None))));
//!
//! // server → client: no Content-Length, so the codec picks chunked for HTTP/1.1
//! server.send(Event::Response(ResponseHead::new(StatusCode::OK)), &mut wire)?;
//! server.send(Event::Data(Bytes::from_static(b"hello")), &mut wire)?;
//! server.send(Event::EndOfMessage(None), &mut wire)?;
//! client.receive(&wire.flatten());
//!
//! let Received::Event(Event::Response(res)) = client.next_event()? else { panic!() };
//! assert_eq!(res.status, StatusCode::OK);
//! assert_eq!(res.headers["transfer-encoding"], "chunked");
//! assert!(matches!(client.next_event()?, Received::Event(Event::Data(_))));
//! assert!(matches!(client.next_event()?, Received::Event(Event::EndOfMessage(None))));
//!
//! // both sides are done: reuse the connection
//! assert_eq!((client.our_state(), client.their_state()), (State::Done, State::Done));
//! client.start_next_cycle()?;
//! server.start_next_cycle()?;
//! assert_eq!(server.their_state(), State::Idle);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![doc(test(attr(deny(warnings))))]

mod connection;
mod decode;
mod encode;
mod error;
mod event;
mod framing;
mod head;
mod header_case;
mod limits;
mod state;
mod target;
mod write_buf;

pub use self::connection::{Connection, Parts};
pub use self::error::{Error, ErrorKind};
pub use self::event::{Event, Received, RequestHead, ResponseHead};
pub use self::framing::{Framing, response_framing, response_has_no_body};
pub use self::header_case::OriginalHeaders;
pub use self::limits::Limits;
pub use self::state::{Role, State, TRANSITIONS, Transition, Trigger};
pub use self::target::{Target, TargetForm};
pub use self::write_buf::WriteBuf;

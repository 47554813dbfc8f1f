//! The per-party state machine and its transition table (h11's two rules: the table knows
//! parties, never our role, and never bytes).

use crate::error::{Error, ErrorKind};

/// Which party of an HTTP/1.1 connection: the one sending requests or the one answering.
///
/// Used both as our role ([`Connection::new`](crate::Connection::new)) and as the party a
/// row of [`TRANSITIONS`] applies to.
///
/// # Examples
///
/// ```
/// use spire_h1::Role;
/// assert_eq!(Role::Client.peer(), Role::Server);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Sends requests, reads responses.
    Client,
    /// Reads requests, sends responses.
    Server,
}

impl Role {
    /// The other party.
    pub fn peer(self) -> Self {
        match self {
            Self::Client => Self::Server,
            Self::Server => Self::Client,
        }
    }
}

/// Where one party of the connection is in the request/response cycle.
///
/// Each party (client and server) has its own state; [`Connection::our_state`] and
/// [`Connection::their_state`] read them. The transitions are the data in [`TRANSITIONS`],
/// rendered to `docs/h1-states.md`:
///
/// ```text
/// client  Idle ──Request──► SendBody ──EndOfMessage──► Done
///                           (Data stays in SendBody)   │ the request proposed a switch
///                                                      ▼
///                                  MightSwitchProtocol ──accepted──► SwitchedProtocol
///                                                      ──declined──► Done
/// server  Idle ──client's Request──► SendResponse ──Response──► SendBody ──EndOfMessage──► Done
///         Idle ──Response (no request, e.g. a 400)──────────────► SendBody
///                                    SendResponse ──Informational──► SendResponse
///                                    SendResponse ──101 / 2xx to CONNECT──► SwitchedProtocol
/// either  Done ──keep-alive off──► MustClose
///         Idle | Done | MustClose ──ConnectionClosed──► Closed
///         any ──protocol violation──► Error
/// both    Done + Done ──start_next_cycle()──► Idle + Idle
/// ```
///
/// [`Connection::our_state`]: crate::Connection::our_state
/// [`Connection::their_state`]: crate::Connection::their_state
///
/// # Examples
///
/// ```
/// use spire_h1::{Connection, Role, State};
///
/// let mut conn = Connection::new(Role::Server);
/// assert_eq!(conn.their_state(), State::Idle);
/// conn.receive(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
/// conn.next_event().unwrap();
/// assert_eq!(conn.their_state(), State::SendBody);
/// assert_eq!(conn.our_state(), State::SendResponse);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum State {
    /// Nothing of the current message sent yet.
    Idle,
    /// Server only: the request arrived, the response head has not been sent.
    SendResponse,
    /// The head is out; body data and the end of the message may follow.
    SendBody,
    /// The message is complete; waiting for the other party or the next cycle.
    Done,
    /// The message is complete and the connection will not be reused.
    MustClose,
    /// This party closed the connection.
    Closed,
    /// Client only: the request proposed an upgrade or CONNECT; waiting for the answer.
    MightSwitchProtocol,
    /// The connection now speaks another protocol; use [`Connection::into_parts`](crate::Connection::into_parts).
    SwitchedProtocol,
    /// This party violated the protocol; the connection must be closed.
    Error,
}

/// What moves a party from one [`State`] to another: an event it sends, or a condition the
/// connection observes.
///
/// Event triggers come from messages (`Request`, `Data`, ...); state triggers from conditions the
/// connection observes (`KeepAliveOff`, `SwitchProposed`, `NextCycle`).
///
/// # Examples
///
/// ```
/// use spire_h1::{Role, State, Trigger, TRANSITIONS};
///
/// let row = TRANSITIONS.iter().find(|t| t.party == Role::Client && t.from == State::Idle).unwrap();
/// assert_eq!(row.trigger, Trigger::Request);
/// assert_eq!(row.to, State::SendBody);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Trigger {
    /// The client sent a request head.
    Request,
    /// The server saw the client's request head.
    PeerRequest,
    /// The server sent a 1xx response head (not a protocol switch).
    Informational,
    /// The server sent a final response head.
    Response,
    /// The server accepted the proposed switch (101, or 2xx to CONNECT).
    SwitchAccepted,
    /// The server answered a switch proposal with an ordinary response.
    SwitchDeclined,
    /// The client finished a request that proposed a switch.
    SwitchProposed,
    /// Body data.
    Data,
    /// The end of the message (with optional trailers).
    EndOfMessage,
    /// The party closed its side.
    ConnectionClosed,
    /// Keep-alive was turned off by either message.
    KeepAliveOff,
    /// `start_next_cycle()` with both parties done.
    NextCycle,
}

/// One row of the transition table.
///
/// The table is data so that it can be rendered (to `docs/h1-states.md`) and tested, and so that
/// the rules of h11 can be read in one place.
///
/// # Examples
///
/// ```
/// use spire_h1::TRANSITIONS;
/// assert!(TRANSITIONS.iter().all(|t| t.from != spire_h1::State::Error));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    /// The party whose state changes.
    pub party: Role,
    /// Its state before.
    pub from: State,
    /// What happened.
    pub trigger: Trigger,
    /// Its state after.
    pub to: State,
}

const fn row(party: Role, from: State, trigger: Trigger, to: State) -> Transition {
    Transition {
        party,
        from,
        trigger,
        to,
    }
}

use Role::{Client as C, Server as S};
use State::*;

/// Every allowed transition. Anything not listed is a protocol violation, which moves the
/// offending party to [`State::Error`] from any state.
///
/// A golden test renders this table to `docs/h1-states.md` and fails when the checked-in file
/// differs (regenerate with `SPIRE_BLESS=1`).
///
/// # Examples
///
/// ```
/// use spire_h1::{Role, Trigger, TRANSITIONS};
///
/// let closes = TRANSITIONS
///     .iter()
///     .filter(|t| t.trigger == Trigger::ConnectionClosed && t.party == Role::Server)
///     .count();
/// assert_eq!(closes, 4);
/// ```
pub const TRANSITIONS: &[Transition] = &[
    row(C, Idle, Trigger::Request, SendBody),
    row(C, SendBody, Trigger::Data, SendBody),
    row(C, SendBody, Trigger::EndOfMessage, Done),
    row(C, Done, Trigger::SwitchProposed, MightSwitchProtocol),
    row(
        C,
        MightSwitchProtocol,
        Trigger::SwitchAccepted,
        SwitchedProtocol,
    ),
    row(C, MightSwitchProtocol, Trigger::SwitchDeclined, Done),
    row(C, Done, Trigger::KeepAliveOff, MustClose),
    row(C, Done, Trigger::NextCycle, Idle),
    row(C, Idle, Trigger::ConnectionClosed, Closed),
    row(C, Done, Trigger::ConnectionClosed, Closed),
    row(C, MustClose, Trigger::ConnectionClosed, Closed),
    row(C, Closed, Trigger::ConnectionClosed, Closed),
    row(S, Idle, Trigger::PeerRequest, SendResponse),
    row(S, Idle, Trigger::Response, SendBody),
    row(S, SendResponse, Trigger::Informational, SendResponse),
    row(S, SendResponse, Trigger::Response, SendBody),
    row(S, SendResponse, Trigger::SwitchAccepted, SwitchedProtocol),
    row(S, SendBody, Trigger::Data, SendBody),
    row(S, SendBody, Trigger::EndOfMessage, Done),
    row(S, Done, Trigger::KeepAliveOff, MustClose),
    row(S, Done, Trigger::NextCycle, Idle),
    row(S, Idle, Trigger::ConnectionClosed, Closed),
    row(S, Done, Trigger::ConnectionClosed, Closed),
    row(S, MustClose, Trigger::ConnectionClosed, Closed),
    row(S, Closed, Trigger::ConnectionClosed, Closed),
];

/// Looks `(party, from, trigger)` up in [`TRANSITIONS`].
fn lookup(party: Role, from: State, trigger: Trigger) -> Option<State> {
    TRANSITIONS
        .iter()
        .find(|t| t.party == party && t.from == from && t.trigger == trigger)
        .map(|t| t.to)
}

/// Both parties' states plus the two flags that fire state-triggered transitions.
#[derive(Debug, Clone)]
pub(crate) struct Machine {
    client: State,
    server: State,
    keep_alive: bool,
    pending_switch: bool,
}

impl Machine {
    pub(crate) fn new() -> Self {
        Self {
            client: Idle,
            server: Idle,
            keep_alive: true,
            pending_switch: false,
        }
    }

    pub(crate) fn state(&self, party: Role) -> State {
        match party {
            C => self.client,
            S => self.server,
        }
    }

    fn slot(&mut self, party: Role) -> &mut State {
        match party {
            C => &mut self.client,
            S => &mut self.server,
        }
    }

    pub(crate) fn keep_alive(&self) -> bool {
        self.keep_alive
    }

    pub(crate) fn pending_switch(&self) -> bool {
        self.pending_switch
    }

    /// Fires an event-triggered transition, then the state-triggered ones.
    pub(crate) fn fire(&mut self, party: Role, trigger: Trigger) -> Result<(), Error> {
        let from = self.state(party);
        let to = lookup(party, from, trigger).ok_or(Error::new(ErrorKind::InvalidTransition))?;
        *self.slot(party) = to;
        self.settle();
        Ok(())
    }

    /// The client proposed an upgrade or sent CONNECT.
    pub(crate) fn propose_switch(&mut self) {
        self.pending_switch = true;
    }

    /// The server answered: accept moves both parties to `SwitchedProtocol`.
    pub(crate) fn accept_switch(&mut self) -> Result<(), Error> {
        let invalid = Error::new(ErrorKind::InvalidTransition);
        let client = lookup(C, self.client, Trigger::SwitchAccepted).ok_or(invalid)?;
        let server = lookup(S, self.server, Trigger::SwitchAccepted).ok_or(invalid)?;
        self.client = client;
        self.server = server;
        self.pending_switch = false;
        Ok(())
    }

    /// A final response that is not a switch: a pending proposal is declined.
    pub(crate) fn decline_switch(&mut self) {
        self.pending_switch = false;
        if let Some(to) = lookup(C, self.client, Trigger::SwitchDeclined) {
            self.client = to;
        }
        self.settle();
    }

    pub(crate) fn disable_keep_alive(&mut self) {
        self.keep_alive = false;
        self.settle();
    }

    pub(crate) fn set_error(&mut self, party: Role) {
        *self.slot(party) = Error;
        self.keep_alive = false;
    }

    /// Done + Done → Idle + Idle.
    pub(crate) fn start_next_cycle(&mut self) -> Result<(), Error> {
        if self.client != Done || self.server != Done {
            return Err(Error::new(ErrorKind::InvalidTransition));
        }
        self.fire(C, Trigger::NextCycle)?;
        self.fire(S, Trigger::NextCycle)?;
        self.pending_switch = false;
        Ok(())
    }

    /// State-triggered transitions, applied until nothing changes (at most two rounds).
    fn settle(&mut self) {
        if self.pending_switch && self.client == Done {
            self.client = lookup(C, Done, Trigger::SwitchProposed).unwrap_or(self.client);
        }
        if !self.keep_alive {
            for party in [C, S] {
                let from = self.state(party);
                if let Some(to) = lookup(party, from, Trigger::KeepAliveOff) {
                    *self.slot(party) = to;
                }
            }
        }
    }
}

/// Renders [`TRANSITIONS`] as the Markdown page `docs/h1-states.md`.
#[cfg(test)]
fn render_table() -> String {
    let mut out = String::from(
        "# spire-h1: connection states\n\n\
         <!-- GENERATED by `cargo test -p spire-h1 state` from `TRANSITIONS` in \
         crates/h1/src/state.rs; regenerate with SPIRE_BLESS=1. Do not edit. -->\n\n\
         Each party (client, server) has its own state. A row applies to one party; \
         anything not listed is a protocol violation and moves the offending party to `Error`.\n\n\
         | party | from | on | to |\n| --- | --- | --- | --- |\n",
    );
    for t in TRANSITIONS {
        out.push_str(&format!(
            "| {:?} | {:?} | {:?} | {:?} |\n",
            t.party, t.from, t.trigger, t.to
        ));
    }
    out.push_str("| either | any | a protocol violation | Error |\n");
    for party in [C, S] {
        out.push_str(&format!("\n## {party:?}\n\n```mermaid\nstateDiagram-v2\n"));
        for t in TRANSITIONS.iter().filter(|t| t.party == party) {
            out.push_str(&format!(
                "    {:?} --> {:?}: {:?}\n",
                t.from, t.to, t.trigger
            ));
        }
        out.push_str("```\n");
    }
    out
}

#[cfg(test)]
mod tests;

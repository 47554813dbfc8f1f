//! [`Circuit`]: the state machine the clones of a circuit breaker share, and [`Ticket`],
//! one admitted call.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::sync::lock;
use tokio::time::Instant;

/// The circuit, shared by every clone of one [`CircuitBreaker`](super::CircuitBreaker).
#[derive(Debug)]
pub(super) struct Circuit {
    failure_threshold: u32,
    open_for: Duration,
    state: Mutex<State>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Closed { failures: u32 },
    Open { until: Instant },
    HalfOpen { probing: bool },
}

/// What `poll_ready` may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Admission {
    /// A normal call.
    Call,
    /// The one call that tests a half-open circuit.
    Probe,
    /// No call: fail with `CircuitOpen`.
    Reject,
}

impl Circuit {
    pub(super) const fn new(failure_threshold: u32, open_for: Duration) -> Self {
        Self {
            failure_threshold,
            open_for,
            state: Mutex::new(State::Closed { failures: 0 }),
        }
    }

    fn with_state<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut lock(&self.state))
    }

    /// Decides whether a call may go through now.
    pub(super) fn admit(&self) -> Admission {
        let now = Instant::now();
        self.with_state(|state| match *state {
            State::Closed { .. } => Admission::Call,
            State::Open { until } if now < until => Admission::Reject,
            State::Open { .. } | State::HalfOpen { probing: false } => {
                *state = State::HalfOpen { probing: true };
                Admission::Probe
            }
            State::HalfOpen { probing: true } => Admission::Reject,
        })
    }

    /// Records the outcome of a call admitted as `admission`.
    pub(super) fn record(&self, admission: Admission, success: bool) {
        let now = Instant::now();
        self.with_state(|state| match (admission, *state) {
            (Admission::Call, State::Closed { failures }) => {
                let failures = if success { 0 } else { failures + 1 };
                *state = if failures >= self.failure_threshold {
                    State::Open {
                        until: now + self.open_for,
                    }
                } else {
                    State::Closed { failures }
                };
            }
            (Admission::Probe, State::HalfOpen { .. }) => {
                *state = if success {
                    State::Closed { failures: 0 }
                } else {
                    State::Open {
                        until: now + self.open_for,
                    }
                };
            }
            // A call admitted before the circuit changed: its outcome is old news.
            _ => {}
        });
    }

    /// A probe ended without an outcome (cancelled, or never called): let another call
    /// probe.
    pub(super) fn release_probe(&self) {
        self.with_state(|state| {
            if *state == (State::HalfOpen { probing: true }) {
                *state = State::HalfOpen { probing: false };
            }
        });
    }

    /// Whether calls are being turned away right now.
    pub(super) fn is_open(&self) -> bool {
        let now = Instant::now();
        self.with_state(|state| match *state {
            State::Closed { .. } => false,
            State::Open { until } => now < until,
            State::HalfOpen { probing } => probing,
        })
    }
}

/// One call the circuit admitted; it reports the call's outcome, or, dropped without an
/// outcome, gives a probe's slot back.
#[derive(Debug)]
pub(super) struct Ticket {
    circuit: Arc<Circuit>,
    admission: Admission,
    recorded: bool,
}

impl Ticket {
    pub(super) const fn new(circuit: Arc<Circuit>, admission: Admission) -> Self {
        Self {
            circuit,
            admission,
            recorded: false,
        }
    }

    pub(super) fn record(mut self, success: bool) {
        self.circuit.record(self.admission, success);
        self.recorded = true;
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if !self.recorded && self.admission == Admission::Probe {
            self.circuit.release_probe();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn circuit_opens_after_threshold_and_probes_after_open_for() {
        let circuit = Circuit::new(2, Duration::ZERO);
        assert_eq!(circuit.admit(), Admission::Call);
        circuit.record(Admission::Call, false);
        circuit.record(Admission::Call, true); // resets the count
        circuit.record(Admission::Call, false);
        assert_eq!(circuit.admit(), Admission::Call);
        circuit.record(Admission::Call, false);
        // open_for is zero: the next admission is the probe, the one after is rejected
        assert_eq!(circuit.admit(), Admission::Probe);
        assert_eq!(circuit.admit(), Admission::Reject);
        circuit.release_probe();
        assert_eq!(circuit.admit(), Admission::Probe);
        circuit.record(Admission::Probe, true);
        assert_eq!(circuit.admit(), Admission::Call);
    }
}

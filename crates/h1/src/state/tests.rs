use super::*;

#[test]
fn state_table_matches_docs_golden_file() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/h1-states.md");
    let rendered = render_table();
    if std::env::var_os("SPIRE_BLESS").is_some() {
        std::fs::write(path, &rendered).expect("write docs/h1-states.md");
    }
    let on_disk = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        on_disk == rendered,
        "docs/h1-states.md is stale; rerun with SPIRE_BLESS=1"
    );
}

#[test]
fn table_has_no_duplicate_keys() {
    for (i, a) in TRANSITIONS.iter().enumerate() {
        for b in &TRANSITIONS[i + 1..] {
            assert!(
                !(a.party == b.party && a.from == b.from && a.trigger == b.trigger),
                "{a:?}"
            );
        }
    }
}

#[test]
fn machine_full_cycle_returns_to_idle() {
    let mut m = Machine::new();
    m.fire(C, Trigger::Request).unwrap();
    m.fire(S, Trigger::PeerRequest).unwrap();
    m.fire(C, Trigger::EndOfMessage).unwrap();
    assert_eq!(m.state(C), Done);
    assert!(m.start_next_cycle().is_err());
    m.fire(S, Trigger::Response).unwrap();
    m.fire(S, Trigger::EndOfMessage).unwrap();
    m.start_next_cycle().unwrap();
    assert_eq!((m.state(C), m.state(S)), (Idle, Idle));
}

#[test]
fn machine_keep_alive_off_moves_done_to_must_close() {
    let mut m = Machine::new();
    m.fire(C, Trigger::Request).unwrap();
    m.fire(C, Trigger::EndOfMessage).unwrap();
    m.disable_keep_alive();
    assert_eq!(m.state(C), MustClose);
    assert!(m.fire(C, Trigger::Request).is_err());
}

#[test]
fn machine_switch_proposal_then_accept() {
    let mut m = Machine::new();
    m.propose_switch();
    m.fire(C, Trigger::Request).unwrap();
    m.fire(S, Trigger::PeerRequest).unwrap();
    assert!(m.accept_switch().is_err());
    m.fire(C, Trigger::EndOfMessage).unwrap();
    assert_eq!(m.state(C), MightSwitchProtocol);
    m.accept_switch().unwrap();
    assert_eq!(
        (m.state(C), m.state(S)),
        (SwitchedProtocol, SwitchedProtocol)
    );
}

#[test]
fn machine_switch_declined_returns_client_to_done() {
    let mut m = Machine::new();
    m.propose_switch();
    m.fire(C, Trigger::Request).unwrap();
    m.fire(C, Trigger::EndOfMessage).unwrap();
    m.decline_switch();
    assert_eq!(m.state(C), Done);
    assert!(!m.pending_switch());
}

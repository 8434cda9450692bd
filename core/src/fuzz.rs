//! The invariants the fuzz targets of `core/fuzz` check, shared with the
//! stable test that replays their seeds (`tests/fuzz_seeds.rs`). Not part of
//! the API: each function panics when the core breaks a promise, which is
//! what a fuzzer (or a test) wants and what nothing else should call.
//!
//! Nothing here catches a panic: a panic anywhere in the core is a crash of
//! the fuzz target (libFuzzer's hook aborts before any `catch_unwind`).

#![allow(clippy::panic, reason = "a broken invariant is a panic, for the fuzzer to report")]

use crate::render::{self, TextStyle};
use crate::{Diagnostic, Input, Outcome, Text, lock};

/// The name the targets give the topology.
pub const TOPOLOGY_FILE: &str = "t.yaml";
/// The name the targets give the lock.
pub const LOCK_FILE: &str = "t.lock.json";

/// Parse + validate + plan of `topology` (with `lock` when given), then
/// every invariant of the outcome: see [`check_outcome`].
pub fn check_run(topology: &str, lock: Option<&str>) -> Outcome {
    let outcome = crate::run(&Input {
        topology: Text { file: TOPOLOGY_FILE, text: topology },
        lock: lock.map(|l| Text { file: LOCK_FILE, text: l }),
    });
    check_outcome(&outcome, topology, lock);
    outcome
}

/// The lock parser on its own: never panics, and a lock it accepts without
/// findings is one whose every CIDR parsed.
pub fn check_lock_parse(text: &str, topology_name: &str) {
    let (parsed, _spans, findings) = lock::parse(text, topology_name);
    if parsed.is_none() {
        assert!(!findings.is_empty(), "a refused lock has no finding");
    }
}

/// What holds of every outcome:
///
/// - each diagnostic points into the file it names, inside its text, at a
///   char boundary, at a 1-based line and column, its end not before its start;
/// - a plan exists exactly when no diagnostic is an error;
/// - the plan serializes (JSON and text), every diagnostic renders;
/// - the lock the plan implies renders, parses back without a finding, and
///   planning again with it gives every VPC the same CIDR and subnets.
pub fn check_outcome(outcome: &Outcome, topology: &str, lock: Option<&str>) {
    let mut sources = vec![(TOPOLOGY_FILE, topology)];
    if let Some(l) = lock {
        sources.push((LOCK_FILE, l));
    }
    for d in &outcome.diagnostics {
        check_diagnostic(d, &sources);
    }
    let rendered = render::render_all_text(&outcome.diagnostics, sources.as_slice(), TextStyle::default());
    assert!(!rendered.is_empty());

    assert_eq!(
        outcome.plan.is_some(),
        outcome.is_valid(),
        "a plan must exist exactly when there is no error: {:?}",
        outcome.diagnostics.iter().map(|d| (&d.code, &d.message)).collect::<Vec<_>>()
    );
    let Some(plan) = &outcome.plan else { return };
    assert!(serde_json::to_string(plan).is_ok(), "the plan does not serialize");
    assert!(!plan.to_text().is_empty());

    let Some(new_lock) = outcome.lock_update(false) else {
        assert!(lock.is_some(), "a plan without a given lock has no lock update");
        return;
    };
    let text = new_lock.render();
    let (parsed, _, findings) = lock::parse(&text, &plan.name);
    assert!(
        parsed.is_some() && findings.is_empty(),
        "the lock the core wrote does not read back: {:?}\n{text}",
        findings.iter().map(|f| &f.message).collect::<Vec<_>>()
    );
    let again = crate::run(&Input {
        topology: Text { file: TOPOLOGY_FILE, text: topology },
        lock: Some(Text { file: LOCK_FILE, text: &text }),
    });
    let Some(replanned) = &again.plan else {
        let errors: Vec<_> = again.diagnostics.iter().filter(|d| d.is_error()).map(|d| (&d.code, &d.message)).collect();
        panic!("the plan's own lock makes it invalid: {errors:?}\n{text}");
    };
    for (name, vpc) in &plan.vpcs {
        let other = replanned.vpcs.get(name);
        assert!(
            other.is_some_and(|o| o.cidr == vpc.cidr && o.subnets == vpc.subnets),
            "VPC {name} moved when planned again with its own lock"
        );
    }
    assert_eq!(plan.vpcs.len(), replanned.vpcs.len(), "the VPCs changed with the plan's own lock");
}

/// One diagnostic's place is inside its file: see [`check_outcome`].
pub fn check_diagnostic(d: &Diagnostic, sources: &[(&str, &str)]) {
    let text = sources.iter().find(|(n, _)| *n == d.file).map(|(_, t)| *t);
    let Some(text) = text else { panic!("{} names a file it was not given: {}", d.code, d.file) };
    assert!(d.line >= 1 && d.column >= 1, "{} at {}:{}", d.code, d.line, d.column);
    assert!((d.end_line, d.end_column) >= (d.line, d.column), "{} ends before it starts", d.code);
    let end = d.offset.checked_add(d.length);
    assert!(end.is_some_and(|e| e <= text.len()), "{} spans {}+{} of {} bytes", d.code, d.offset, d.length, text.len());
    assert!(
        text.is_char_boundary(d.offset) && text.is_char_boundary(d.offset + d.length),
        "{} spans {}+{}, not at char boundaries",
        d.code,
        d.offset,
        d.length
    );
    for r in &d.related {
        assert!(r.line >= 1 && r.column >= 1, "{} related at {}:{}", d.code, r.line, r.column);
        assert!(r.offset.checked_add(r.length).is_some_and(|e| e <= text.len()), "{} related out of its file", d.code);
    }
    assert!(d.code.starts_with("LP") && d.code != "LP000", "{}: {}", d.code, d.message);
    assert!(!d.message.is_empty(), "{} has no message", d.code);
    let one = render::render_text(d, sources, TextStyle { color: false, width: Some(100) });
    assert!(one.contains(&d.code));
}

//! Linkplan core: reads a topology, reports every finding at once with its
//! rule code and place, and computes the plan.
//!
//! Pure and deterministic: no I/O beyond the text it is given, and the same
//! topology and lock always give byte-identical output. Nothing here panics
//! on any input (a fuzz target checks it), because the core also runs inside
//! `cdk synth` through the napi binding.

#![forbid(unsafe_code)]

pub mod access;
pub mod catalog;
pub mod cidr;
pub mod diagnostic;
#[doc(hidden)]
pub mod fuzz;
pub mod lock;
pub mod names;
pub mod network;
pub mod plan;
pub mod policy;
pub mod regions;
pub mod render;
pub mod rules;
pub mod source;
pub mod spec;
pub mod suggest;
pub mod validate;

mod planner;

pub use diagnostic::{Diagnostic, Rule, Severity};
pub use lock::{Lock, ParsedLock};
pub use plan::Plan;

/// This crate's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// A text and the name it is reported under.
#[derive(Clone, Copy, Debug)]
pub struct Text<'a> {
    pub file: &'a str,
    pub text: &'a str,
}

/// What to plan: the topology and, when there is one, its lock.
#[derive(Clone, Copy, Debug)]
pub struct Input<'a> {
    pub topology: Text<'a>,
    pub lock: Option<Text<'a>>,
}

/// The result of a run: every diagnostic, and the plan when there is no error.
#[derive(Debug)]
pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    pub plan: Option<Plan>,
    old_lock: Option<ParsedLock>,
    lock_was_given: bool,
    claims: lock::Claims,
    released: Vec<(String, lock::LockedAllocation)>,
    not_in_lock: Vec<String>,
}

impl Outcome {
    /// True when no diagnostic is an error.
    pub fn is_valid(&self) -> bool {
        !self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The lock this plan implies, merged with the lock that was read; `None`
    /// when there is no plan or the given lock was unusable.
    pub fn lock_update(&self, prune: bool) -> Option<Lock> {
        if self.lock_was_given && self.old_lock.is_none() {
            return None;
        }
        self.plan.as_ref().map(|p| Lock::from_plan(p, self.old_lock.as_ref(), &self.claims, prune))
    }

    /// The lock entries [`run_releasing`] released, by VPC name: what they
    /// freed.
    pub fn released(&self) -> &[(String, lock::LockedAllocation)] {
        &self.released
    }

    /// The names [`run_releasing`] was asked to release that the lock does
    /// not hold (all of them when the lock was unusable).
    pub fn not_in_lock(&self) -> &[String] {
        &self.not_in_lock
    }

    /// True when a lock was given and could be read (no LP002).
    pub fn lock_is_usable(&self) -> bool {
        self.old_lock.is_some()
    }

    /// The VPC names of the lock that was read, after any release.
    pub fn locked_vpcs(&self) -> Vec<&str> {
        self.old_lock.iter().flat_map(|l| l.vpcs.keys().map(String::as_str)).collect()
    }
}

impl Outcome {
    /// An outcome of these diagnostics alone, with no plan: for files the
    /// core was never given ([`decode`] refused them).
    pub fn of_diagnostics(diagnostics: Vec<Diagnostic>) -> Self {
        Self {
            diagnostics,
            plan: None,
            old_lock: None,
            lock_was_given: false,
            claims: lock::Claims::default(),
            released: Vec::new(),
            not_in_lock: Vec::new(),
        }
    }
}

/// A file whose bytes [`decode`] refused: its LP001, and the text its code
/// frame points into (the bytes read as UTF-8 with replacement characters,
/// or nothing for a file past the size limit).
#[derive(Debug)]
pub struct Undecodable {
    pub diagnostic: Diagnostic,
    pub text: String,
}

/// A file's bytes as the text [`run`] reads, or the LP001 that says why they
/// are not: more than [`source::MAX_INPUT_BYTES`] (`size`, the file's size
/// when known, is named then), or not UTF-8 (at the line and column of the
/// first invalid byte). A reader gives at most one byte past the limit.
pub fn decode(file: &str, bytes: Vec<u8>, size: Option<u64>) -> Result<String, Box<Undecodable>> {
    let (error, text) = if bytes.len() > source::MAX_INPUT_BYTES {
        let size = size.filter(|&n| n > source::MAX_INPUT_BYTES as u64);
        (source::too_large(size), String::new())
    } else {
        match String::from_utf8(bytes) {
            Ok(text) => return Ok(text),
            Err(e) => (source::not_utf8(&e.utf8_error()), String::from_utf8_lossy(e.as_bytes()).into_owned()),
        }
    };
    let mut finding = diagnostic::Finding::new(Rule::Lp001, diagnostic::Anchor::Span(error.span), error.message);
    finding.hint = error.hint;
    let spans = source::SpanIndex::default();
    let src = diagnostic::SourceFile::new(file, &text, &spans);
    let diagnostic = diagnostic::resolve(vec![finding], &src, None)
        .pop()
        .unwrap_or_else(|| Diagnostic::internal_error(file, "a refused file has no finding"));
    Err(Box::new(Undecodable { diagnostic, text }))
}

/// The topology of a text that reads without errors (`None` otherwise):
/// for checks outside the core, such as `plan check --live`, that point
/// their findings at the topology's paths.
pub fn read_topology(text: &str) -> Option<spec::Topology> {
    let (value, _, errors) = source::load(text);
    let mut value = value.filter(|_| errors.is_empty())?;
    let structure = validate::structure::check(&mut value);
    if !structure.readable {
        return None;
    }
    serde_json::from_value(value).ok()
}

/// Places findings made outside the core (the live checks of
/// `plan check --live`) in the topology text, exactly as the core places its
/// own: file, line, column and span from the path, sorted.
pub fn place_findings(topology: Text<'_>, findings: Vec<diagnostic::Finding>) -> Vec<Diagnostic> {
    let (_, spans, _) = source::load(topology.text);
    let src = diagnostic::SourceFile::new(topology.file, topology.text, &spans);
    diagnostic::resolve(findings, &src, None)
}

/// Parses, validates and plans. Never panics; every problem is a diagnostic.
pub fn run(input: &Input<'_>) -> Outcome {
    planner::run(input, &[])
}

/// [`run`], with the lock entries of the VPCs named in `release` dropped
/// first: each is planned as if it had never been locked (a VPC no longer
/// in the topology is forgotten, its range freed). For `plan lock
/// --release`, the deliberate way to move a locked VPC.
pub fn run_releasing(input: &Input<'_>, release: &[String]) -> Outcome {
    planner::run(input, release)
}

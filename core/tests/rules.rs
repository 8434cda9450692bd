#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The rule fixtures: `tests/rules/<CODE>-<case>.yaml`, one small topology per
//! case, its diagnostics snapshotted in `snapshots/rules__<CODE>-<case>.snap`.
//!
//! A fixture runs as `plan validate` runs it: `linkplan_core::run` over the
//! file and, when there is one, the lock beside it (`<CODE>-<case>.lock.json`,
//! the CLI's default lock path for the file).
//!
//! A fixture marks where its findings belong: a comment after the content of a
//! line that starts with codes (`cidr: 10.1.2.3/16   # LP020: host bits`)
//! expects one diagnostic of each code on that line, and the topology's
//! diagnostics must be exactly the marked ones; a finding at the end of the
//! text, past its last newline, is marked on the last line. (A lock is JSON,
//! without comments: the findings in a lock are checked by the snapshot
//! alone.) A case
//! named `<CODE>-ok-<case>` shows where its rule does not apply: it must not
//! report it.

use linkplan_core::{Diagnostic, Outcome, Text, rules};
use std::collections::BTreeSet;
use std::fmt::Write as _;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/rules");

/// The rules no topology file can trigger, and why.
const NOT_FROM_A_FILE: &[(&str, &str)] = &[
    // The binding reports a panic of the core as LP000; the core has no input
    // that panics (the fuzz target checks it), so no file can show it.
    ("LP000", "an internal error, made of a panic by the binding"),
    // Found by `plan check --live` comparing the plan with what the accounts
    // hold; `plan validate` reads no account.
    ("LP060", "a finding of the live checks against the accounts"),
];

struct Fixture {
    /// The file name without `.yaml`: `LP022-attached-vpcs-overlap`.
    name: String,
    /// The rule the name says the case is about.
    code: String,
    /// A `<CODE>-ok-…` case: the rule must not fire.
    ok_case: bool,
    text: String,
    outcome: Outcome,
}

impl Fixture {
    fn file(&self) -> String {
        format!("{}.yaml", self.name)
    }

    fn codes(&self) -> BTreeSet<&str> {
        self.outcome.diagnostics.iter().map(|d| d.code.as_str()).collect()
    }
}

/// Every fixture, in file-name order, run.
fn fixtures() -> Vec<Fixture> {
    let mut names: Vec<String> = std::fs::read_dir(DIR)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter_map(|f| f.strip_suffix(".yaml").map(str::to_owned))
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no fixtures in {DIR}");
    names
        .into_iter()
        .map(|name| {
            let (code, case) = name.split_once('-').unwrap_or((&name, ""));
            let (code, ok_case) = (code.to_owned(), case.starts_with("ok-"));
            let file = format!("{name}.yaml");
            let lock_file = format!("{name}.lock.json");
            let text = std::fs::read_to_string(format!("{DIR}/{file}")).unwrap();
            let lock = match std::fs::read_to_string(format!("{DIR}/{lock_file}")) {
                Ok(t) => Some(t),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => panic!("{lock_file}: {e}"),
            };
            let outcome = linkplan_core::run(&linkplan_core::Input {
                topology: Text { file: &file, text: &text },
                lock: lock.as_deref().map(|text| Text { file: &lock_file, text }),
            });
            Fixture { name, code, ok_case, text, outcome }
        })
        .collect()
}

/// The (line, code) pairs a topology marks: a comment after content, starting
/// with one or more codes (`# LP022: …`, `# LP011, LP011: …`).
fn marked(text: &str) -> Vec<(usize, String)> {
    let is_code = |w: &str| w.len() == 5 && w.starts_with("LP") && w[2..].bytes().all(|b| b.is_ascii_digit());
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some(at) = line.find(" #") else { continue };
        if line[..at].trim().is_empty() {
            continue; // a comment line of its own: prose
        }
        let comment = &line[at + 2..];
        let words = comment.split([' ', ',', ':']).filter(|w| !w.is_empty());
        out.extend(words.take_while(|w| is_code(w)).map(|w| (i + 1, w.to_owned())));
    }
    out.sort();
    out
}

/// What a fixture's snapshot holds: the JSON report of `plan validate`, and
/// whether a plan was made.
#[derive(serde::Serialize)]
struct Report<'a> {
    valid: bool,
    planned: bool,
    diagnostics: &'a [Diagnostic],
}

#[test]
fn each_fixture_matches_its_snapshot() {
    for f in fixtures() {
        let o = &f.outcome;
        let report = Report { valid: o.is_valid(), planned: o.plan.is_some(), diagnostics: &o.diagnostics };
        let input = format!("{DIR}/{}", f.file());
        insta::with_settings!({ input_file => input, omit_expression => true }, {
            insta::assert_json_snapshot!(f.name.as_str(), report);
        });
    }
}

#[test]
fn each_fixture_reports_its_rule_on_the_marked_lines() {
    let mut problems = String::new();
    for f in fixtures() {
        let file = f.file();
        if rules::Rule::from_code(&f.code).is_none_or(|r| r.code() != f.code) {
            let _ = writeln!(problems, "{file}: the name does not start with a rule code (`LP022-…`)");
            continue;
        }
        let codes = f.codes();
        if f.ok_case && codes.contains(f.code.as_str()) {
            let _ = writeln!(problems, "{file}: an `ok` case, but {} is reported", f.code);
        }
        if !f.ok_case && !codes.contains(f.code.as_str()) {
            let _ = writeln!(problems, "{file}: {} is not reported; got {codes:?}", f.code);
        }
        let last = f.text.lines().count().max(1);
        let mut got: Vec<(usize, String)> = f
            .outcome
            .diagnostics
            .iter()
            .filter(|d| d.file == file)
            .map(|d| (d.line.min(last), d.code.clone()))
            .collect();
        got.sort();
        let expected = marked(&f.text);
        if got != expected {
            let _ = writeln!(problems, "{file}: the diagnostics (line, code) are {got:?}; the file marks {expected:?}");
        }
        // an error means no plan, and only an error does
        if f.outcome.plan.is_some() != f.outcome.is_valid() {
            let _ =
                writeln!(problems, "{file}: valid {} but a plan {}", f.outcome.is_valid(), f.outcome.plan.is_some());
        }
    }
    assert!(problems.is_empty(), "\n{problems}");
}

#[test]
fn every_rule_has_a_fixture() {
    let fixtures = fixtures();
    let reported: BTreeSet<&str> = fixtures.iter().filter(|f| !f.ok_case).flat_map(Fixture::codes).collect();
    let mut problems = String::new();
    for r in rules::ALL {
        let found = reported.contains(r.code);
        match NOT_FROM_A_FILE.iter().find(|(code, _)| *code == r.code) {
            Some((_, why)) if found => {
                let _ =
                    writeln!(problems, "{} is said not to come from a file ({why}), but a fixture reports it", r.code);
            }
            None if !found => {
                let _ = writeln!(problems, "{}: no fixture reports it; add tests/rules/{}-<case>.yaml", r.code, r.code);
            }
            _ => {}
        }
    }
    for (code, _) in NOT_FROM_A_FILE {
        if rules::Rule::from_code(code).is_none() {
            let _ = writeln!(problems, "{code} is not a rule of the registry");
        }
    }
    assert!(problems.is_empty(), "\n{problems}");
}

#[test]
fn the_rules_directory_holds_only_fixtures_and_their_locks() {
    let files: BTreeSet<String> =
        std::fs::read_dir(DIR).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    for f in &files {
        // exactly `.yaml`: the walk reads no other name
        let ok = match f.strip_suffix(".lock.json") {
            Some(stem) => files.contains(&format!("{stem}.yaml")),
            None => f.strip_suffix(".yaml").is_some(),
        };
        assert!(ok, "tests/rules/{f}: neither a fixture (`.yaml`) nor the lock of one (`<fixture>.lock.json`)");
    }
}

#[test]
fn markers_are_read_from_comments_after_content() {
    let text = "# LP001: prose\na: 1   # LP022, LP022: two\nb: 2  # see LP010\nc: 3 # LP013\n";
    assert_eq!(marked(text), [(2, "LP022".to_owned()), (2, "LP022".to_owned()), (4, "LP013".to_owned())]);
}

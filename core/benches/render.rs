//! Rendering findings: every one as text (code frames) against the JSON
//! report of the same findings, for 1,000 and 10,000 findings in one file.
//! `cargo bench -p linkplan-core --bench render`; figures in
//! docs/benchmarks.md. Text was quadratic (miette read each frame's source
//! from the start of the file): 9,600 findings took 19 s as text, 0.15 s as
//! JSON.

use divan::Bencher;
use linkplan_core::render::{self, JsonReport, TextStyle};
use linkplan_core::{Diagnostic, Input, Text};
use std::fmt::Write as _;

fn main() {
    divan::main();
}

/// A topology of `n` VPCs whose CIDRs all have host bits set: one LP020 each.
fn findings(n: usize) -> (String, Vec<Diagnostic>) {
    let mut text = String::from(
        "apiVersion: linkplan/v1alpha1\nname: bench\norganization: { id: o-exampleorg1 }\naccounts:\n  a: { id: \"111111111111\" }\nvpcs:\n",
    );
    for i in 0..n {
        let _ = writeln!(
            text,
            "  v{i}: {{ account: a, region: us-east-1, cidr: 10.{}.{}.1/24, azs: [use1-az1] }}",
            i / 256,
            i % 256
        );
    }
    let outcome = linkplan_core::run(&Input { topology: Text { file: "bench.yaml", text: &text }, lock: None });
    let diagnostics = outcome.diagnostics;
    assert!(diagnostics.iter().filter(|d| d.code == "LP020").count() == n, "{:?}", diagnostics.first());
    (text, diagnostics)
}

#[divan::bench(args = [1_000, 10_000], sample_count = 5)]
fn text(bencher: Bencher, n: usize) {
    let (text, diagnostics) = findings(n);
    let sources = [("bench.yaml", text.as_str())];
    bencher.bench(|| render::render_all_text(&diagnostics, &sources[..], TextStyle::default()));
}

#[divan::bench(args = [1_000, 10_000], sample_count = 5)]
fn json(bencher: Bencher, n: usize) {
    let (_, diagnostics) = findings(n);
    bencher.bench(|| serde_json::to_string_pretty(&JsonReport::new(&diagnostics)));
}

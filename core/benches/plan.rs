//! validate + plan on generated topologies of 10 to 10,000 VPCs.
//! `cargo bench -p linkplan-core --bench plan`; figures in docs/benchmarks.md.
//! Past about 60 attached VPCs a region, the transit gateway's `links` stack
//! would hold more than CloudFormation's 500 resources, so the core plans
//! the whole topology and then refuses it (LP073): the larger sizes measure
//! that full planning.

#[path = "support/mod.rs"]
mod support;

use divan::Bencher;
use linkplan_core::{Input, Text};

fn main() {
    divan::main();
}

#[divan::bench(args = [10, 100, 1_000, 2_000, 10_000], sample_count = 20)]
fn validate_and_plan(bencher: Bencher, n: usize) {
    let text = support::topology(n);
    bencher.bench(|| {
        let outcome = linkplan_core::run(&Input { topology: Text { file: "generated.yaml", text: &text }, lock: None });
        let other = outcome.diagnostics.iter().find(|d| d.is_error() && d.code != "LP073");
        assert!(other.is_none(), "{other:?}");
        outcome
    });
}

#[divan::bench(args = [1_000, 10_000], sample_count = 10)]
fn validate_and_plan_with_lock(bencher: Bencher, n: usize) {
    let text = support::topology(n);
    let first = linkplan_core::run(&Input { topology: Text { file: "generated.yaml", text: &text }, lock: None });
    let lock = first.lock_update(false).map(|l| l.render()).unwrap_or_default();
    bencher.bench(|| {
        linkplan_core::run(&Input {
            topology: Text { file: "generated.yaml", text: &text },
            lock: Some(Text { file: "generated.lock.json", text: &lock }),
        })
    });
}

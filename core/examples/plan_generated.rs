//! Plans a generated topology of N VPCs once; for measuring peak memory:
//! `cargo build --release -p linkplan-core --example plan_generated &&
//!  /usr/bin/time -v target/release/examples/plan_generated 10000`.
//! With `--yaml`, prints the generated topology instead of planning it (for
//! the binding's and the CDK library's benches, so there is one generator).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../benches/support/mod.rs"]
mod support;

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let text = support::topology(n);
    if std::env::args().any(|a| a == "--yaml") {
        print!("{text}");
        return;
    }
    let started = std::time::Instant::now();
    let outcome = linkplan_core::run(&linkplan_core::Input {
        topology: linkplan_core::Text { file: "generated.yaml", text: &text },
        lock: None,
    });
    let elapsed = started.elapsed();
    let refused = outcome.diagnostics.iter().filter(|d| d.code == "LP073").count();
    let other = outcome.diagnostics.iter().find(|d| d.is_error() && d.code != "LP073");
    assert!(other.is_none(), "{other:?}");
    // past about 60 attached VPCs a region the links stacks are over the
    // per-stack quota: planned in full, then refused (LP073)
    println!(
        "{n} VPCs ({} bytes of YAML): planned in {elapsed:?}, {refused} stacks over the quota (LP073)",
        text.len()
    );
    if std::env::args().any(|a| a == "--with-lock") {
        let Some(lock) = outcome.lock_update(false).map(|l| l.render()) else {
            println!("no lock: the plan is refused");
            return;
        };
        let started = std::time::Instant::now();
        let (parsed, _, _) = linkplan_core::lock::parse(&lock, "generated");
        println!("lock of {} bytes parsed in {:?}", lock.len(), started.elapsed());
        assert!(parsed.is_some());
        let started = std::time::Instant::now();
        let again = linkplan_core::run(&linkplan_core::Input {
            topology: linkplan_core::Text { file: "generated.yaml", text: &text },
            lock: Some(linkplan_core::Text { file: "generated.lock.json", text: &lock }),
        });
        println!("planned again with the lock in {:?} ({} diagnostics)", started.elapsed(), again.diagnostics.len());
    }
}

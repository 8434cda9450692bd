#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod moto;

use linkplan_core::{Input, Outcome, Text};

pub fn run(text: &str) -> Outcome {
    linkplan_core::run(&Input { topology: Text { file: "topology.yaml", text }, lock: None })
}

pub fn run_locked(text: &str, lock: &str) -> Outcome {
    linkplan_core::run(&Input {
        topology: Text { file: "topology.yaml", text },
        lock: Some(Text { file: "topology.lock.json", text: lock }),
    })
}

pub fn codes(o: &Outcome) -> Vec<String> {
    o.diagnostics.iter().map(|d| d.code.clone()).collect()
}

pub fn example(name: &str) -> String {
    std::fs::read_to_string(format!("{}/../examples/{name}/topology.yaml", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// A small valid topology; `{vpcs}` is replaced by VPC entries.
pub fn with_vpcs(vpcs: &str) -> String {
    format!(
        "apiVersion: linkplan/v1alpha1\nname: t\naccounts:\n  a: {{ id: \"111111111111\" }}\naddressing:\n  pools: [{{ cidr: 10.0.0.0/16 }}]\nvpcs:\n{vpcs}"
    )
}

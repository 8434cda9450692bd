#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The fuzz targets' seeds (`core/fuzz/README.md`) through the invariants the
//! targets check (`linkplan_core::fuzz`), on stable: the example topologies
//! and their own locks, every rule fixture (with its lock, when it has one),
//! and the lock seeds against the lock target's fixed topology.

use linkplan_core::fuzz;
use std::path::{Path, PathBuf};

const CORE: &str = env!("CARGO_MANIFEST_DIR");
/// The lock target's fixed topology.
const LOCK_TOPOLOGY: &str = include_str!("../../examples/bedrock-privatelink/topology.yaml");

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_str().is_some_and(|s| s.ends_with(ext)))
        .collect();
    out.sort();
    out
}

fn topologies() -> Vec<PathBuf> {
    let core = Path::new(CORE);
    let mut out = Vec::new();
    for example in files(&core.join("../examples"), "") {
        let t = example.join("topology.yaml");
        if t.is_file() {
            out.push(t);
        }
    }
    out.extend(files(&core.join("tests/rules"), ".yaml"));
    out.extend(files(&core.join("fuzz/seeds"), ".yaml"));
    out
}

#[test]
fn every_seed_topology_keeps_the_invariants_with_and_without_its_lock() {
    let mut planned = 0;
    for path in topologies() {
        let text = std::fs::read_to_string(&path).unwrap();
        let outcome = fuzz::check_run(&text, None);
        if let Some(lock) = outcome.lock_update(false) {
            planned += 1;
            fuzz::check_run(&text, Some(&lock.render()));
        }
        let lock = path.with_extension("lock.json");
        if let Ok(lock) = std::fs::read_to_string(lock) {
            fuzz::check_run(&text, Some(&lock));
        }
    }
    assert!(planned >= 3, "only {planned} seeds plan");
}

#[test]
fn every_lock_seed_keeps_the_invariants_with_the_lock_targets_topology() {
    let core = Path::new(CORE);
    let mut locks = files(&core.join("fuzz/seeds/lock"), ".json");
    locks.extend(files(&core.join("tests/rules"), ".lock.json"));
    assert!(locks.len() >= 4);
    let mut clean = 0;
    for path in locks {
        let text = std::fs::read_to_string(&path).unwrap();
        fuzz::check_lock_parse(&text, "bedrock-privatelink");
        if fuzz::check_run(LOCK_TOPOLOGY, Some(&text)).is_valid() {
            clean += 1;
        }
    }
    assert!(clean >= 1, "no lock seed is the lock of the lock target's topology");
}

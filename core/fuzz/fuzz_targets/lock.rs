//! Arbitrary lock text against a fixed valid topology (the
//! bedrock-privatelink example): the lock parser on its own, then
//! `linkplan_core::run` with the lock, under every invariant of
//! `linkplan_core::fuzz::check_outcome` (a lock the core accepts must leave a
//! plan whose own lock reads back and pins the same CIDRs).
#![no_main]

use libfuzzer_sys::fuzz_target;
use linkplan_core::fuzz;

const TOPOLOGY: &str = include_str!("../../../examples/bedrock-privatelink/topology.yaml");

fuzz_target!(|data: &[u8]| {
    let Ok(lock) = std::str::from_utf8(data) else { return };
    fuzz::check_lock_parse(lock, "bedrock-privatelink");
    fuzz::check_lock_parse(lock, "");
    fuzz::check_run(TOPOLOGY, Some(lock));
});

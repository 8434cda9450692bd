//! Parse + validate + plan of arbitrary topology text, with a lock when the
//! input holds a NUL (the text after it), and every invariant of
//! `linkplan_core::fuzz::check_outcome`: no panic, diagnostics inside their
//! files, a plan exactly when valid that serializes, and a lock that reads
//! back and pins the same CIDRs.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (topology, lock) = match text.split_once('\0') {
        Some((t, l)) => (t, Some(l)),
        None => (text, None),
    };
    linkplan_core::fuzz::check_run(topology, lock);
});

//! Parse + validate + plan on arbitrary text, with and without a lock, and
//! render every diagnostic: nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use linkplan_core::render::{self, TextStyle};
use linkplan_core::{Input, Text};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // the first line after a NUL, if any, is used as the lock file
    let (topology, lock) = match text.split_once('\0') {
        Some((t, l)) => (t, Some(l)),
        None => (text, None),
    };
    let outcome = linkplan_core::run(&Input {
        topology: Text { file: "t.yaml", text: topology },
        lock: lock.map(|l| Text { file: "t.lock.json", text: l }),
    });
    let mut sources = vec![("t.yaml", topology)];
    if let Some(l) = lock {
        sources.push(("t.lock.json", l));
    }
    let _ = render::render_all_text(&outcome.diagnostics, sources.as_slice(), TextStyle::default());
    if let Some(plan) = &outcome.plan {
        let _ = plan.to_text();
    }
    if let Some(lock) = outcome.lock_update(false) {
        let _ = lock.render();
    }
});

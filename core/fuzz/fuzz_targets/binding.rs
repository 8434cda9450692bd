//! The binding's entry points as Node calls them, without Node: the options
//! conversion (`options_of`, what `validate(text, options)` and
//! `plan(text, options)` do with the JavaScript object) and `guarded`, the
//! run behind both. The input is `topology NUL lock NUL options-json`, each
//! part after the first optional; a lock without options JSON is passed as
//! `{ lock }`.
//!
//! libFuzzer's panic hook aborts before `guarded`'s `catch_unwind` sees a
//! panic, so a panic anywhere in the core is a crash here, not an LP000.
#![no_main]

use libfuzzer_sys::fuzz_target;
use linkplan_bindings::{PlanResult, Severity, guarded, options_of};
use serde_json::{Value, json};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut parts = text.splitn(3, '\0');
    let topology = parts.next().unwrap_or_default();
    let lock = parts.next();
    let value = match (parts.next(), lock) {
        (Some(options), _) => serde_json::from_str::<Value>(options).ok(),
        (None, Some(lock)) => Some(json!({ "lock": lock })),
        (None, None) => None,
    };
    let options = match options_of(value) {
        Ok(options) => options,
        Err(e) => {
            // an unknown key or a wrong type: refused, naming the accepted keys
            assert!(e.reason.contains("fileName, lock, lockFileName"), "{}", e.reason);
            return;
        }
    };
    let topology_file = options.file_name.clone().unwrap_or_else(|| "topology.yaml".into());
    let lock_file = options.lock_file_name.clone().unwrap_or_else(|| "topology.lock.json".into());
    let files = [topology_file.as_str(), lock_file.as_str()];
    for with_plan in [false, true] {
        let r = guarded(topology, &options, with_plan);
        check(&r, &files, with_plan);
    }
});

fn check(r: &PlanResult, files: &[&str], with_plan: bool) {
    let errors = r.diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    assert_eq!(r.valid, errors == 0, "valid is {} with {errors} errors", r.valid);
    for d in &r.diagnostics {
        assert_ne!(d.code, "LP000", "an internal error: {}", d.message);
        assert!(d.line >= 1 && d.column >= 1, "{} at {}:{}", d.code, d.line, d.column);
        assert!(files.contains(&d.file.as_str()), "{} in {}, not one of {files:?}", d.code, d.file);
    }
    if with_plan && r.valid {
        let plan = r.plan_json.as_deref().unwrap_or_default();
        assert!(serde_json::from_str::<Value>(plan).is_ok_and(|p| p["vpcs"].is_object()), "plan JSON: {plan}");
        let lock = r.lock.as_deref().unwrap_or_default();
        assert!(serde_json::from_str::<Value>(lock).is_ok_and(|l| l["lockVersion"] == 1), "lock: {lock}");
    } else {
        assert!(r.plan_json.is_none() && r.lock.is_none(), "a plan or lock without a valid plan call");
    }
}

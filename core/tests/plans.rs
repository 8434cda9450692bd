#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The examples plan cleanly, plans are stable, and the lock holds.

mod common;
use common::*;

fn plan_json(o: &linkplan_core::Outcome) -> String {
    serde_json::to_string_pretty(o.plan.as_ref().expect("a plan")).unwrap()
}

#[test]
fn the_examples_are_valid_and_their_plans_reviewed() {
    for name in ["bedrock-privatelink", "studio-multi-account", "privatelink-service"] {
        let o = run(&example(name));
        assert!(o.diagnostics.is_empty(), "{name}: {:?}", o.diagnostics);
        insta::assert_snapshot!(format!("plan-{name}"), plan_json(&o));
    }
}

/// The plan's schema says optional fields are left out, never `null`: the
/// TypeScript types generated from it depend on that.
#[test]
fn plans_hold_no_nulls() {
    fn nulls(v: &serde_json::Value, at: &str, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Null => out.push(at.to_owned()),
            serde_json::Value::Array(a) => a.iter().enumerate().for_each(|(i, x)| nulls(x, &format!("{at}/{i}"), out)),
            serde_json::Value::Object(m) => m.iter().for_each(|(k, x)| nulls(x, &format!("{at}/{k}"), out)),
            _ => {}
        }
    }
    for name in ["bedrock-privatelink", "studio-multi-account", "privatelink-service"] {
        let v = serde_json::to_value(run(&example(name)).plan.unwrap()).unwrap();
        let mut found = Vec::new();
        nulls(&v, "", &mut found);
        assert!(found.is_empty(), "{name}: null at {found:?}");
    }
}

#[test]
fn plan_json_has_the_documented_shape() {
    let o = run(&example("bedrock-privatelink"));
    let v = serde_json::to_value(o.plan.unwrap()).unwrap();
    assert_eq!(v["version"], "linkplan.plan/v1alpha1");
    let app = &v["vpcs"]["app-use1"];
    assert_eq!(app["account"], "app");
    assert_eq!(app["region"], "us-east-1");
    assert_eq!(app["cidr"], "10.10.0.0/16");
    let s = &app["subnets"][0];
    assert!(s["tier"].is_string() && s["az"].is_string() && s["cidr"].is_string());
}

#[test]
fn the_same_input_gives_byte_identical_plans() {
    let t = example("bedrock-privatelink");
    assert_eq!(plan_json(&run(&t)), plan_json(&run(&t)));
}

#[test]
fn reordering_the_vpcs_map_changes_nothing() {
    let a = with_vpcs(
        "  x: { account: a, region: us-east-1, size: 24, azs: 1 }\n  y: { account: a, region: us-east-1, size: 20, azs: 2 }\n  z: { account: a, region: eu-west-1, size: 24, azs: 1 }\n",
    );
    let b = with_vpcs(
        "  z: { account: a, region: eu-west-1, size: 24, azs: 1 }\n  y: { account: a, region: us-east-1, size: 20, azs: 2 }\n  x: { account: a, region: us-east-1, size: 24, azs: 1 }\n",
    );
    assert_eq!(plan_json(&run(&a)), plan_json(&run(&b)));
}

fn lock_of(o: &linkplan_core::Outcome) -> String {
    o.lock_update(false).expect("a lock").render()
}

#[test]
fn a_locked_plan_does_not_move_when_vpcs_are_added_or_removed() {
    let before = with_vpcs(
        "  m: { account: a, region: us-east-1, size: 24, azs: 1 }\n  n: { account: a, region: us-east-1, size: 24, azs: 1 }\n",
    );
    let lock = lock_of(&run(&before));
    // a larger VPC sorts first and would take 10.0.0.0 without the lock
    let after = with_vpcs(
        "  big: { account: a, region: us-east-1, size: 20, azs: 2 }\n  n: { account: a, region: us-east-1, size: 24, azs: 1 }\n  m: { account: a, region: us-east-1, size: 24, azs: 1 }\n",
    );
    let unlocked = run(&after).plan.unwrap();
    let locked = run_locked(&after, &lock);
    assert_eq!(codes(&locked), ["LP027"], "the new VPC is not locked yet");
    let plan = locked.plan.as_ref().unwrap();
    let old = run(&before).plan.unwrap();
    for name in ["m", "n"] {
        assert_eq!(plan.vpcs[name].cidr, old.vpcs[name].cidr);
        assert_eq!(plan.vpcs[name].subnets, old.vpcs[name].subnets);
        assert!(plan.vpcs[name].locked);
    }
    assert_ne!(unlocked.vpcs["m"].cidr, old.vpcs["m"].cidr, "the test must exercise a move the lock prevents");
    assert!(!plan.vpcs["big"].cidr.overlaps(plan.vpcs["m"].cidr));

    // removing a VPC keeps its entry (and its range) until pruned
    let removed = with_vpcs(
        "  n: { account: a, region: us-east-1, size: 24, azs: 1 }\n  o: { account: a, region: us-east-1, size: 24, azs: 1 }\n",
    );
    let o = run_locked(&removed, &lock);
    let kept = o.lock_update(false).unwrap();
    assert!(kept.vpcs.contains_key("m"));
    assert_ne!(
        o.plan.as_ref().unwrap().vpcs["o"].cidr,
        old.vpcs["m"].cidr,
        "a removed VPC's range is not reused before pruning"
    );
    assert!(!o.lock_update(true).unwrap().vpcs.contains_key("m"));
}

#[test]
fn a_change_that_would_move_a_locked_allocation_is_lp026() {
    let before = with_vpcs(
        "  m: { account: a, region: us-east-1, size: 24, azs: 1 }\n  f: { account: a, region: us-east-1, cidr: 10.9.0.0/16, azs: 1 }\n",
    );
    let lock = lock_of(&run(&before));
    let smaller = before.replace("size: 24", "size: 25");
    let o = run_locked(&smaller, &lock);
    assert_eq!(codes(&o), ["LP026"]);
    assert_eq!(o.diagnostics[0].line, 8);
    assert!(o.plan.is_none());
    let moved = before.replace("10.9.0.0/16", "10.8.0.0/16");
    assert_eq!(codes(&run_locked(&moved, &lock)), ["LP026"]);
    let resized = before.replace("cidr: 10.9.0.0/16, azs: 1", "cidr: 10.9.0.0/16, azs: 1, subnets: { workload: 24 }");
    let o = run_locked(&resized, &lock);
    assert_eq!(codes(&o), ["LP026"]);
    assert!(o.diagnostics[0].message.contains("is locked at"));
}

#[test]
fn a_corrupt_lock_is_lp002_and_yields_no_lock_to_write() {
    let t = with_vpcs("  m: { account: a, region: us-east-1, size: 24, azs: 1 }\n");
    for (bad, line) in [
        ("{ \"lockVersion\": 1, \"topology\": \"t\", \"vpcs\": {", 1),
        ("{ \"lockVersion\": 1,\n  \"topology\": \"other\", \"vpcs\": {} }", 2),
        ("{ \"lockVersion\": 1, \"topology\": \"t\",\n \"vpcs\": { \"m\": { \"cidr\": \"10.0.0.1/24\" } } }", 2),
        ("{ \"lockVersion\": 7, \"topology\": \"t\", \"vpcs\": {} }", 1),
    ] {
        let o = run_locked(&t, bad);
        let d =
            o.diagnostics.iter().find(|d| d.code == "LP002").unwrap_or_else(|| panic!("{bad}: {:?}", o.diagnostics));
        assert_eq!(d.file, "topology.lock.json");
        assert_eq!(d.line, line, "{bad}");
        assert!(o.lock_update(false).is_none());
        assert!(!o.is_valid());
    }
}

#[test]
fn the_lock_renders_stably() {
    let t = example("bedrock-privatelink");
    let lock = lock_of(&run(&t));
    let again = run_locked(&t, &lock);
    assert!(again.diagnostics.is_empty(), "{:?}", again.diagnostics);
    assert_eq!(lock_of(&again), lock, "re-locking an unchanged topology changes nothing");
    insta::assert_snapshot!("lock-bedrock-privatelink", lock);
}

#[test]
fn committed_schemas_are_up_to_date() {
    let dir = format!("{}/schema", env!("CARGO_MANIFEST_DIR"));
    for (file, schema) in [
        ("topology.schema.json", linkplan_core::spec::json_schema()),
        ("plan.schema.json", linkplan_core::plan::json_schema()),
    ] {
        let committed = std::fs::read_to_string(format!("{dir}/{file}")).unwrap();
        let now = serde_json::to_string_pretty(&schema).unwrap() + "\n";
        assert!(
            committed == now,
            "core/schema/{file} is stale: run `cargo run --bin plan -- schema{}` > core/schema/{file}",
            if file.starts_with("plan") { " --plan" } else { "" }
        );
    }
}

#[test]
fn examples_name_the_committed_schema() {
    for name in ["bedrock-privatelink", "studio-multi-account", "privatelink-service"] {
        assert!(
            example(name).starts_with("# yaml-language-server: $schema=../../core/schema/topology.schema.json\n"),
            "{name}"
        );
    }
}

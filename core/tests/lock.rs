#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The lock, closed: a locked VPC cannot move to another account, region or
//! set of AZs unnoticed; a rename keeps its allocation and logical IDs when
//! the topology says `was:`, and is suggested when it does not; removed
//! VPCs are reported until released or pruned; the lock's order is
//! canonical.

mod common;
use common::*;
use linkplan_core::{Input, Outcome, Text};
use std::fmt::Write as _;

const TWO: &str = "  m: { account: a, region: us-east-1, size: 24, azs: [use1-az1, use1-az2] }\n  n: { account: a, region: us-east-1, size: 20, azs: [use1-az1, use1-az2] }\n";

/// [`with_vpcs`] with a second account, `b`.
fn topology(vpcs: &str) -> String {
    with_vpcs(vpcs).replace("accounts:\n", "accounts:\n  b: { id: \"222222222222\" }\n")
}

fn lock_of(o: &Outcome) -> String {
    o.lock_update(false).expect("a lock").render()
}

fn run_releasing(text: &str, lock: &str, release: &[&str]) -> Outcome {
    let release: Vec<String> = release.iter().map(|s| (*s).to_owned()).collect();
    linkplan_core::run_releasing(
        &Input {
            topology: Text { file: "topology.yaml", text },
            lock: Some(Text { file: "topology.lock.json", text: lock }),
        },
        &release,
    )
}

/// The 1-based line of the first line of `text` containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn the_lock_records_each_vpcs_account_and_region() {
    let lock: serde_json::Value = serde_json::from_str(&lock_of(&run(&topology(TWO)))).unwrap();
    assert_eq!(lock["vpcs"]["m"]["account"], "111111111111");
    assert_eq!(lock["vpcs"]["m"]["region"], "us-east-1");
    assert!(lock["vpcs"]["m"].get("constructId").is_none(), "written only after a rename");
}

#[test]
fn moving_a_locked_vpc_to_another_account_or_region_is_lp026() {
    let before = topology(TWO);
    let lock = lock_of(&run(&before));

    let other_account = before.replace("  n: { account: a,", "  n: { account: b,");
    let o = run_locked(&other_account, &lock);
    assert_eq!(codes(&o), ["LP026"], "{:?}", o.diagnostics);
    let d = &o.diagnostics[0];
    assert_eq!(d.line, line_of(&other_account, "  n: {"));
    assert_eq!(d.path.as_deref(), Some("/vpcs/n/account"));
    assert!(d.message.contains("locked in account `a` (111111111111)"), "{}", d.message);
    assert!(d.message.contains("account `b` (222222222222)"), "{}", d.message);
    let hint = d.hint.as_deref().unwrap();
    assert!(hint.contains("`account: a`") && hint.contains("plan lock topology.yaml --release n"), "{hint}");
    assert!(o.plan.is_none());

    let other_region = before.replace(
        "  n: { account: a, region: us-east-1, size: 20, azs: [use1-az1, use1-az2] }",
        "  n: { account: a, region: us-west-2, size: 20, azs: [usw2-az1, usw2-az2] }",
    );
    let o = run_locked(&other_region, &lock);
    assert_eq!(codes(&o), ["LP026"], "{:?}", o.diagnostics);
    assert_eq!(o.diagnostics[0].path.as_deref(), Some("/vpcs/n/region"));
    assert!(o.diagnostics[0].message.contains("locked in region us-east-1"));
    assert!(o.diagnostics[0].hint.as_deref().unwrap().contains("`region: us-east-1`"));

    // renaming the account, same ID, moves nothing
    let renamed_account = before.replace("  a: { id:", "  acct: { id:").replace("account: a,", "account: acct,");
    assert!(run_locked(&renamed_account, &lock).diagnostics.is_empty());
}

#[test]
fn a_lock_without_accounts_and_regions_still_reads_and_the_next_write_adds_them() {
    let t = topology(TWO);
    let mut old: serde_json::Value = serde_json::from_str(&lock_of(&run(&t))).unwrap();
    for v in old["vpcs"].as_object_mut().unwrap().values_mut() {
        let v = v.as_object_mut().unwrap();
        v.remove("account");
        v.remove("region");
    }
    let old = serde_json::to_string_pretty(&old).unwrap();
    // no recorded account: no LP026 can be said, and nothing else changes
    let moved = t.replace("  n: { account: a,", "  n: { account: b,");
    assert!(run_locked(&moved, &old).diagnostics.is_empty());
    let o = run_locked(&t, &old);
    assert!(o.diagnostics.is_empty(), "{:?}", o.diagnostics);
    assert_eq!(lock_of(&o), lock_of(&run(&t)));
}

#[test]
fn a_rename_with_was_keeps_the_cidr_subnets_and_construct_id() {
    let before = topology(TWO);
    let first = run(&before);
    let lock = lock_of(&first);
    let old = &first.plan.as_ref().unwrap().vpcs["n"];

    let renamed = before.replace("  n: { account: a,", "  n2: { was: n, account: a,");
    let o = run_locked(&renamed, &lock);
    assert!(o.diagnostics.is_empty(), "{:?}", o.diagnostics);
    let plan = o.plan.as_ref().unwrap();
    let new = &plan.vpcs["n2"];
    assert_eq!(new.cidr, old.cidr);
    assert_eq!(new.subnets, old.subnets);
    assert!(new.locked);
    assert_eq!(new.construct_id.as_deref(), Some("n"), "the CDK builds it under its old name");
    assert_eq!(new.query_log_config_name, old.query_log_config_name, "a physical name kept, not replaced");
    let json = serde_json::to_value(plan).unwrap();
    assert_eq!(json["vpcs"]["n2"]["constructId"], "n");
    assert!(json["vpcs"]["m"].get("constructId").is_none());

    // the lock moves the entry to the new name and remembers the old one
    let relocked = lock_of(&o);
    let v: serde_json::Value = serde_json::from_str(&relocked).unwrap();
    assert!(v["vpcs"].get("n").is_none(), "the old entry moved, it is not a removed VPC");
    assert_eq!(v["vpcs"]["n2"]["constructId"], "n");
    assert_eq!(v["vpcs"]["n2"]["cidr"], old.cidr.to_string());

    // once the lock says so, `was:` may go: nothing moves
    let settled = renamed.replace("was: n, ", "");
    let o = run_locked(&settled, &relocked);
    assert!(o.diagnostics.is_empty(), "{:?}", o.diagnostics);
    let n2 = &o.plan.as_ref().unwrap().vpcs["n2"];
    assert_eq!((n2.cidr, n2.construct_id.as_deref()), (old.cidr, Some("n")));
    assert_eq!(lock_of(&o), relocked);

    // renamed back to the name it was created under: no construct ID apart
    let back = settled.replace("  n2: {", "  n: { was: n2,");
    let o = run_locked(&back, &relocked);
    assert!(o.diagnostics.is_empty(), "{:?}", o.diagnostics);
    assert_eq!(o.plan.as_ref().unwrap().vpcs["n"].construct_id, None);
    assert_eq!(lock_of(&o), lock);
}

#[test]
fn a_rename_without_was_is_lp029_suggesting_exactly_the_was() {
    let before = topology(TWO);
    let lock = lock_of(&run(&before));
    let renamed = before.replace("  n: {", "  n2: {");
    let o = run_locked(&renamed, &lock);
    assert_eq!(codes(&o), ["LP029"], "one finding for the cause, no LP027 or LP028: {:?}", o.diagnostics);
    let d = &o.diagnostics[0];
    assert_eq!((d.file.as_str(), d.line), ("topology.yaml", line_of(&renamed, "  n2: {")));
    assert_eq!(d.severity, linkplan_core::Severity::Warning);
    assert!(d.message.contains("VPC `n2`") && d.message.contains("locked VPC `n`"), "{}", d.message);
    let hint = d.hint.as_deref().unwrap();
    assert!(hint.contains("add `was: n` to `n2`"), "{hint}");
    assert!(hint.contains("plan lock topology.yaml --release n"), "{hint}");
    // applying the hint settles it
    let fixed = renamed.replace("  n2: {", "  n2: { was: n,");
    assert!(run_locked(&fixed, &lock).diagnostics.is_empty());

    // another shape is no rename: the removed VPC is LP028, the new one LP027
    let other = before
        .replace("  n: { account: a, region: us-east-1, size: 20,", "  n2: { account: a, region: us-east-1, size: 21,");
    let o = run_locked(&other, &lock);
    let mut got = codes(&o);
    got.sort();
    assert_eq!(got, ["LP027", "LP028"], "{:?}", o.diagnostics);
    let other_account = before.replace("  n: { account: a,", "  n2: { account: b,");
    let mut got = codes(&run_locked(&other_account, &lock));
    got.sort();
    assert_eq!(got, ["LP027", "LP028"]);
}

#[test]
fn was_cannot_name_a_vpc_still_listed_or_be_said_twice() {
    let t = topology(&format!("{TWO}  n2: {{ was: n, account: a, region: us-east-1, size: 20, azs: 2 }}\n"));
    let o = run(&t);
    assert_eq!(codes(&o), ["LP011"]);
    assert_eq!(o.diagnostics[0].path.as_deref(), Some("/vpcs/n2/was"));
    let lock = lock_of(&run(&topology(TWO)));
    let twice = topology(
        "  m: { account: a, region: us-east-1, size: 24, azs: [use1-az1, use1-az2] }\n  x: { was: n, account: a, region: us-east-1, size: 20, azs: [use1-az1, use1-az2] }\n  y: { was: n, account: a, region: us-east-1, size: 20, azs: [use1-az1, use1-az2] }\n",
    );
    let o = run_locked(&twice, &lock);
    assert!(codes(&o).contains(&"LP011".to_owned()), "{:?}", o.diagnostics);
    assert!(o.diagnostics.iter().any(|d| d.message.contains("`x` and `y` both say `was: n`")));
}

#[test]
fn replacing_a_locked_vpcs_azs_says_what_is_locked_and_how_to_release_it() {
    let before = topology(TWO);
    let lock = lock_of(&run(&before));
    let moved = before.replace("size: 20, azs: [use1-az1, use1-az2]", "size: 20, azs: [use1-az3, use1-az4]");
    let o = run_locked(&moved, &lock);
    assert_eq!(codes(&o), ["LP026"], "not LP024's `need N addresses`: {:?}", o.diagnostics);
    let d = &o.diagnostics[0];
    assert_eq!(d.path.as_deref(), Some("/vpcs/n/azs"));
    assert!(d.message.contains("locked at 10.0.0.0/20 with subnets in use1-az1, use1-az2"), "{}", d.message);
    assert!(d.message.contains("now asks for use1-az3, use1-az4"), "{}", d.message);
    let hint = d.hint.as_deref().unwrap();
    assert!(hint.contains("`azs: [use1-az1, use1-az2]`") && hint.contains("plan lock topology.yaml --release n"));

    // released, the VPC is planned anew in its new AZs
    let o = run_releasing(&moved, &lock, &["n"]);
    assert!(o.diagnostics.is_empty(), "a released VPC is not `not in the lock yet`: {:?}", o.diagnostics);
    assert_eq!(o.released().len(), 1);
    assert_eq!(o.released()[0].0, "n");
    assert!(o.released()[0].1.describe().starts_with("10.0.0.0/20 and its 4 subnets: workload use1-az1 10.0.0.0/22"));
    let n = &o.plan.as_ref().unwrap().vpcs["n"];
    assert!(n.subnets.iter().all(|s| s.az == "use1-az3" || s.az == "use1-az4"));
    let relocked: serde_json::Value = serde_json::from_str(&lock_of(&o)).unwrap();
    let azs: Vec<&str> =
        relocked["vpcs"]["n"]["subnets"].as_array().unwrap().iter().map(|s| s["az"].as_str().unwrap()).collect();
    assert!(azs.iter().all(|az| *az == "use1-az3" || *az == "use1-az4"), "{azs:?}");

    // an AZ dropped where the rest still fits: its locked subnets stay, said
    let fewer = before.replace("size: 20, azs: [use1-az1, use1-az2]", "size: 20, azs: [use1-az1]");
    let o = run_locked(&fewer, &lock);
    assert_eq!(codes(&o), ["LP028"], "{:?}", o.diagnostics);
    assert!(
        o.diagnostics[0].message.contains(
            "no longer plans 2 locked subnets (workload use1-az2 10.0.4.0/22, endpoints use1-az2 10.0.8.16/28)"
        ),
        "{}",
        o.diagnostics[0].message
    );
    assert!(o.diagnostics[0].hint.as_deref().unwrap().contains("--prune"));
}

#[test]
fn a_removed_vpc_is_reported_in_the_lock_until_released_or_pruned() {
    let before = topology(TWO);
    let lock = lock_of(&run(&before));
    let removed = topology("  n: { account: a, region: us-east-1, size: 20, azs: [use1-az1, use1-az2] }\n");
    let o = run_locked(&removed, &lock);
    assert_eq!(codes(&o), ["LP028"]);
    let d = &o.diagnostics[0];
    assert_eq!(d.file, "topology.lock.json");
    assert_eq!(d.line, line_of(&lock, "\"m\": {"), "the entry's line in the lock");
    assert!(d.message.contains("VPC `m` (10.0.16.0/24, 4 subnets)"), "{}", d.message);
    let hint = d.hint.as_deref().unwrap();
    assert!(hint.contains("plan lock topology.yaml --release m") && hint.contains("--prune"), "{hint}");
    assert!(o.is_valid());
    // kept by a plain write, so it is reported again
    let kept = lock_of(&o);
    assert_eq!(kept, lock, "nothing moves, nothing is re-sorted");
    assert_eq!(codes(&run_locked(&removed, &kept)), ["LP028"]);

    // released: gone, and said what it freed
    let o = run_releasing(&removed, &lock, &["m"]);
    assert!(o.diagnostics.is_empty(), "{:?}", o.diagnostics);
    assert!(o.released()[0].1.describe().starts_with("10.0.16.0/24 and its 4 subnets"));
    let released = lock_of(&o);
    assert!(run_locked(&removed, &released).diagnostics.is_empty());
    // a name the lock does not hold is said, not ignored
    let o = run_releasing(&removed, &lock, &["nope"]);
    assert_eq!(o.not_in_lock(), ["nope"]);
    assert_eq!(o.locked_vpcs(), ["m", "n"]);
}

#[test]
fn the_lock_order_is_canonical_so_a_removal_only_removes_lines() {
    let three = topology(&format!("{TWO}  o: {{ account: b, region: eu-west-1, size: 22, azs: 3 }}\n"));
    let first = lock_of(&run(&three));
    let removed = topology(TWO);
    let o = run_locked(&removed, &first);
    assert_eq!(lock_of(&o), first, "without --prune the entry stays, byte for byte");
    let pruned = o.lock_update(true).unwrap().render();
    // every line of the pruned lock is a line of the first, in order: the
    // diff only removes lines
    let mut rest = first.lines();
    for line in pruned.lines() {
        assert!(rest.any(|l| l == line), "`{line}` is new or moved:\n{pruned}");
    }
    assert!(pruned.lines().count() < first.lines().count());
    assert!(!pruned.contains("\"o\""));
    // a hand-sorted lock is read in any order and written canonically
    let v: serde_json::Value = serde_json::from_str(&first).unwrap();
    let mut shuffled = v.clone();
    for e in shuffled["vpcs"].as_object_mut().unwrap().values_mut() {
        e["subnets"].as_array_mut().unwrap().reverse();
    }
    let o = run_locked(&three, &serde_json::to_string(&shuffled).unwrap());
    assert_eq!(lock_of(&o), first);
}

#[test]
fn renaming_every_vpc_of_a_large_topology_is_one_lp029_each() {
    // three VPCs per account, within the VPC quota of an account and region
    let mut accounts = String::new();
    for i in 0..500u64 {
        writeln!(accounts, "  a{i}: {{ id: \"{:012}\" }}", 100_000_000_000 + i).unwrap();
    }
    let vpcs = |prefix: &str| -> String {
        let mut s = String::new();
        for i in 0..1500 {
            writeln!(s, "  {prefix}{i}: {{ account: a{}, region: us-east-1, size: 26, azs: [use1-az1] }}", i / 3)
                .unwrap();
        }
        s
    };
    let t = format!(
        "apiVersion: linkplan/v1alpha1\nname: t\naccounts:\n{accounts}addressing:\n  pools: [{{ cidr: 10.0.0.0/12 }}]\nvpcs:\n{}",
        vpcs("v")
    );
    let first = run(&t);
    assert!(first.diagnostics.is_empty(), "{:?}", first.diagnostics.first());
    let lock = lock_of(&first);
    let renamed = t.replace("  v", "  w");
    let o = run_locked(&renamed, &lock);
    assert_eq!(o.diagnostics.len(), 1500);
    assert!(o.diagnostics.iter().all(|d| d.code == "LP029"));
    // the twin of each is the one of its account, in order
    let d = o.diagnostics.iter().find(|d| d.message.starts_with("VPC `w17` ")).unwrap();
    assert!(d.hint.as_deref().unwrap().contains("add `was: v17` to `w17`"), "{d:?}");
}

#[test]
fn an_added_az_that_does_not_fit_a_locked_vpc_says_it_is_locked() {
    let before = topology(TWO);
    let lock = lock_of(&run(&before));
    let more = before
        .replace("size: 20, azs: [use1-az1, use1-az2]", "size: 20, azs: [use1-az1, use1-az2, use1-az3, use1-az4]");
    let o = run_locked(&more, &lock);
    assert_eq!(codes(&o), ["LP024"], "the VPC is too small for the new AZs: {:?}", o.diagnostics);
    let hint = o.diagnostics[0].hint.as_deref().unwrap();
    assert!(hint.contains("locked at 10.0.0.0/20, so a larger CIDR or size would replace it"), "{hint}");
    assert!(hint.contains("plan lock topology.yaml --release n"), "{hint}");
    // unlocked, the same topology plans: the lock is what holds the subnets
    assert!(run(&more).is_valid());
}

//! `plan lock` end to end: creating a lock where `--lock` points, `--check`'s
//! exit codes, `--release`, removed VPCs reported by every command, the
//! canonical order on disk and the file's mode.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{plan, scratch, stderr, stdout};

use std::process::Command;

const VPCS: &str = "  m: { account: a, region: us-east-1, size: 24, azs: [use1-az1, use1-az2] }\n  n: { account: a, region: us-east-1, size: 20, azs: [use1-az1, use1-az2] }\n  o: { account: a, region: us-east-1, size: 22, azs: [use1-az1] }\n";

fn topology(vpcs: &str) -> String {
    format!(
        "apiVersion: linkplan/v1alpha1\nname: t\naccounts:\n  a: {{ id: \"111111111111\" }}\naddressing:\n  pools: [{{ cidr: 10.0.0.0/16 }}]\nvpcs:\n{vpcs}"
    )
}

fn without(vpc: &str) -> String {
    topology(&VPCS.lines().filter(|l| !l.starts_with(&format!("  {vpc}:"))).flat_map(|l| [l, "\n"]).collect::<String>())
}

#[test]
fn lock_creates_the_lock_an_explicit_path_names() {
    let (dir, _) = scratch(&topology(VPCS));
    // a lock in a directory that does not exist is missing too, and cannot
    // be written there: an I/O error
    let check = plan(&["lock", "topology.yaml", "--lock", "locks/t.lock.json", "--check"], dir.path());
    assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));
    let nowhere = plan(&["lock", "topology.yaml", "--lock", "locks/t.lock.json"], dir.path());
    assert_eq!(nowhere.status.code(), Some(2));
    assert!(stderr(&nowhere).contains("cannot write locks/t.lock.json"), "{}", stderr(&nowhere));
    let check = plan(&["lock", "topology.yaml", "--lock", "t.lock.json", "--check"], dir.path());
    assert_eq!(check.status.code(), Some(1), "a missing lock is a finding of --check, not an I/O error");
    assert!(
        stderr(&check).contains("t.lock.json is missing: run `plan lock topology.yaml --lock t.lock.json`"),
        "{}",
        stderr(&check)
    );
    assert!(!dir.path().join("t.lock.json").exists());

    let o = plan(&["lock", "topology.yaml", "--lock", "t.lock.json"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("wrote t.lock.json (3 VPCs)"), "{}", stderr(&o));
    assert!(dir.path().join("t.lock.json").exists());
    let check = plan(&["lock", "topology.yaml", "--lock", "t.lock.json", "--check"], dir.path());
    assert_eq!(check.status.code(), Some(0));
    // reading commands still require an explicit lock to exist
    assert_eq!(plan(&["validate", "topology.yaml", "--lock", "other.lock.json"], dir.path()).status.code(), Some(2));
}

#[test]
fn check_exits_1_for_a_missing_or_stale_lock() {
    let (dir, file) = scratch(&topology(VPCS));
    assert_eq!(plan(&["lock", "topology.yaml", "--check"], dir.path()).status.code(), Some(1));
    assert_eq!(plan(&["lock", "topology.yaml"], dir.path()).status.code(), Some(0));
    std::fs::write(&file, topology(&format!("{VPCS}  p: {{ account: a, region: us-east-1, size: 24, azs: 1 }}\n")))
        .unwrap();
    let stale = plan(&["lock", "topology.yaml", "--check"], dir.path());
    assert_eq!(stale.status.code(), Some(1));
    let err = stderr(&stale);
    assert!(err.contains("topology.lock.json is out of date"), "{err}");
    // the hint fits a run that does not write
    assert!(err.contains("`plan lock topology.yaml` (without `--check`) records it"), "{err}");
    // nor does one with errors
    std::fs::write(&file, topology(&format!("{VPCS}  p: {{ account: a, region: us-east-1, size: 24, azs: 1 }}\n  q: {{ account: nope, region: us-east-1, size: 24, azs: 1 }}\n"))).unwrap();
    let refused = plan(&["lock", "topology.yaml"], dir.path());
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("`plan lock topology.yaml` records it once the errors are fixed"),
        "{}",
        stderr(&refused)
    );
}

#[test]
fn lp027_in_plan_lock_says_this_run_records_it() {
    let (dir, file) = scratch(&topology(VPCS));
    assert_eq!(plan(&["lock", "topology.yaml"], dir.path()).status.code(), Some(0));
    std::fs::write(&file, topology(&format!("{VPCS}  p: {{ account: a, region: us-east-1, size: 24, azs: 1 }}\n")))
        .unwrap();
    let v = plan(&["validate", "topology.yaml"], dir.path());
    assert!(stdout(&v).contains("run `plan lock topology.yaml` and commit the lock"), "{}", stdout(&v));
    let o = plan(&["lock", "topology.yaml"], dir.path());
    assert_eq!(o.status.code(), Some(0));
    let err = stderr(&o);
    assert!(err.contains("LP027") && err.contains("this run records it in the lock"), "{err}");
    assert!(!err.contains("run `plan lock"), "plan lock does not tell the user to run plan lock: {err}");
}

#[test]
fn removed_vpcs_are_reported_by_validate_show_and_lock_until_released() {
    let (dir, file) = scratch(&topology(VPCS));
    let lock_path = dir.path().join("topology.lock.json");
    assert_eq!(plan(&["lock", "topology.yaml"], dir.path()).status.code(), Some(0));
    let first = std::fs::read_to_string(&lock_path).unwrap();
    std::fs::write(&file, without("o")).unwrap();

    let v = plan(&["validate", "topology.yaml"], dir.path());
    assert_eq!(v.status.code(), Some(0), "a warning");
    let out = stdout(&v);
    assert!(out.contains("LP028") && out.contains("the lock holds VPC `o`"), "{out}");
    assert!(out.contains("topology.lock.json:"), "placed in the lock: {out}");
    assert!(out.contains("plan lock topology.yaml --release o") && out.contains("--prune"), "{out}");
    let s = plan(&["show", "topology.yaml"], dir.path());
    assert_eq!(s.status.code(), Some(0));
    assert!(stderr(&s).contains("the lock holds VPC `o`"), "{}", stderr(&s));

    let l = plan(&["lock", "topology.yaml"], dir.path());
    assert_eq!(l.status.code(), Some(0));
    let err = stderr(&l);
    assert!(err.contains("the lock holds VPC `o`"), "{err}");
    assert!(
        err.contains("topology.lock.json is up to date (2 VPCs, and 1 removed from the topology, kept until released or pruned: `o`)"),
        "the count is the topology's VPCs, the removed ones apart: {err}"
    );
    assert_eq!(std::fs::read_to_string(&lock_path).unwrap(), first, "no write, no re-sort");

    // a name the lock does not hold is a usage error naming what it holds
    let nope = plan(&["lock", "topology.yaml", "--release", "nope"], dir.path());
    assert_eq!(nope.status.code(), Some(2));
    assert!(stderr(&nope).contains("holds no VPC `nope`; it holds `m`, `n`, `o`"), "{}", stderr(&nope));
    assert_eq!(std::fs::read_to_string(&lock_path).unwrap(), first);

    let r = plan(&["lock", "topology.yaml", "--release", "o"], dir.path());
    assert_eq!(r.status.code(), Some(0), "{}", stderr(&r));
    let err = stderr(&r);
    assert!(
        err.contains("released `o`: freed 10.0.16.0/22 and its 2 subnets: workload use1-az1 10.0.16.0/23, endpoints use1-az1 10.0.18.0/28"),
        "{err}"
    );
    assert!(err.contains("wrote topology.lock.json (2 VPCs)\n"), "{err}");
    let after = std::fs::read_to_string(&lock_path).unwrap();
    assert!(!after.contains("\"o\""));
    let v = plan(&["validate", "topology.yaml"], dir.path());
    assert!(stdout(&v).contains("valid: no findings"), "{}", stdout(&v));
}

#[test]
fn a_write_after_a_removal_only_removes_lines() {
    let (dir, file) = scratch(&topology(VPCS));
    let lock_path = dir.path().join("topology.lock.json");
    assert_eq!(plan(&["lock", "topology.yaml"], dir.path()).status.code(), Some(0));
    let first = std::fs::read_to_string(&lock_path).unwrap();
    std::fs::write(&file, without("m")).unwrap();
    assert_eq!(plan(&["lock", "topology.yaml", "--prune"], dir.path()).status.code(), Some(0));
    let pruned = std::fs::read_to_string(&lock_path).unwrap();
    assert_ne!(pruned, first);
    let mut rest = first.lines();
    for line in pruned.lines() {
        assert!(rest.any(|l| l == line), "`{line}` is new or moved; the diff must only remove lines:\n{pruned}");
    }
    assert!(!pruned.contains("\"m\""));
}

#[test]
fn the_lock_is_written_with_the_umask_s_mode() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, _) = scratch(&topology(VPCS));
    for (umask, mode) in [("022", 0o644), ("027", 0o640), ("002", 0o664)] {
        let lock_path = dir.path().join(format!("{umask}.lock.json"));
        let o = Command::new("sh")
            .arg("-c")
            .arg(format!("umask {umask} && exec \"$0\" lock topology.yaml --lock {umask}.lock.json"))
            .arg(env!("CARGO_BIN_EXE_plan"))
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let got = std::fs::metadata(&lock_path).unwrap().permissions().mode() & 0o777;
        assert_eq!(got, mode, "umask {umask}: {got:o}");
    }
    // written atomically: no temporary file is left beside the lock
    let names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert!(names.iter().all(|n| !n.starts_with(".linkplan-lock-")), "{names:?}");
}

#[test]
fn moving_a_locked_vpcs_azs_is_refused_then_released_on_purpose() {
    let (dir, file) = scratch(&topology(VPCS));
    let lock_path = dir.path().join("topology.lock.json");
    assert_eq!(plan(&["lock", "topology.yaml"], dir.path()).status.code(), Some(0));
    let first = std::fs::read_to_string(&lock_path).unwrap();
    std::fs::write(
        &file,
        topology(&VPCS.replace("size: 20, azs: [use1-az1, use1-az2]", "size: 20, azs: [use1-az3, use1-az4]")),
    )
    .unwrap();
    let v = plan(&["validate", "topology.yaml", "--format", "json"], dir.path());
    assert_eq!(v.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&v.stdout).unwrap();
    let d = &report["diagnostics"][0];
    assert_eq!(d["code"], "LP026");
    assert_eq!(d["line"], 9, "the VPC's line in the topology");
    assert!(d["message"].as_str().unwrap().contains("with subnets in use1-az1, use1-az2"), "{d}");
    assert!(d["hint"].as_str().unwrap().contains("plan lock topology.yaml --release n"), "{d}");
    let refused = plan(&["lock", "topology.yaml"], dir.path());
    assert_eq!(refused.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&lock_path).unwrap(), first, "never silently rewritten");

    let r = plan(&["lock", "topology.yaml", "--release", "n"], dir.path());
    assert_eq!(r.status.code(), Some(0), "{}", stderr(&r));
    let err = stderr(&r);
    assert!(
        err.contains("released `n`: freed 10.0.0.0/20 and its 4 subnets") && err.contains("planned anew at"),
        "{err}"
    );
    assert!(!err.contains("LP027"), "a released VPC is not `not in the lock yet`: {err}");
    let v = plan(&["validate", "topology.yaml"], dir.path());
    assert!(stdout(&v).contains("valid: no findings"), "{}", stdout(&v));
}

#[test]
fn a_rename_with_was_keeps_the_lock_entry() {
    let (dir, file) = scratch(&topology(VPCS));
    let lock_path = dir.path().join("topology.lock.json");
    assert_eq!(plan(&["lock", "topology.yaml"], dir.path()).status.code(), Some(0));
    let cidr = |lock: &str, vpc: &str| -> String {
        let v: serde_json::Value = serde_json::from_str(lock).unwrap();
        v["vpcs"][vpc]["cidr"].as_str().unwrap().to_owned()
    };
    let before = cidr(&std::fs::read_to_string(&lock_path).unwrap(), "n");
    std::fs::write(&file, topology(&VPCS.replace("  n: {", "  billing: {"))).unwrap();
    let v = plan(&["validate", "topology.yaml"], dir.path());
    assert!(stdout(&v).contains("add `was: n` to `billing`"), "{}", stdout(&v));
    std::fs::write(&file, topology(&VPCS.replace("  n: {", "  billing: { was: n,"))).unwrap();
    let o = plan(&["lock", "topology.yaml"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("wrote topology.lock.json (3 VPCs)\n"), "{}", stderr(&o));
    let after = std::fs::read_to_string(&lock_path).unwrap();
    assert_eq!(cidr(&after, "billing"), before);
    assert!(after.contains("\"constructId\": \"n\""), "{after}");
    let show = plan(&["show", "topology.yaml", "--format", "json"], dir.path());
    let p: serde_json::Value = serde_json::from_slice(&show.stdout).unwrap();
    assert_eq!(p["vpcs"]["billing"]["constructId"], "n");
}

//! Property tests of the address planner: for random pools, reserved ranges
//! and VPC sizes, allocations never overlap each other or reserved ranges,
//! stay inside their pools, do not depend on input order, and adding a VPC
//! to a locked plan moves nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;
use linkplan_core::Plan;
use linkplan_core::cidr::Ipv4Net;
use proptest::prelude::*;
use std::fmt::Write as _;

#[derive(Clone, Debug)]
struct Case {
    pools: Vec<(u8, u8)>,    // (second octet, prefix 12..=15) within 10.0.0.0/8
    reserved: Vec<(u8, u8)>, // (second octet, prefix 14..=24)
    sizes: Vec<u8>,          // VPC prefixes 20..=26
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec((0u8..=255, 12u8..=15), 1..4),
        prop::collection::vec((0u8..=255, 14u8..=24), 0..4),
        prop::collection::vec(20u8..=26, 1..24),
    )
        .prop_map(|(pools, reserved, sizes)| Case { pools, reserved, sizes })
}

fn net(second: u8, prefix: u8) -> Ipv4Net {
    Ipv4Net::new_trunc(u32::from_be_bytes([10, second, 0, 0]), prefix)
}

/// Disjoint pools (later ones that overlap earlier ones are dropped).
fn pools(c: &Case) -> Vec<Ipv4Net> {
    let mut out: Vec<Ipv4Net> = Vec::new();
    for &(s, p) in &c.pools {
        let n = net(s, p);
        if !out.iter().any(|o| o.overlaps(n)) {
            out.push(n);
        }
    }
    out
}

fn topology(c: &Case, names: &[usize]) -> String {
    let mut t = String::from(
        "apiVersion: linkplan/v1alpha1\nname: p\naccounts:\n  a: { id: \"111111111111\" }\naddressing:\n  pools:\n",
    );
    for p in pools(c) {
        let _ = writeln!(t, "    - cidr: {p}");
    }
    t.push_str("  reserved:\n");
    for (i, &(s, p)) in c.reserved.iter().enumerate() {
        let _ = writeln!(t, "    - {{ name: r{i}, cidr: {} }}", net(s, p));
    }
    if c.reserved.is_empty() {
        t = t.replace("  reserved:\n", "");
    }
    t.push_str("quotas: { vpcsPerRegion: 1000 }\nvpcs:\n");
    for &i in names {
        let _ = writeln!(t, "  v{i}: {{ account: a, region: us-east-1, size: {}, azs: 1 }}", c.sizes[i]);
    }
    t
}

fn plan_of(text: &str) -> Option<Plan> {
    run(text).plan
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn allocations_are_disjoint_inside_pools_and_clear_of_reserved(c in case()) {
        let names: Vec<usize> = (0..c.sizes.len()).collect();
        let o = run(&topology(&c, &names));
        // the only acceptable failure is a full pool
        prop_assert!(o.diagnostics.iter().all(|d| d.code == "LP023"), "{:?}", o.diagnostics);
        let Some(plan) = o.plan else { return Ok(()) };
        let pools = pools(&c);
        let nets: Vec<(String, Ipv4Net)> = plan.vpcs.iter().map(|(n, v)| (n.clone(), v.cidr)).collect();
        for (i, (a, na)) in nets.iter().enumerate() {
            prop_assert!(pools.iter().any(|p| p.contains(*na)), "{a} {na} outside the pools");
            for &(s, p) in &c.reserved {
                prop_assert!(!na.overlaps(net(s, p)), "{a} {na} overlaps reserved {}", net(s, p));
            }
            for (b, nb) in nets.iter().skip(i + 1) {
                prop_assert!(!na.overlaps(*nb), "{a} {na} overlaps {b} {nb}");
            }
            let idx: usize = a[1..].parse().unwrap();
            prop_assert_eq!(na.prefix(), c.sizes[idx]);
        }
    }

    #[test]
    fn allocation_does_not_depend_on_input_order(c in case(), seed in any::<u64>()) {
        let names: Vec<usize> = (0..c.sizes.len()).collect();
        let mut shuffled = names.clone();
        // a deterministic shuffle from the seed
        let mut s = seed | 1;
        for i in (1..shuffled.len()).rev() {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            shuffled.swap(i, (s % (i as u64 + 1)) as usize);
        }
        prop_assert_eq!(plan_of(&topology(&c, &names)), plan_of(&topology(&c, &shuffled)));
    }

    #[test]
    fn adding_a_vpc_to_a_locked_plan_moves_nothing(c in case(), extra in 18u8..=26) {
        let names: Vec<usize> = (0..c.sizes.len()).collect();
        let before = run(&topology(&c, &names));
        let Some(lock) = before.lock_update(false) else { return Ok(()) };
        let old = before.plan.unwrap();
        let mut grown = c.clone();
        grown.sizes.insert(0, extra); // the new VPC is v0; the old ones shift names
        let shifted: Vec<usize> = (1..grown.sizes.len()).collect();
        // rename so the old VPCs keep their names: v{i} of before = v{i+1} of grown
        let text = topology(&grown, &[0].into_iter().chain(shifted.clone()).collect::<Vec<_>>());
        let text = (0..grown.sizes.len()).rev().fold(text, |t, i| t.replace(&format!("  v{i}:"), &format!("  w{i}:")));
        let text = (1..grown.sizes.len()).fold(text, |t, i| t.replace(&format!("  w{i}:"), &format!("  v{}:", i - 1)));
        let after = run_locked(&text, &lock.render());
        prop_assert!(after.diagnostics.iter().all(|d| d.code == "LP023" || d.code == "LP027"), "{:?}", after.diagnostics);
        if let Some(plan) = after.plan {
            for (name, v) in &old.vpcs {
                prop_assert_eq!(plan.vpcs[name].cidr, v.cidr, "{} moved", name);
                prop_assert_eq!(&plan.vpcs[name].subnets, &v.subnets);
            }
            let new = plan.vpcs["w0"].cidr;
            prop_assert!(old.vpcs.values().all(|v| !v.cidr.overlaps(new)));
        }
    }
}

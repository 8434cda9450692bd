//! Properties of the network plans: reachability is monotone (removing a
//! link — a share, a service, an attachment, an account a trust policy
//! admits — never turns a failing proof or flow into a passing one) and endpoint
//! security groups admit exactly their consumers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;
use linkplan_core::cidr::Ipv4Net;
use linkplan_core::network::endpoints::security_group;
use proptest::prelude::*;
use serde_json::Value;
use std::collections::BTreeSet;

/// A link of a topology that can be taken away: an item of a list.
#[derive(Clone, Debug)]
struct Link {
    list: String,
    item: Value,
}

fn removable(v: &Value) -> Vec<Link> {
    let mut links = Vec::new();
    for (i, g) in v["endpoints"].as_array().into_iter().flatten().enumerate() {
        for key in ["share", "services"] {
            for item in g[key].as_array().into_iter().flatten() {
                links.push(Link { list: format!("/endpoints/{i}/{key}"), item: item.clone() });
            }
        }
    }
    for item in v["transit"]["attach"].as_array().into_iter().flatten() {
        links.push(Link { list: "/transit/attach".into(), item: item.clone() });
    }
    // the accounts a trust policy admits
    for item in v["bedrock"]["invokers"].as_array().into_iter().flatten() {
        links.push(Link { list: "/bedrock/invokers".into(), item: item.clone() });
    }
    links
}

fn without(v: &Value, links: &[&Link]) -> String {
    let mut v = v.clone();
    for l in links {
        if let Some(Value::Array(a)) = v.pointer_mut(&l.list) {
            a.retain(|x| *x != l.item);
        }
    }
    serde_json::to_string_pretty(&v).unwrap()
}

/// The workloads (and sections that make flows) whose proofs fail or
/// cannot be proved. A workload's failure is counted once, whether a need
/// (`/workloads/1/needs/0`) or its flow (`/workloads/1`) reports it: a flow
/// failing on a need's own link is reported by the need.
fn failing(text: &str) -> BTreeSet<String> {
    run(text)
        .diagnostics
        .iter()
        .filter(|d| d.code == "LP031" || d.code == "LP039")
        .filter_map(|d| d.path.clone())
        .map(|p| match p.strip_prefix("/workloads/") {
            Some(rest) => format!("/workloads/{}", rest.split('/').next().unwrap_or_default()),
            None => p,
        })
        .collect()
}

fn example_value(name: &str) -> Value {
    let (v, _, errors) = linkplan_core::source::load(&example(name));
    assert!(errors.is_empty());
    v.unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn removing_a_link_never_makes_a_failing_proof_pass(
        which in 0usize..2,
        first in prop::collection::vec(any::<bool>(), 16),
        more in prop::collection::vec(any::<bool>(), 16),
    ) {
        let v = example_value(["bedrock-privatelink", "studio-multi-account"][which]);
        let links = removable(&v);
        let s1: Vec<&Link> = links.iter().zip(first.iter().cycle()).filter(|(_, b)| **b).map(|(l, _)| l).collect();
        let s2: Vec<&Link> = links.iter().zip(first.iter().cycle().zip(more.iter().cycle())).filter(|(_, (a, b))| **a || **b).map(|(l, _)| l).collect();
        let before = failing(&without(&v, &s1));
        let after = failing(&without(&v, &s2));
        prop_assert!(before.is_subset(&after), "removing more links made {:?} pass", before.difference(&after).collect::<Vec<_>>());
    }

    #[test]
    fn security_groups_admit_exactly_the_consumers(
        nets in prop::collection::vec((any::<u32>(), 16u8..=28), 1..40),
        quota in prop::sample::select(vec![1u32, 5, 60]),
    ) {
        let consumers: Vec<Ipv4Net> = nets.iter().map(|(a, p)| Ipv4Net::new_trunc(*a, *p)).collect();
        let sg = security_group("x", &consumers, 443, quota);
        let blocks: Vec<Ipv4Net> = match &sg.prefix_list {
            Some(list) => {
                prop_assert!(sg.ingress.len() == 1 && sg.ingress[0].prefix_list.is_some());
                list.entries.clone()
            }
            None => sg.ingress.iter().map(|i| i.cidr.unwrap()).collect(),
        };
        prop_assert!(blocks.len() <= consumers.len());
        prop_assert!(sg.ingress.iter().all(|i| i.port == 443 && i.protocol == "tcp"));
        // same addresses: the merged ranges are equal, and blocks are disjoint
        let merge = |ns: &[Ipv4Net]| {
            let mut r: Vec<(u64, u64)> = ns.iter().map(|n| (n.start(), n.end())).collect();
            r.sort_unstable();
            let mut m: Vec<(u64, u64)> = Vec::new();
            for (s, e) in r {
                match m.last_mut() {
                    Some((_, le)) if s <= *le => *le = (*le).max(e),
                    _ => m.push((s, e)),
                }
            }
            m
        };
        prop_assert_eq!(merge(&blocks), merge(&consumers));
        for (i, a) in blocks.iter().enumerate() {
            for b in blocks.iter().skip(i + 1) {
                prop_assert!(!a.overlaps(*b));
            }
        }
    }
}

#[test]
fn the_monotonicity_property_exercises_failing_proofs() {
    for name in ["bedrock-privatelink", "studio-multi-account"] {
        let v = example_value(name);
        let links = removable(&v);
        assert!(links.len() > 4, "{name}");
        assert!(failing(&without(&v, &[])).is_empty(), "{name} passes whole");
        let all: Vec<&Link> = links.iter().collect();
        assert!(!failing(&without(&v, &all)).is_empty(), "{name} fails with every link removed");
    }
}

//! LP022 on the final addresses: a VPC against the reserved ranges, and two
//! VPCs that can route to each other or share a pool.
//!
//! CIDRs are either nested or disjoint, so one sweep in address order with a
//! stack of the open blocks finds every overlapping pair in O(n log n + k).

use super::{Facts, ReservedFacts};
use crate::cidr::Ipv4Net;
use crate::diagnostic::{Anchor, Finding, Rule};
use std::collections::BTreeMap;

/// `addresses`: VPC name → its final CIDR.
pub fn check_overlaps(facts: &Facts<'_>, addresses: &BTreeMap<&str, Ipv4Net>, out: &mut Vec<Finding>) {
    let pool_of = |n: Ipv4Net| facts.pools.iter().position(|p| p.net.contains(n));
    let mut blocks: Vec<(Ipv4Net, &str)> = addresses.iter().map(|(name, n)| (*n, *name)).collect();
    blocks.sort_by_key(|(n, name)| (n.start(), n.prefix(), *name));
    let mut open: Vec<(Ipv4Net, &str)> = Vec::new();
    for &(net, name) in &blocks {
        while open.last().is_some_and(|(o, _)| o.end() <= net.start()) {
            open.pop();
        }
        for &(other, other_name) in &open {
            let why = match facts.connectivity.link(name, other_name) {
                Some(why) => Some(why.to_owned()),
                None => match (pool_of(net), pool_of(other)) {
                    (Some(a), Some(b)) if a == b => facts.pools.get(a).map(|p| format!("both are in pool {}", p.net)),
                    _ => None,
                },
            };
            if let Some(why) = why {
                out.push(vpc_overlap(facts, name, net, other_name, other, &why));
            }
        }
        open.push((net, name));
    }
    reserved_overlaps(facts, addresses, out);
}

fn vpc_overlap(facts: &Facts<'_>, name: &str, net: Ipv4Net, other_name: &str, other: Ipv4Net, why: &str) -> Finding {
    let at = facts.vpcs.get(name).map(super::VpcFacts::address_path).unwrap_or_default();
    let mut f = Finding::at(
        Rule::Lp022,
        &at,
        format!("VPC `{name}` ({net}) overlaps VPC `{other_name}` ({other}); expected disjoint ranges because {why}"),
    )
    .hint("give one of them another CIDR, or `size:` to let the planner allocate it");
    if let Some(o) = facts.vpcs.get(other_name) {
        f = f.related(Anchor::Value(o.address_path()), format!("`{other_name}` is here"));
    }
    f
}

fn reserved_overlaps(facts: &Facts<'_>, addresses: &BTreeMap<&str, Ipv4Net>, out: &mut Vec<Finding>) {
    let mut reserved: Vec<&ReservedFacts> = facts.reserved.iter().collect();
    reserved.sort_by_key(|r| r.net.start());
    // the largest end among reserved[..=i], to stop the scan early
    let mut max_end = Vec::with_capacity(reserved.len());
    let mut m = 0u64;
    for r in &reserved {
        m = m.max(r.net.end());
        max_end.push(m);
    }
    for (name, net) in addresses {
        // reserved ranges starting before the VPC's end may overlap it
        let upto = reserved.partition_point(|r| r.net.start() < net.end());
        let mut hits: Vec<usize> = Vec::new();
        for i in (0..upto).rev() {
            if max_end.get(i).is_some_and(|&e| e <= net.start()) {
                break;
            }
            if reserved.get(i).is_some_and(|r| r.net.overlaps(*net)) {
                hits.push(i);
            }
        }
        // one finding per cause: a range within another that the VPC also
        // overlaps (the same network in `addressing.reserved` and in
        // `dns.onPremises`, or a part of it) adds nothing; of two equal ranges
        // the first listed stays. CIDRs nest or are disjoint, so a sweep in
        // address order, widest first, keeps the outermost ones.
        hits.sort_unstable_by_key(|&i| reserved.get(i).map(|r| (r.net.start(), r.net.prefix(), i)));
        let mut outermost: Vec<usize> = Vec::new();
        let mut open_end = 0u64;
        for &i in &hits {
            let Some(r) = reserved.get(i) else { continue };
            if outermost.is_empty() || r.net.start() >= open_end {
                outermost.push(i);
                open_end = r.net.end();
            }
        }
        for &i in &outermost {
            if let Some(r) = reserved.get(i) {
                let at = facts.vpcs.get(name).map(super::VpcFacts::address_path).unwrap_or_default();
                out.push(
                    Finding::at(
                        Rule::Lp022,
                        &at,
                        format!(
                            "VPC `{name}` ({net}) overlaps the reserved range `{}` ({}); expected no overlap",
                            r.name, r.net
                        ),
                    )
                    .hint("reserved ranges are in use elsewhere (on-premises, unmanaged VPCs); pick another CIDR")
                    .related(Anchor::Value(r.path.clone()), "reserved here"),
                );
            }
        }
    }
}

//! LP020 (canonical CIDRs), LP021 (VPC prefix range) and the pool overlaps
//! of LP022: every CIDR the file states, parsed and checked once.

use super::{PoolFacts, ReservedFacts};
use crate::cidr::{Ipv4Net, Ipv4NetError};
use crate::diagnostic::{Anchor, Finding, Rule};
use crate::source::Pointer;
use crate::spec::{Topology, Vpc};

/// VPC prefix lengths AWS accepts.
pub const VPC_PREFIXES: std::ops::RangeInclusive<u8> = 16..=28;

/// Parses a CIDR the file states; LP001/LP020 when it is not usable.
pub fn parse_cidr(text: &str, path: &Pointer, out: &mut Vec<Finding>) -> Option<Ipv4Net> {
    match text.parse::<Ipv4Net>() {
        Ok(n) => Some(n),
        Err(Ipv4NetError::Malformed) => {
            out.push(
                Finding::at(
                    Rule::Lp001,
                    path,
                    format!("`{text}` is not an IPv4 CIDR; expected the form `10.0.0.0/16`"),
                )
                .hint("write the network address, a slash and the prefix length"),
            );
            None
        }
        Err(Ipv4NetError::HostBits(canonical)) => {
            out.push(
                Finding::at(
                    Rule::Lp020,
                    path,
                    format!("CIDR `{text}` has host bits set; expected the network address `{canonical}`"),
                )
                .hint(format!("did you mean `{canonical}`?")),
            );
            None
        }
    }
}

/// Pools and reserved ranges (on-premises CIDRs count as reserved).
pub fn check_addressing<'a>(topo: &'a Topology, out: &mut Vec<Finding>) -> (Vec<PoolFacts<'a>>, Vec<ReservedFacts>) {
    let root = Pointer::root().key("addressing");
    let mut pools: Vec<PoolFacts<'a>> = Vec::new();
    for (i, p) in topo.addressing.pools.iter().enumerate() {
        let path = root.key("pools").index(i).key("cidr");
        let Some(net) = parse_cidr(&p.cidr, &path, out) else { continue };
        if let Some(other) = pools.iter().find(|o| o.net.overlaps(net)) {
            out.push(
                Finding::at(Rule::Lp022, &path, format!("pool {net} overlaps pool {}", other.net))
                    .hint("pools must be disjoint, or one address could be given to two VPCs")
                    .related(Anchor::Value(other.path.clone()), "the other pool"),
            );
            continue;
        }
        pools.push(PoolFacts { net, regions: p.regions.as_deref(), path });
    }
    let mut reserved = Vec::new();
    for (i, r) in topo.addressing.reserved.iter().enumerate() {
        let path = root.key("reserved").index(i).key("cidr");
        if let Some(net) = parse_cidr(&r.cidr, &path, out) {
            reserved.push(ReservedFacts { net, name: r.name.clone(), path });
        }
    }
    if let Some(onprem) = topo.dns.as_ref().and_then(|d| d.on_premises.as_ref()) {
        for (i, c) in onprem.cidrs.iter().enumerate() {
            let path = Pointer::root().key("dns").key("onPremises").key("cidrs").index(i);
            if let Some(net) = parse_cidr(c, &path, out) {
                reserved.push(ReservedFacts { net, name: "on-premises".into(), path });
            }
        }
    }
    (pools, reserved)
}

/// The VPC's fixed CIDR (if any) and whether its address fields are usable.
pub fn check_vpc(vpc: &Vpc, path: &Pointer, out: &mut Vec<Finding>) -> (Option<Ipv4Net>, bool) {
    match (&vpc.cidr, vpc.size) {
        (Some(_), Some(_)) => {
            out.push(
                Finding::at(
                    Rule::Lp001,
                    &path.key("size"),
                    "this VPC has both `cidr` and `size`; expected one of them",
                )
                .hint("keep `cidr` for a fixed range, or `size` to allocate from the pools"),
            );
            (None, false)
        }
        (None, None) => {
            out.push(
                Finding::at_key(Rule::Lp001, path, "this VPC has neither `cidr` nor `size`; expected one of them")
                    .hint("add `size: 20` to allocate a /20 from the pools, or a fixed `cidr:`"),
            );
            (None, false)
        }
        (None, Some(size)) => (None, u8::try_from(size).is_ok_and(|s| VPC_PREFIXES.contains(&s))),
        (Some(text), None) => {
            let p = path.key("cidr");
            let Some(net) = parse_cidr(text, &p, out) else { return (None, false) };
            if !VPC_PREFIXES.contains(&net.prefix()) {
                out.push(
                    Finding::at(
                        Rule::Lp021,
                        &p,
                        format!("VPC CIDR {net} is a /{}; expected a prefix from /16 to /28", net.prefix()),
                    )
                    .hint("AWS accepts VPC CIDR blocks from /16 (65,536 addresses) to /28 (16)"),
                );
                return (None, false);
            }
            (Some(net), true)
        }
    }
}

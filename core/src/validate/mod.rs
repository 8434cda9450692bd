//! Checks that need only the file. Each submodule owns a family of rules and
//! adds its findings; together they produce the [`Facts`] the planners use.
//! A VPC whose own fields are broken is left out of planning, so one mistake
//! is reported once and not again as a cascade.

mod addresses;
mod connectivity;
mod fields;
mod overlaps;
mod references;
mod regions;
mod schema;
pub mod structure;

pub use connectivity::Connectivity;
pub use overlaps::check_overlaps;

use crate::catalog::{self, EndpointKind};
use crate::cidr::Ipv4Net;
use crate::diagnostic::Finding;
use crate::source::Pointer;
use crate::spec::{DnsMode, SubnetSize, Tier, Topology, Vpc};
use std::collections::{BTreeMap, BTreeSet};

/// What the planners need to know of one VPC, checked.
#[derive(Debug)]
pub struct VpcFacts<'a> {
    pub name: &'a str,
    pub spec: &'a Vpc,
    pub path: Pointer,
    pub account_id: Option<&'a str>,
    /// The AZ IDs, resolved from a count where needed.
    pub azs: Vec<String>,
    /// The fixed CIDR, when given and valid.
    pub fixed: Option<Ipv4Net>,
    /// Interface-endpoint ENIs the VPC holds per AZ (provisional count:
    /// one per interface endpoint, per PrivateLink consumer endpoint, and
    /// two for the resolver endpoints of a resolver-mode hub).
    pub enis: u32,
    /// Attached to the transit (gets a transit subnet tier by default).
    pub attached: bool,
    /// False when the VPC's own fields are broken: it is not planned.
    pub plannable: bool,
}

impl VpcFacts<'_> {
    /// The tiers and their per-AZ sizes in layout order, the defaults
    /// filled in.
    pub fn tiers(&self) -> Vec<(Tier, SubnetSize)> {
        let auto = SubnetSize::Auto(crate::spec::AutoWord::Auto);
        let mut tiers: BTreeMap<Tier, SubnetSize> = BTreeMap::new();
        tiers.insert(Tier::Workload, auto);
        tiers.insert(Tier::Endpoints, auto);
        if self.attached {
            tiers.insert(Tier::Transit, SubnetSize::Prefix(28));
        }
        if let Some(own) = &self.spec.subnets {
            for (k, v) in own {
                tiers.insert(Tier::new(k), *v);
            }
        }
        tiers.into_iter().collect()
    }

    /// Where the VPC's address is asked for: its `cidr` or its `size`.
    pub fn address_path(&self) -> Pointer {
        if self.spec.cidr.is_some() { self.path.key("cidr") } else { self.path.key("size") }
    }
}

/// A pool, checked.
#[derive(Debug)]
pub struct PoolFacts<'a> {
    pub net: Ipv4Net,
    pub regions: Option<&'a [String]>,
    pub path: Pointer,
}

/// A range nothing may overlap: `addressing.reserved` and on-premises CIDRs.
#[derive(Debug)]
pub struct ReservedFacts {
    pub net: Ipv4Net,
    pub name: String,
    pub path: Pointer,
}

/// Everything checked, for the planners.
#[derive(Debug)]
pub struct Facts<'a> {
    pub vpcs: BTreeMap<&'a str, VpcFacts<'a>>,
    pub pools: Vec<PoolFacts<'a>>,
    pub reserved: Vec<ReservedFacts>,
    pub connectivity: Connectivity,
}

/// Runs every file-only check; returns the facts and the findings.
pub fn check(topo: &Topology) -> (Facts<'_>, Vec<Finding>) {
    let mut findings = Vec::new();
    fields::check(topo, &mut findings);
    references::check(topo, &mut findings);
    let (pools, reserved) = addresses::check_addressing(topo, &mut findings);
    let enis = endpoint_enis(topo);
    let attached: BTreeSet<&str> = topo.transit.iter().flat_map(|t| t.attach.iter().map(String::as_str)).collect();
    let mut vpcs = BTreeMap::new();
    for (name, spec) in &topo.vpcs {
        let path = Pointer::root().key("vpcs").key(name);
        let account_id = topo.accounts.get(&spec.account).map(|a| a.id.as_str());
        let azs = regions::check_vpc(name, spec, &path, &mut findings);
        let (fixed, address_ok) = addresses::check_vpc(spec, &path, &mut findings);
        let plannable = azs.is_some() && address_ok && account_id.is_some();
        vpcs.insert(
            name.as_str(),
            VpcFacts {
                name,
                spec,
                path,
                account_id,
                azs: azs.unwrap_or_default(),
                fixed,
                enis: enis.get(name.as_str()).copied().unwrap_or(0),
                attached: attached.contains(name.as_str()),
                plannable,
            },
        );
    }
    regions::check_pools(topo, &mut findings);
    regions::check_needs(topo, &mut findings);
    let connectivity = Connectivity::new(topo);
    (Facts { vpcs, pools, reserved, connectivity }, findings)
}

/// Provisional ENI count per VPC and AZ (the endpoint planner refines it).
fn endpoint_enis(topo: &Topology) -> BTreeMap<&str, u32> {
    let mut enis: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for g in &topo.endpoints {
        let set = enis.entry(g.vpc.as_str()).or_default();
        for s in &g.services {
            if catalog::service(s).is_some_and(|svc| svc.kind == EndpointKind::Interface) {
                set.insert(s.as_str());
            }
        }
    }
    let mut counts: BTreeMap<&str, u32> =
        enis.into_iter().map(|(v, s)| (v, u32::try_from(s.len()).unwrap_or(u32::MAX))).collect();
    for pl in &topo.privatelink {
        for c in &pl.consumers {
            *counts.entry(c.as_str()).or_default() += 1;
        }
    }
    if topo.dns.as_ref().is_some_and(|d| d.mode == DnsMode::Resolver) {
        for hub in topo.hubs() {
            // inbound and outbound resolver endpoints, one IP per AZ each
            *counts.entry(hub).or_default() += 2;
        }
    }
    counts
}

//! The pipeline: load → structure → spec → file checks → lock → addresses →
//! overlaps → subnets → plan. Each stage adds findings; later stages skip
//! only what an earlier one found broken.

use crate::cidr::pools::{self, PoolRange, Request};
use crate::cidr::subnets::{self, SubnetError, SubnetInput};
use crate::cidr::{Ipv4Net, block_size};
use crate::diagnostic::{self, Anchor, Finding, Rule, SourceFile};
use crate::lock::{self, ParsedLock};
use crate::names::QUERY_LOG_CONFIG;
use crate::network::stacks;
use crate::plan::{AddressSource, PLAN_VERSION, Plan, SubnetPlan, VpcPlan};
use crate::source::{self, Pointer, SpanIndex};
use crate::spec::{SubnetSize, Tier, Topology};
use crate::validate::{self, Facts, VpcFacts};
use crate::{Input, Outcome};
use std::collections::BTreeMap;

pub fn run(input: &Input<'_>) -> Outcome {
    let (value, spans, load_errors) = source::load(input.topology.text);
    let mut findings: Vec<Finding> = load_errors
        .into_iter()
        .map(|e| {
            let rule = if e.duplicate_key { Rule::Lp011 } else { Rule::Lp001 };
            let mut f = Finding::new(rule, Anchor::Span(e.span), e.message);
            f.hint = e.hint;
            if let Some(first) = e.first {
                f = f.related(Anchor::Span(first), "first defined here");
            }
            f
        })
        .collect();
    let mut lock_spans = SpanIndex::default();
    let mut old_lock = None;
    let mut plan = None;

    if let Some(mut value) = value {
        let structure = validate::structure::check(&mut value);
        findings.extend(structure.findings);
        if structure.readable {
            match serde_json::from_value::<Topology>(value) {
                Ok(topo) => {
                    let (parsed, spans, lock_findings) = match input.lock {
                        Some(l) => lock::parse(l.text, &topo.name),
                        None => (None, SpanIndex::default(), Vec::new()),
                    };
                    lock_spans = spans;
                    findings.extend(lock_findings);
                    plan = plan_topology(&topo, parsed.as_ref(), &mut findings);
                    old_lock = parsed;
                }
                Err(e) => findings.push(Finding::at(
                    Rule::Lp001,
                    &Pointer::root(),
                    format!("the topology cannot be read: {e}"),
                )),
            }
        }
    }

    let topo_src = SourceFile::new(input.topology.file, input.topology.text, &spans);
    let lock_src = input.lock.map(|l| SourceFile::new(l.file, l.text, &lock_spans));
    let diagnostics = diagnostic::resolve(findings, &topo_src, lock_src.as_ref());
    let valid = !diagnostics.iter().any(super::diagnostic::Diagnostic::is_error);
    Outcome { diagnostics, plan: plan.filter(|_| valid), old_lock, lock_was_given: input.lock.is_some() }
}

/// Every check and planner over a readable topology. Returns the plan when
/// every VPC could be planned.
fn plan_topology(topo: &Topology, lock: Option<&ParsedLock>, out: &mut Vec<Finding>) -> Option<Plan> {
    let (facts, found) = validate::check(topo);
    out.extend(found);
    let addresses = vpc_addresses(&facts, lock, out);
    let by_name: BTreeMap<&str, Ipv4Net> = addresses.iter().map(|(n, a)| (*n, a.cidr)).collect();
    validate::check_overlaps(&facts, &by_name, out);

    let hubs = topo.hubs();
    let runs_workloads = topo.workload_vpcs();
    let roles_of = stacks::RoleIndex::new(topo, &hubs);
    let mut vpcs = BTreeMap::new();
    for (name, vpc) in &facts.vpcs {
        let (roles, stack_role) = roles_of.vpc_roles(name);
        let Some(addr) = addresses.get(name) else { continue };
        let locked_subnets = lock.and_then(|l| l.vpcs.get(*name)).filter(|l| l.cidr == addr.cidr).map(|l| &l.subnets);
        let mut tiers = vpc.tiers();
        // a hub that runs nothing holds endpoints only: no `workload` tier
        // unless the topology asks for one (its `subnets`, a workload placed
        // in it) or the lock already holds one (locked subnets never go)
        let asked = runs_workloads.contains(name)
            || vpc.spec.subnets.as_ref().is_some_and(|s| s.contains_key(Tier::Workload.as_str()))
            || locked_subnets.is_some_and(|l| l.keys().any(|k| k.tier == Tier::Workload));
        if hubs.contains(name) && !asked {
            tiers.retain(|(t, _)| *t != Tier::Workload);
        }
        let (planned, errors) = subnets::plan(&SubnetInput {
            vpc: addr.cidr,
            azs: &vpc.azs,
            tiers: &tiers,
            enis: vpc.enis,
            locked: locked_subnets,
        });
        for e in errors {
            out.push(subnet_finding(vpc, addr.cidr, &e));
        }
        vpcs.insert(
            (*name).to_owned(),
            VpcPlan {
                account: vpc.spec.account.clone(),
                account_id: vpc.account_id.unwrap_or_default().to_owned(),
                region: vpc.spec.region.clone(),
                cidr: addr.cidr,
                source: addr.source,
                locked: addr.locked,
                azs: vpc.azs.clone(),
                segment: vpc.spec.segment.clone(),
                subnets: planned.into_iter().map(|s| SubnetPlan { tier: s.tier, az: s.az, cidr: s.cidr }).collect(),
                roles,
                stack: stacks::stack_name(topo, &vpc.spec.account, &vpc.spec.region, stack_role),
                stack_role,
                id_parameter: stacks::parameter(topo, &["vpc", name, "id"]),
                query_log_config_name: QUERY_LOG_CONFIG.name(&[&topo.name, name]),
            },
        );
    }
    if vpcs.len() != facts.vpcs.len() {
        return None;
    }
    let network = crate::network::plan(topo, &vpcs, out);
    Some(Plan {
        version: PLAN_VERSION.to_owned(),
        name: topo.name.clone(),
        organization_id: topo.organization.as_ref().map(|o| o.id.clone()),
        accounts: topo.accounts.iter().map(|(n, a)| (n.clone(), a.id.clone())).collect(),
        stacks: network.stacks,
        vpcs,
        endpoints: network.endpoints,
        dns: network.dns,
        routing: network.routing,
        iam: network.iam,
        reachability: network.reachability,
        isolation: network.isolation,
        workloads: network.workloads,
        privatelink: network.privatelink,
        studio: network.studio,
    })
}

struct Address {
    cidr: Ipv4Net,
    source: AddressSource,
    locked: bool,
}

/// Fixed CIDRs as given, locked ones kept, the rest allocated from the pools.
fn vpc_addresses<'a>(
    facts: &Facts<'a>,
    lock: Option<&ParsedLock>,
    out: &mut Vec<Finding>,
) -> BTreeMap<&'a str, Address> {
    let mut addresses = BTreeMap::new();
    let mut requests = Vec::new();
    // everything already spoken for: fixed VPCs, reserved ranges, the whole lock
    let mut taken: Vec<Ipv4Net> = facts.reserved.iter().map(|r| r.net).collect();
    taken.extend(lock.iter().flat_map(|l| l.vpcs.values().map(|v| v.cidr)));
    for (name, vpc) in facts.vpcs.iter().filter(|(_, v)| v.plannable) {
        let locked = lock.and_then(|l| l.vpcs.get(*name)).map(|l| l.cidr);
        if lock.is_some() && locked.is_none() {
            out.push(
                Finding::at_key(Rule::Lp027, &vpc.path, format!("VPC `{name}` is not in the lock file yet"))
                    .hint("run `plan lock` and commit the lock, so that its allocation never moves"),
            );
        }
        match (vpc.fixed, vpc.spec.size, locked) {
            (Some(fixed), _, Some(l)) if l != fixed => {
                out.push(moved(vpc, l, &format!("the topology now says {fixed}")));
            }
            (Some(fixed), _, l) => {
                taken.push(fixed);
                addresses.insert(*name, Address { cidr: fixed, source: AddressSource::Fixed, locked: l.is_some() });
            }
            (None, Some(size), Some(l)) if u32::from(l.prefix()) != size => {
                out.push(moved(vpc, l, &format!("`size: {size}` asks for a /{size}")));
            }
            (None, Some(_), Some(l)) => {
                addresses.insert(*name, Address { cidr: l, source: AddressSource::Pool, locked: true });
            }
            (None, Some(size), None) => {
                let prefix = u8::try_from(size).unwrap_or(u8::MAX);
                requests.push(Request { name, region: &vpc.spec.region, prefix });
            }
            (None, None, _) => {}
        }
    }
    let pools: Vec<PoolRange<'_>> = facts.pools.iter().map(|p| PoolRange { net: p.net, regions: p.regions }).collect();
    for (name, result) in pools::allocate(&pools, &taken, requests) {
        let Some(vpc) = facts.vpcs.get(name) else { continue };
        match result {
            Ok(cidr) => {
                addresses.insert(name, Address { cidr, source: AddressSource::Pool, locked: false });
            }
            Err(no_room) => out.push(no_room_finding(vpc, &no_room)),
        }
    }
    addresses
}

fn moved(vpc: &VpcFacts<'_>, locked: Ipv4Net, now: &str) -> Finding {
    Finding::at(
        Rule::Lp026,
        &vpc.address_path(),
        format!("VPC `{}` is locked at {locked}, but {now}; the change would move a locked allocation", vpc.name),
    )
    .hint(format!(
        "a VPC whose CIDR moves is replaced by CloudFormation; put back `{}`, or remove the VPC from the lock on purpose",
        if vpc.spec.cidr.is_some() { format!("cidr: {locked}") } else { format!("size: {}", locked.prefix()) }
    ))
}

fn no_room_finding(vpc: &VpcFacts<'_>, no_room: &pools::NoRoom) -> Finding {
    let size = vpc.spec.size.unwrap_or_default();
    let message = if no_room.tried.is_empty() {
        format!("no pool serves region {} for VPC `{}`'s /{size}", vpc.spec.region, vpc.name)
    } else {
        let pools: Vec<String> = no_room
            .tried
            .iter()
            .map(|(net, free, largest)| match largest {
                Some(l) => format!("{net} ({free} addresses free, largest block /{l})"),
                None => format!("{net} (full)"),
            })
            .collect();
        format!("no room for VPC `{}`'s /{size} in {}", vpc.name, pools.join(", "))
    };
    Finding::at(Rule::Lp023, &vpc.path.key("size"), message)
        .hint("add a pool (`addressing.pools`), widen one, or ask for a smaller size")
}

fn subnet_finding(vpc: &VpcFacts<'_>, cidr: Ipv4Net, e: &SubnetError) -> Finding {
    let tier_path = |tier: &Tier| -> Pointer {
        match vpc.spec.subnets.as_ref().map(|s| s.get(tier.as_str())) {
            Some(Some(SubnetSize::Prefix(_))) => vpc.path.key("subnets").key(tier.as_str()),
            _ => vpc.address_path(),
        }
    };
    match e {
        SubnetError::LargerThanVpc { tier, prefix } => Finding::at(
            Rule::Lp024,
            &tier_path(tier),
            format!("`{tier}` subnets are /{prefix}, larger than VPC `{}` ({cidr})", vpc.name),
        )
        .hint(format!("a subnet must be /{} or smaller", cidr.prefix())),
        SubnetError::DoesNotFit { needed, available } => Finding::at(
            Rule::Lp024,
            &vpc.address_path(),
            format!(
                "the subnets of VPC `{}` need {needed} addresses over {} AZs; {cidr} has {available} free",
                vpc.name,
                vpc.azs.len()
            ),
        )
        .hint("give the VPC a larger CIDR or size, fewer AZs, or smaller tiers under `subnets:`"),
        SubnetError::EndpointsTooSmall { tier, prefix, enis } => Finding::at(
            Rule::Lp025,
            &tier_path(tier),
            format!(
                "`{tier}` subnets of VPC `{}` are /{prefix} ({} addresses); expected room for {enis} endpoint ENIs plus the 5 AWS reserves",
                vpc.name,
                block_size(*prefix)
            ),
        )
        .hint("use a larger prefix for `endpoints`, or `auto`"),
        SubnetError::LockedSizeChanged { tier, az, locked, wanted } => Finding::at(
            Rule::Lp026,
            &tier_path(tier),
            format!("the `{tier}` subnet of VPC `{}` in {az} is locked at {locked}, but would now be a /{wanted}", vpc.name),
        )
        .hint(format!("a subnet that changes size is replaced; keep `{tier}: {}`", locked.prefix())),
    }
}

//! The pipeline: load → structure → spec → file checks → lock → addresses →
//! overlaps → subnets → plan. Each stage adds findings; later stages skip
//! only what an earlier one found broken.

use crate::cidr::pools::{self, PoolRange, Request};
use crate::cidr::subnets::{self, SubnetError, SubnetInput};
use crate::cidr::{Ipv4Net, block_size};
use crate::diagnostic::{self, Anchor, Finding, Rule, SourceFile, SourceId};
use crate::lock::{self, Claims, LockedAllocation, ParsedLock};
use crate::names::QUERY_LOG_CONFIG;
use crate::network::stacks;
use crate::plan::{AddressSource, PLAN_VERSION, Plan, SubnetPlan, VpcPlan};
use crate::source::{self, Pointer, SpanIndex};
use crate::spec::{SubnetSize, Tier, Topology};
use crate::validate::{self, Facts, VpcFacts};
use crate::{Input, Outcome};
use std::collections::{BTreeMap, BTreeSet};

pub fn run(input: &Input<'_>, release: &[String]) -> Outcome {
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
    let mut claims = Claims::default();
    let mut released = Vec::new();
    let mut not_in_lock = Vec::new();

    if let Some(mut value) = value {
        let structure = validate::structure::check(&mut value);
        findings.extend(structure.findings);
        if structure.readable {
            match serde_json::from_value::<Topology>(value) {
                Ok(topo) => {
                    let (mut parsed, spans, lock_findings) = match input.lock {
                        Some(l) => lock::parse(l.text, &topo.name),
                        None => (None, SpanIndex::default(), Vec::new()),
                    };
                    lock_spans = spans;
                    findings.extend(lock_findings);
                    // a released VPC is planned as if it had never been locked
                    for name in release {
                        match parsed.as_mut().and_then(|l| l.vpcs.remove(name)) {
                            Some(entry) => released.push((name.clone(), entry)),
                            None => not_in_lock.push(name.clone()),
                        }
                    }
                    let context = Context {
                        topology_file: input.topology.file,
                        account_names: topo.accounts.iter().map(|(n, a)| (a.id.as_str(), n.as_str())).collect(),
                        released: released.iter().map(|(n, _): &(String, _)| n.as_str()).collect(),
                    };
                    let (planned, held) = plan_topology(&topo, parsed.as_ref(), &context, &mut findings);
                    plan = planned;
                    claims = held;
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

    // the fast lock reader keeps no spans; a finding in a sound lock (a
    // removed VPC's entry) needs them
    if let Some(l) = input.lock
        && lock_spans.is_empty()
        && findings.iter().any(|f| f.source == SourceId::Lock)
    {
        lock_spans = source::load(l.text).1;
    }
    let topo_src = SourceFile::new(input.topology.file, input.topology.text, &spans);
    let lock_src = input.lock.map(|l| SourceFile::new(l.file, l.text, &lock_spans));
    let diagnostics = diagnostic::resolve(findings, &topo_src, lock_src.as_ref());
    let valid = !diagnostics.iter().any(super::diagnostic::Diagnostic::is_error);
    Outcome {
        diagnostics,
        plan: plan.filter(|_| valid),
        old_lock,
        lock_was_given: input.lock.is_some(),
        claims,
        released,
        not_in_lock,
    }
}

/// What findings say beyond the topology itself: the file the commands in
/// their hints name.
struct Context<'a> {
    topology_file: &'a str,
    /// The account names, by ID: a finding about a locked account ID names it.
    account_names: BTreeMap<&'a str, &'a str>,
    /// The VPCs released on purpose in this run: planned anew, not "not in
    /// the lock yet".
    released: BTreeSet<&'a str>,
}

/// Every check and planner over a readable topology. Returns the plan when
/// every VPC could be planned, and the lock entries the VPCs hold.
fn plan_topology(
    topo: &Topology,
    lock: Option<&ParsedLock>,
    context: &Context<'_>,
    out: &mut Vec<Finding>,
) -> (Option<Plan>, Claims) {
    let (facts, found) = validate::check(topo);
    out.extend(found);
    let claims = lock::claim(topo, lock, out);
    let suggested = match lock {
        Some(l) => lock::report_unclaimed(&facts, l, &claims, context.topology_file, out),
        None => BTreeSet::new(),
    };
    let held = |name: &str| claims.entry_of(name).and_then(|key| lock.and_then(|l| l.vpcs.get(key)));
    let addresses = vpc_addresses(&facts, lock, &held, &suggested, context, out);
    let by_name: BTreeMap<&str, Ipv4Net> = addresses.iter().map(|(n, a)| (*n, a.cidr)).collect();
    validate::check_overlaps(&facts, &by_name, out);

    let hubs = topo.hubs();
    let runs_workloads = topo.workload_vpcs();
    let roles_of = stacks::RoleIndex::new(topo, &hubs);
    let mut vpcs = BTreeMap::new();
    for (name, vpc) in &facts.vpcs {
        let (roles, stack_role) = roles_of.vpc_roles(name);
        let Some(addr) = addresses.get(name) else { continue };
        let locked_entry = held(name).filter(|l| l.cidr == addr.cidr);
        let locked_subnets = locked_entry.map(|l| &l.subnets);
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
        out.extend(subnet_findings(vpc, addr.cidr, locked_entry, &planned, errors, context));
        // a renamed VPC keeps the name its resources were created under:
        // the one its entry records, else the name it was locked under
        let construct_id = held(name)
            .and_then(|l| l.construct_id.clone())
            .or_else(|| claims.renamed_from(name).map(str::to_owned))
            .filter(|id| id != name);
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
                query_log_config_name: QUERY_LOG_CONFIG.name(&[&topo.name, construct_id.as_deref().unwrap_or(name)]),
                construct_id,
            },
        );
    }
    if vpcs.len() != facts.vpcs.len() {
        return (None, claims);
    }
    let network = crate::network::plan(topo, &vpcs, out);
    let plan = Plan {
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
    };
    (Some(plan), claims)
}

struct Address {
    cidr: Ipv4Net,
    source: AddressSource,
    locked: bool,
}

/// Fixed CIDRs as given, locked ones kept, the rest allocated from the pools.
/// `held` is the lock entry a VPC holds; `suggested`, the VPCs already told
/// (LP029) that they look like a locked VPC renamed.
fn vpc_addresses<'a, 'l>(
    facts: &Facts<'a>,
    lock: Option<&'l ParsedLock>,
    held: &dyn Fn(&str) -> Option<&'l LockedAllocation>,
    suggested: &BTreeSet<&str>,
    context: &Context<'_>,
    out: &mut Vec<Finding>,
) -> BTreeMap<&'a str, Address> {
    let mut addresses = BTreeMap::new();
    let mut requests = Vec::new();
    // everything already spoken for: fixed VPCs, reserved ranges, the whole lock
    let mut taken: Vec<Ipv4Net> = facts.reserved.iter().map(|r| r.net).collect();
    taken.extend(lock.iter().flat_map(|l| l.vpcs.values().map(|v| v.cidr)));
    for (name, vpc) in facts.vpcs.iter().filter(|(_, v)| v.plannable) {
        let entry = held(name);
        if lock.is_some() && entry.is_none() && !suggested.contains(name) && !context.released.contains(name) {
            let was =
                vpc.spec.was.as_deref().map(|w| format!(" (nor is `{w}`, which its `was:` names)")).unwrap_or_default();
            out.push(
                Finding::at_key(Rule::Lp027, &vpc.path, format!("VPC `{name}` is not in the lock file yet{was}")).hint(
                    format!(
                        "run `plan lock {}` and commit the lock, so that its allocation never moves",
                        context.topology_file
                    ),
                ),
            );
        }
        if let Some(f) = entry.and_then(|e| moved_elsewhere(vpc, e, context)) {
            out.push(f);
            continue;
        }
        let locked = entry.map(|l| l.cidr);
        match (vpc.fixed, vpc.spec.size, locked) {
            (Some(fixed), _, Some(l)) if l != fixed => {
                out.push(moved(vpc, l, &format!("the topology now says {fixed}"), context));
            }
            (Some(fixed), _, l) => {
                taken.push(fixed);
                addresses.insert(*name, Address { cidr: fixed, source: AddressSource::Fixed, locked: l.is_some() });
            }
            (None, Some(size), Some(l)) if u32::from(l.prefix()) != size => {
                out.push(moved(vpc, l, &format!("`size: {size}` asks for a /{size}"), context));
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

/// The findings of a VPC's subnet plan. A locked VPC's are about the lock:
/// new AZs that do not fit beside the locked ones are LP026 naming them;
/// a VPC too small for what is added gets no hint to grow (that would move
/// it); locked subnets it no longer plans are LP028.
fn subnet_findings(
    vpc: &VpcFacts<'_>,
    cidr: Ipv4Net,
    locked: Option<&LockedAllocation>,
    planned: &[subnets::Subnet],
    mut errors: Vec<SubnetError>,
    context: &Context<'_>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let does_not_fit = |e: &SubnetError| matches!(e, SubnetError::DoesNotFit { .. });
    match locked {
        Some(entry) if errors.is_empty() => out.extend(subnets_left_behind(vpc, entry, planned, context)),
        Some(entry) if errors.iter().any(does_not_fit) => {
            if let Some(f) = locked_azs_replaced(vpc, entry, context) {
                out.push(f);
                errors.retain(|e| !does_not_fit(e));
            }
        }
        _ => {}
    }
    for e in errors {
        let mut f = subnet_finding(vpc, cidr, &e);
        if locked.is_some() && does_not_fit(&e) {
            f.hint = Some(format!(
                "VPC `{}` is locked at {cidr}, so a larger CIDR or size would replace it; give the new subnets smaller sizes under `subnets:`, or fewer AZs, or to re-plan the VPC on purpose, `plan lock {} --release {}`",
                vpc.name, context.topology_file, vpc.name
            ));
        }
        out.push(f);
    }
    out
}

/// LP026 for a locked VPC the topology now puts in another account or
/// region (when the lock records them): CloudFormation cannot move a VPC
/// there, it would build a new one and delete this one.
fn moved_elsewhere(vpc: &VpcFacts<'_>, entry: &LockedAllocation, context: &Context<'_>) -> Option<Finding> {
    let name = vpc.name;
    let release = format!("plan lock {} --release {name}", context.topology_file);
    if let (Some(locked), Some(now)) = (entry.account.as_deref(), vpc.account_id)
        && locked != now
    {
        return Some(
            Finding::at(
                Rule::Lp026,
                &vpc.path.key("account"),
                format!(
                    "VPC `{name}` is locked in account {}, but the topology now puts it in account `{}` ({now}); the change would move a locked allocation",
                    match context.account_names.get(locked) {
                        Some(account) => format!("`{account}` ({locked})"),
                        None => locked.to_owned(),
                    },
                    vpc.spec.account
                ),
            )
            .hint(format!(
                "a VPC cannot move to another account: CloudFormation would build a new one there and delete this one with everything in it. Put back {}, or to build the VPC anew on purpose, `{release}`",
                match context.account_names.get(locked) {
                    Some(account) => format!("`account: {account}`"),
                    None => format!("the account whose ID is {locked}"),
                }
            )),
        );
    }
    if let Some(locked) = entry.region.as_deref()
        && locked != vpc.spec.region
    {
        return Some(
            Finding::at(
                Rule::Lp026,
                &vpc.path.key("region"),
                format!(
                    "VPC `{name}` is locked in region {locked}, but the topology now puts it in {}; the change would move a locked allocation",
                    vpc.spec.region
                ),
            )
            .hint(format!(
                "a VPC cannot move to another region: CloudFormation would build a new one there and delete this one with everything in it. Put back `region: {locked}`, or to build the VPC anew on purpose, `{release}`"
            )),
        );
    }
    None
}

/// LP026 for a locked VPC whose AZs were replaced so that the new AZs'
/// subnets do not fit beside the locked ones (which keep their ranges);
/// `None` when no locked AZ left the topology (then it is LP024, the VPC
/// is too small).
fn locked_azs_replaced(vpc: &VpcFacts<'_>, entry: &LockedAllocation, context: &Context<'_>) -> Option<Finding> {
    let locked = entry.azs();
    if locked.iter().all(|az| vpc.azs.iter().any(|a| a == az)) {
        return None;
    }
    let new: Vec<&str> = vpc.azs.iter().map(String::as_str).filter(|az| !locked.contains(az)).collect();
    let name = vpc.name;
    Some(
        Finding::at(
            Rule::Lp026,
            &vpc.path.key("azs"),
            format!(
                "VPC `{name}` is locked at {} with subnets in {}, and the topology now asks for {}; the locked subnets keep their ranges, and the subnets of {} do not fit beside them",
                entry.cidr,
                locked.join(", "),
                vpc.azs.join(", "),
                if new.is_empty() { "the new tiers".to_owned() } else { new.join(", ") },
            ),
        )
        .hint(format!(
            "put back `azs: [{}]`; to move the VPC to the new AZs on purpose (CloudFormation replaces its subnets and everything in them), release its lock entry: `plan lock {} --release {name}`",
            locked.join(", "),
            context.topology_file
        )),
    )
}

/// LP028 for the locked subnets of a VPC that it no longer plans (an AZ or
/// tier left the topology): they stay in the lock, their ranges taken.
fn subnets_left_behind(
    vpc: &VpcFacts<'_>,
    entry: &LockedAllocation,
    planned: &[subnets::Subnet],
    context: &Context<'_>,
) -> Option<Finding> {
    let gone: Vec<String> = entry
        .subnets
        .iter()
        .filter(|(k, _)| !planned.iter().any(|s| s.tier == k.tier && s.az == k.az))
        .map(|(k, net)| format!("{} {} {net}", k.tier, k.az))
        .collect();
    if gone.is_empty() {
        return None;
    }
    Some(
        Finding::at(
            Rule::Lp028,
            &vpc.path.key("azs"),
            format!(
                "VPC `{}` no longer plans {} locked subnet{} ({}); {} in the lock, the ranges taken",
                vpc.name,
                gone.len(),
                if gone.len() == 1 { "" } else { "s" },
                gone.join(", "),
                if gone.len() == 1 { "it stays" } else { "they stay" }
            ),
        )
        .hint(format!(
            "once the subnets are deleted, `plan lock {} --prune` frees their ranges",
            context.topology_file
        )),
    )
}

fn moved(vpc: &VpcFacts<'_>, locked: Ipv4Net, now: &str, context: &Context<'_>) -> Finding {
    Finding::at(
        Rule::Lp026,
        &vpc.address_path(),
        format!("VPC `{}` is locked at {locked}, but {now}; the change would move a locked allocation", vpc.name),
    )
    .hint(format!(
        "a VPC whose CIDR moves is replaced by CloudFormation; put back `{}`, or to move it on purpose, release its lock entry: `plan lock {} --release {}`",
        if vpc.spec.cidr.is_some() { format!("cidr: {locked}") } else { format!("size: {}", locked.prefix()) },
        context.topology_file,
        vpc.name
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

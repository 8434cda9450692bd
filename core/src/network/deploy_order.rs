//! LP072: the planned stacks must have a deploy order. A stack that needs a
//! value another stack publishes (an ID known only at deploy) deploys after
//! it, so the stacks' reads must not form a cycle. The reads are the CDK
//! library's (`cdk-lib/src`, every `Exchange.get`): a VPC's stack reads its
//! transit gateway, Profile and resolver rules; a Profile's stack the zones
//! it holds; a PrivateLink consumer's stack the service name its producer's
//! stack publishes; the Studio portal's stack its execute-api endpoint, and
//! each LOB domain's stack the portal role and the endpoints its URL role
//! names; a VPC peering's requester's stack the accepter's VPC ID. `links`
//! stacks only read, after everything else, and are left out.
//!
//! Only a PrivateLink consumer, a Studio domain, a Profile holding the
//! zones of another region's hub or a VPC peering's requester can close a
//! cycle (the network stacks read nothing else of the VPCs' stacks), so the
//! finding points at the consumer, the domain, the hub's `share` or the
//! requester's place in `transit.attach` whose read does.

use super::Ctx;
use super::dns::DnsPlan;
use super::endpoints::EndpointPlan;
use super::iam::IamPlan;
use super::privatelink::PrivateLinkPlan;
use super::routing::RoutingPlan;
use super::studio::StudioPlan;
use crate::diagnostic::{Finding, Rule};
use crate::source::Pointer;
use std::collections::{BTreeMap, BTreeSet};

const PRIVATELINK_HINT: &str = "the plan builds one stack per account, region and role: place the producers so that the \
     service names are read one way (both in one account, say), or build one consumer's endpoint with PrivateLinkConsumer \
     in a stack of your own";
const ZONE_HINT: &str = "a hub's zones reach the Profiles of other regions from its own region's stack: serve the VPCs \
     of these regions from the hubs of one of them, or put the hubs of the two regions in two accounts";
const PEERING_HINT: &str = "a VPC peering is requested by one VPC's stack, which reads the other's VPC ID: attach these \
     VPCs so that the stacks of two accounts and regions are not both requester and accepter of each other (the plan \
     makes a hub the accepter), or use `transit.mode: transit-gateway`";
const STUDIO_HINT: &str = "the plan builds one stack per account, region and role: put the Studio portal's VPC, or \
     this domain's, in an account of its own";

/// A read of one stack from another, and why.
struct Read {
    from: String,
    to: String,
    what: String,
    /// Where a finding about this read points (a consumer, a domain or a
    /// hub's share) and its hint, if the read is one that can close a cycle.
    at: Option<(Pointer, &'static str)>,
}

pub struct Inputs<'a> {
    pub routing: &'a RoutingPlan,
    pub dns: &'a DnsPlan,
    pub privatelink: &'a [PrivateLinkPlan],
    pub studio: Option<&'a StudioPlan>,
    pub iam: &'a IamPlan,
    pub endpoints: &'a [EndpointPlan],
}

pub fn check(cx: &Ctx<'_>, inputs: &Inputs<'_>, out: &mut Vec<Finding>) {
    let reads = reads(cx, inputs);
    let mut graph: BTreeMap<&str, Vec<&Read>> = BTreeMap::new();
    for r in reads.iter().filter(|r| r.from != r.to) {
        graph.entry(&r.from).or_default().push(r);
    }
    let mut reported: BTreeSet<String> = BTreeSet::new();
    for r in reads.iter().filter(|r| r.at.is_some() && r.from != r.to) {
        // a path back from the read's producer to its reader closes a cycle
        let Some(back) = path(&graph, &r.to, &r.from) else { continue };
        let mut cycle = vec![r];
        cycle.extend(back);
        let mut stacks: Vec<&str> = cycle.iter().map(|x| x.from.as_str()).collect();
        stacks.sort_unstable();
        if !reported.insert(stacks.join(" ")) {
            continue;
        }
        let chain = cycle
            .iter()
            .map(|x| format!("`{}` reads {} from `{}`", x.from, x.what, x.to))
            .collect::<Vec<_>>()
            .join(", ");
        let Some((at, hint)) = &r.at else { continue };
        out.push(
            Finding::at(
                Rule::Lp072,
                at,
                format!("the stacks would wait for each other's values, so none can deploy first: {chain}"),
            )
            .hint(*hint),
        );
    }
}

/// The reads on a shortest path from `from` to `to`, if there is one.
fn path<'a>(graph: &BTreeMap<&str, Vec<&'a Read>>, from: &str, to: &str) -> Option<Vec<&'a Read>> {
    let mut came: BTreeMap<&str, &'a Read> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([from]);
    let mut seen: BTreeSet<&str> = BTreeSet::from([from]);
    while let Some(s) = queue.pop_front() {
        if s == to {
            let mut out = Vec::new();
            let mut at = to;
            while at != from {
                let r = came[at];
                out.push(r);
                at = &r.from;
            }
            out.reverse();
            return Some(out);
        }
        for r in graph.get(s).into_iter().flatten() {
            if seen.insert(&r.to) {
                came.insert(&r.to, r);
                queue.push_back(&r.to);
            }
        }
    }
    None
}

fn reads(cx: &Ctx<'_>, i: &Inputs<'_>) -> Vec<Read> {
    let stack_of = |vpc: &str| cx.vpc(vpc).map(|v| v.stack.clone());
    let mut reads = Vec::new();
    let mut read = |from: Option<String>, to: Option<String>, what: String, at: Option<(Pointer, &'static str)>| {
        if let (Some(from), Some(to)) = (from, to) {
            reads.push(Read { from, to, what, at });
        }
    };
    let tgw_stack: BTreeMap<&str, &str> =
        i.routing.transit_gateways.iter().map(|t| (t.id.as_str(), t.stack.as_str())).collect();
    for a in &i.routing.attachments {
        let to = tgw_stack.get(a.transit_gateway.as_str()).map(|s| (*s).to_owned());
        read(stack_of(&a.vpc), to, format!("the ID of {}", a.transit_gateway), None);
    }
    // a peering's requester reads the accepter's VPC ID (the accepter's routes
    // are added by a `links` stack, which only reads)
    for p in &i.routing.vpc_peerings {
        let at = cx.topo.transit.as_ref().and_then(|t| t.attach.iter().position(|v| *v == p.requester));
        let at = at.map(|n| (Pointer::root().key("transit").key("attach").index(n), PEERING_HINT));
        read(
            Some(p.stack.clone()),
            stack_of(&p.accepter),
            format!("the VPC ID of `{}` (for {})", p.accepter, p.id),
            at,
        );
    }
    let zones: BTreeMap<&str, &super::dns::HostedZonePlan> =
        i.dns.hosted_zones.iter().map(|z| (z.id.as_str(), z)).collect();
    // a zone's hub shares it: a finding points at the hub's `share`
    let share_at = |hub: &str| {
        let n = cx.topo.endpoints.iter().position(|e| e.vpc == hub && !e.share.is_empty());
        n.map(|n| (Pointer::root().key("endpoints").index(n).key("share"), ZONE_HINT))
    };
    for p in &i.dns.profiles {
        for v in &p.associations {
            read(stack_of(v), Some(p.stack.clone()), format!("the ID of Profile `{}`", p.id), None);
        }
        for z in p.zones.iter().filter_map(|z| zones.get(z.as_str())) {
            let what = format!("the ID of zone `{}` (for Profile `{}`)", z.id, p.id);
            read(Some(p.stack.clone()), Some(z.stack.clone()), what, share_at(&z.hub_vpc));
        }
    }
    for r in &i.dns.resolver_rules {
        for v in &r.associations {
            read(stack_of(v), Some(r.stack.clone()), format!("the ID of rule `{}`", r.id), None);
        }
    }
    let positions: BTreeMap<&str, usize> =
        cx.topo.privatelink.iter().enumerate().map(|(n, pl)| (pl.name.as_str(), n)).collect();
    for s in i.privatelink {
        let Some(&n) = positions.get(s.name.as_str()) else { continue };
        for c in &s.consumers {
            let j = cx.topo.privatelink[n].consumers.iter().position(|x| *x == c.vpc);
            let at =
                j.map(|j| (Pointer::root().key("privatelink").index(n).key("consumers").index(j), PRIVATELINK_HINT));
            read(stack_of(&c.vpc), stack_of(&s.producer.vpc), format!("the service name of `{}`", s.name), at);
        }
    }
    let Some(studio) = i.studio else { return reads };
    let endpoint_vpc = |id: &str| i.endpoints.iter().find(|e| e.id == id).map(|e| e.vpc.clone());
    if let Some(api) = &studio.portal.api_endpoint {
        let at = (Pointer::root().key("studio").key("portal"), STUDIO_HINT);
        read(
            stack_of(&studio.portal.vpc),
            endpoint_vpc(api).and_then(|v| stack_of(&v)),
            format!("the ID of endpoint `{api}`"),
            Some(at),
        );
    }
    for (n, d) in studio.domains.iter().enumerate() {
        let at = cx.topo.studio.as_ref().and_then(|s| s.domains.iter().position(|x| x.lob == d.lob)).unwrap_or(n);
        let at = (Pointer::root().key("studio").key("domains").index(at), STUDIO_HINT);
        let portal = i.iam.roles.iter().find(|r| r.id == studio.portal.role);
        if let Some(role) = portal.filter(|r| r.arn_parameter.is_some()) {
            read(stack_of(&d.vpc), Some(role.stack.clone()), "the ARN of the portal's role".into(), Some(at.clone()));
        }
        let url = i.iam.roles.iter().find(|r| r.id == d.url_role);
        for e in url.into_iter().flat_map(|r| &r.source_vpce) {
            read(
                stack_of(&d.vpc),
                endpoint_vpc(e).and_then(|v| stack_of(&v)),
                format!("the ID of endpoint `{e}`"),
                Some(at.clone()),
            );
        }
    }
    reads
}
